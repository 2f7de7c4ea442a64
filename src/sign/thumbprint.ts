import { calculateJwkThumbprint, type JWK } from 'jose';

// RFC 7638 section 3.2: the members hashed into the thumbprint of each key type of the signature table.
const HASHED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['crv', 'kty', 'x'],
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
};

// Per key object: the hashed members it had, and their thumbprint. Weak, so a key is forgotten with its object.
const remembered = new WeakMap<object, { members: string; thumbprint: Promise<string | undefined> }>();

/**
 * The RFC 7638 SHA-256 thumbprint of a JWK, base64url: the `kid` by which evidence-bundle names keys; undefined
 * when the value is not a JWK whose thumbprint can be computed. Never throws.
 *
 * Verifiers look a `kid` up among all their trusted keys for every signature and every custody event, so the
 * thumbprint is remembered per key object. It is recomputed whenever one of the hashed members differs from what
 * was hashed, so a key changed in place is never named by its old thumbprint.
 * @example
 * const kid = await jwkThumbprint(publicJwk); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 */
export async function jwkThumbprint(jwk: unknown): Promise<string | undefined> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const kty = (jwk as { kty?: unknown }).kty;
  const names = typeof kty === 'string' && Object.hasOwn(HASHED_MEMBERS, kty) ? HASHED_MEMBERS[kty]! : undefined;
  const values = names?.map((name) => (jwk as Record<string, unknown>)[name]);
  // Anything but strings in a hashed member is not a key jose can hash: nothing worth remembering.
  if (values === undefined || !values.every((v) => typeof v === 'string')) return compute(jwk);
  const members = JSON.stringify(values);
  const known = remembered.get(jwk);
  if (known?.members === members) return known.thumbprint;
  const thumbprint = compute(jwk);
  remembered.set(jwk, { members, thumbprint });
  return thumbprint;
}

async function compute(jwk: object): Promise<string | undefined> {
  try {
    return await calculateJwkThumbprint(jwk as JWK, 'sha256');
  } catch {
    return undefined;
  }
}
