import { base64Encode, createJwkSigner, EvidenceBundleError, type Signer } from '../../index.js';
import { loadCertificates } from './certificates.js';
import { readJsonFile } from './files.js';

/**
 * Loads a private JWK file as a Signer; with certificate files (PEM, leaf first, then its issuers), the signer
 * puts that chain in its signatures' `x5c`.
 */
export async function loadSigner(path: string, certificatePaths: readonly string[] = []): Promise<Signer> {
  const jwk = await readJsonFile(path, 1024 * 1024);
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', `${path} is not a JWK`);
  }
  const chain = (await loadCertificates(certificatePaths)).map(base64Encode);
  return createJwkSigner(jwk as JsonWebKey, chain.length > 0 ? { x5c: chain } : {});
}

/** Loads trusted public keys from JWK or JWKS files ({"keys": [...]}), in order. */
export async function loadPublicKeys(paths: readonly string[]): Promise<JsonWebKey[]> {
  const keys: JsonWebKey[] = [];
  for (const path of paths) {
    const value = (await readJsonFile(path, 4 * 1024 * 1024)) as { keys?: unknown } | null;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new EvidenceBundleError('ERR_KEY_INVALID', `${path} is neither a JWK nor a JWKS`);
    }
    if (Array.isArray(value.keys)) for (const key of value.keys as JsonWebKey[]) keys.push(key);
    else keys.push(value as JsonWebKey);
  }
  return keys;
}
