import { EvidenceBundleError } from '../errors.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import { checkKeyFor } from './key-checks.js';
import type { Signer } from './signer.js';
import { webCryptoSigner } from './webcrypto-signer.js';
import { jwkThumbprint } from './thumbprint.js';

/** The private and public halves of a WebCrypto key pair; the public half may also be given as a JWK. */
export interface CryptoKeySignerKeys {
  /** The private key: non-extractable is fine (and the point), but it must allow `sign`. */
  readonly privateKey: CryptoKey;
  /** Its public key, for `kid` and for the check of each signature; a non-extractable private key cannot give it. */
  readonly publicKey: CryptoKey | JsonWebKey;
}

/** Options of {@link createCryptoKeySigner}. */
export interface CryptoKeySignerOptions {
  /** Certificate chain of the key (base64 DER, leaf first), put in each signature's protected header as `x5c`. */
  readonly x5c?: readonly string[];
}

/**
 * A {@link Signer} over a WebCrypto `CryptoKey` (every runtime: browsers, Node, Deno, Bun), so a key generated or
 * unwrapped as non-extractable signs without its private bytes ever being readable. The algorithm follows from
 * the key: Ed25519 → EdDSA, ECDSA P-256 → ES256, ECDSA P-384 → ES384, RSA-PSS with SHA-256 → PS256 (RFC 7518
 * section 3.5); `kid` is the RFC 7638 thumbprint of the public key, and every signature is verified with that
 * public key before it is written, as for {@link createJwkSigner}.
 * @throws TypeError when `keys.privateKey` is not a CryptoKey, or `keys.publicKey` neither a CryptoKey nor a JWK
 * @throws EvidenceBundleError `ERR_KEY_INVALID` when `privateKey` is not a private key, or `publicKey` is not
 *   its public half's type or cannot be exported; `ERR_ALG_NOT_ALLOWED` for a key of no algorithm of the table
 *   (RSASSA-PKCS1-v1_5, P-521, RSA-PSS over SHA-384, HMAC...); `ERR_KEY_USAGE` when the private key's usages
 *   lack `sign`; `ERR_KEY_TOO_SMALL` for an RSA modulus under 2048 bits
 * @example
 * const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
 * const signer = await createCryptoKeySigner(pair);
 * const entry = await signDetached(new TextEncoder().encode('{}'), signer, { role: 'packager' });
 */
export async function createCryptoKeySigner(keys: CryptoKeySignerKeys, options: CryptoKeySignerOptions = {}): Promise<Signer> {
  if (typeof keys !== 'object' || keys === null || !isCryptoKey(keys.privateKey)) {
    throw new TypeError('keys.privateKey must be a CryptoKey');
  }
  const { privateKey } = keys;
  if (privateKey.type !== 'private') throw new EvidenceBundleError('ERR_KEY_INVALID', `keys.privateKey is a ${privateKey.type} key, not a private key`);
  const alg = algorithmOfCryptoKey(privateKey);
  if (!privateKey.usages.includes('sign')) throw new EvidenceBundleError('ERR_KEY_USAGE', 'the private key\'s usages do not include "sign"');
  const publicKey = await publicJwkOf(keys.publicKey);
  // The public half decides kid and the RSA size floor, so it must be of the private key's type and curve.
  const problem = checkKeyFor(publicKey, alg, 'verify');
  if (problem !== undefined) {
    throw new EvidenceBundleError(problem.kind === 'too-small' ? 'ERR_KEY_TOO_SMALL' : 'ERR_KEY_INVALID', `keys.publicKey: ${problem.message}`);
  }
  const kid = await jwkThumbprint(publicKey);
  if (kid === undefined) throw new EvidenceBundleError('ERR_KEY_INVALID', 'keys.publicKey has no RFC 7638 thumbprint (missing members)');
  return webCryptoSigner(alg, kid, publicKey, privateKey, options.x5c);
}

// Duck-typed: a CryptoKey from another realm (an iframe, a worker's structured clone) fails `instanceof`.
function isCryptoKey(value: unknown): value is CryptoKey {
  if (typeof value !== 'object' || value === null) return false;
  const key = value as Partial<CryptoKey>;
  return typeof key.type === 'string' && typeof key.algorithm === 'object' && key.algorithm !== null && Array.isArray(key.usages);
}

/** The table's algorithm for a WebCrypto key, from the parameters the key was generated or imported with. */
function algorithmOfCryptoKey(key: CryptoKey): SignatureAlgorithm {
  const algorithm = key.algorithm as KeyAlgorithm & { namedCurve?: string; hash?: { name?: string }; modulusLength?: number };
  const name = algorithm.name;
  if (name === 'Ed25519') return 'EdDSA';
  if (name === 'ECDSA' && algorithm.namedCurve === SIGNATURE_ALGORITHMS.ES256.crv) return 'ES256';
  if (name === 'ECDSA' && algorithm.namedCurve === SIGNATURE_ALGORITHMS.ES384.crv) return 'ES384';
  // An RSA-PSS key is bound to its hash at generation; PS256 is SHA-256 only.
  if (name === 'RSA-PSS' && algorithm.hash?.name === 'SHA-256') return 'PS256';
  const detail = [name, algorithm.namedCurve, algorithm.hash?.name].filter((part) => typeof part === 'string').join(' ');
  throw new EvidenceBundleError('ERR_ALG_NOT_ALLOWED', `a ${detail} key makes no signature of the table (${Object.keys(SIGNATURE_ALGORITHMS).join(', ')})`);
}

async function publicJwkOf(publicKey: CryptoKey | JsonWebKey): Promise<JsonWebKey> {
  let jwk: JsonWebKey;
  if (isCryptoKey(publicKey)) {
    if (publicKey.type !== 'public') throw new EvidenceBundleError('ERR_KEY_INVALID', `keys.publicKey is a ${publicKey.type} key, not a public key`);
    try {
      jwk = (await crypto.subtle.exportKey('jwk', publicKey)) as JsonWebKey;
    } catch (cause) {
      throw new EvidenceBundleError('ERR_KEY_INVALID', 'keys.publicKey cannot be exported as a JWK', { cause });
    }
  } else if (typeof publicKey === 'object' && publicKey !== null && !Array.isArray(publicKey)) {
    jwk = publicKey;
    if (jwk.d !== undefined) throw new EvidenceBundleError('ERR_KEY_INVALID', 'keys.publicKey is a private JWK: give its public members only');
  } else {
    throw new TypeError('keys.publicKey must be a CryptoKey or a JWK');
  }
  // The key members only: WebCrypto's export adds key_ops ["verify"] and ext, which say nothing about the key.
  return Object.fromEntries(['kty', 'crv', 'x', 'y', 'n', 'e'].flatMap((name) => {
    const value = (jwk as Record<string, unknown>)[name];
    return value === undefined ? [] : [[name, value]];
  })) as JsonWebKey;
}
