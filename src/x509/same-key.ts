import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * Whether two public JWKs are the same key, by their RFC 7638 SHA-256 thumbprints (so members other than the
 * required ones, such as `alg` or `kid`, do not matter). False when either is not a valid public key.
 * @example
 * if (!(await sameKey(chain.leafPublicJwk!, signerJwk))) { ... }
 */
export async function sameKey(a: JsonWebKey, b: JsonWebKey): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([calculateJwkThumbprint(a as JWK, 'sha256'), calculateJwkThumbprint(b as JWK, 'sha256')]);
    return x === y;
  } catch {
    return false;
  }
}
