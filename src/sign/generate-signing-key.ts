import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { SIGNATURE_ALGORITHMS, isSignatureAlgorithm, type SignatureAlgorithm } from './algorithms.js';

/** A new key pair as JWKs, both marked with `alg`, `use: "sig"` and the RFC 7638 `kid`. */
export interface GeneratedSigningKey {
  alg: SignatureAlgorithm;
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/**
 * Generates a signing key of the table (WebCrypto, extractable so it can be saved). RSA keys are 3072 bits
 * (NIST SP 800-57 strength for use beyond 2030; evidence outlives keys).
 * @throws TypeError when `alg` is not in the table
 * @example
 * const key = await generateSigningKey('EdDSA');
 * await writeFile('packager.jwk', JSON.stringify(key.privateJwk));
 */
export async function generateSigningKey(alg: SignatureAlgorithm = 'EdDSA'): Promise<GeneratedSigningKey> {
  if (!isSignatureAlgorithm(alg)) throw new TypeError(`alg must be one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    ...(alg === 'PS256' ? { modulusLength: 3072 } : {}),
  });
  const publicJwk = (await exportJWK(publicKey)) as JsonWebKey;
  const privateJwk = (await exportJWK(privateKey)) as JsonWebKey;
  const kid = await calculateJwkThumbprint(publicJwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256');
  const marks = { alg, use: 'sig', kid };
  return { alg, kid, privateJwk: { ...privateJwk, ...marks }, publicJwk: { ...publicJwk, ...marks } };
}
