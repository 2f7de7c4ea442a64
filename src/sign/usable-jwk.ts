import { importJWK } from 'jose';
import type { SignatureAlgorithm } from './algorithms.js';

/**
 * Imports a JWK as a WebCrypto key for `alg`, after {@link checkKeyFor} has judged it. `alg`, `use`, `key_ops`
 * and `ext` are dropped first: they were enforced by our own checks, and WebCrypto would otherwise refuse keys
 * whose `key_ops` list more than the one operation asked for.
 */
export async function importKeyFor(jwk: JsonWebKey, alg: SignatureAlgorithm): Promise<CryptoKey> {
  const { alg: _alg, use: _use, key_ops: _ops, ext: _ext, ...material } = jwk;
  const key = await importJWK(material, alg);
  // Only symmetric keys come back as bytes, and no algorithm of the table takes one.
  if (key instanceof Uint8Array) throw new TypeError('a symmetric key cannot make signatures');
  return key;
}
