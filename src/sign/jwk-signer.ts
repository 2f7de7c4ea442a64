import { calculateJwkThumbprint } from 'jose';
import { EvidenceBundleError } from '../errors.js';
import { algorithmForKey, SIGNATURE_ALGORITHMS } from './algorithms.js';
import { checkKeyFor, describeKey } from './key-checks.js';
import type { Signer } from './signer.js';
import { webCryptoSigner } from './webcrypto-signer.js';
import { importKeyFor } from './usable-jwk.js';

/**
 * A {@link Signer} for a local private JWK: the algorithm is the key's own `alg`, or follows from its type
 * (OKP Ed25519 → EdDSA, EC P-256 → ES256, EC P-384 → ES384, RSA → PS256); `kid` is the RFC 7638 thumbprint,
 * `publicKey` the key's public members (so every signature it makes is checked before use).
 * @throws EvidenceBundleError `ERR_KEY_INVALID` when the JWK is not a private key of the table,
 *   `ERR_ALG_NOT_ALLOWED` when its `alg` is outside the table, `ERR_KEY_USAGE` when its `use` or `key_ops`
 *   forbid signing, `ERR_KEY_TOO_SMALL` for an RSA modulus under 2048 bits
 * @example
 * const { privateJwk } = await generateSigningKey('ES256');
 * const signer = await createJwkSigner(privateJwk);
 * await signBundleDirectory('out/case-42', { signer, role: 'certifier' });
 */
export async function createJwkSigner(privateJwk: JsonWebKey, options: { x5c?: readonly string[] } = {}): Promise<Signer> {
  if (typeof privateJwk !== 'object' || privateJwk === null) throw new TypeError('privateJwk must be a JWK object');
  if (typeof privateJwk.d !== 'string') throw new EvidenceBundleError('ERR_KEY_INVALID', 'the JWK is not a private key (no "d")');
  const alg = algorithmForKey(privateJwk);
  if (alg === undefined) {
    if (privateJwk.alg !== undefined) {
      throw new EvidenceBundleError('ERR_ALG_NOT_ALLOWED', `alg ${privateJwk.alg} is not one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
    }
    throw new EvidenceBundleError('ERR_KEY_INVALID', `a ${describeKey(privateJwk)} key makes no signature of the table`);
  }
  const problem = checkKeyFor(privateJwk, alg, 'sign');
  if (problem !== undefined) {
    throw new EvidenceBundleError(problem.kind === 'too-small' ? 'ERR_KEY_TOO_SMALL' : 'ERR_KEY_USAGE', problem.message);
  }
  let key: CryptoKey;
  let kid: string;
  try {
    key = await importKeyFor(privateJwk, alg);
    kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  } catch (cause) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', `the ${alg} private key cannot be imported`, { cause });
  }
  // The key members only: `use` or `key_ops` of the private key would forbid verifying with its public half.
  const publicKey = Object.fromEntries(['kty', 'crv', 'x', 'y', 'n', 'e'].flatMap((name) => {
    const value = (privateJwk as Record<string, unknown>)[name];
    return value === undefined ? [] : [[name, value]];
  })) as JsonWebKey;
  return webCryptoSigner(alg, kid, publicKey, key, options.x5c);
}
