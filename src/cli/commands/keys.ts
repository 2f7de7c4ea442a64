import { base64Encode, createJwkSigner, EvidenceBundleError, isEvidenceBundleError, trustPolicyFromKeys, type Signer } from '../../index.js';
import { UsageError } from '../io.js';
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

/** Loads public keys from JWK or JWKS files ({"keys": [...]}), in order; judging them is the caller's. */
export async function loadPublicKeys(paths: readonly string[]): Promise<JsonWebKey[]> {
  const keys: JsonWebKey[] = [];
  for (const path of paths) keys.push(...(await loadKeyFile(path)));
  return keys;
}

async function loadKeyFile(path: string): Promise<JsonWebKey[]> {
  const value = (await readJsonFile(path, 4 * 1024 * 1024)) as { keys?: unknown } | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', `${path} is neither a JWK nor a JWKS`);
  }
  return (Array.isArray(value.keys) ? value.keys : [value]) as JsonWebKey[];
}

/**
 * Loads the keys of `--trust` files ({@link loadPublicKeys}), each file judged as the library judges trusted
 * keys ({@link trustPolicyFromKeys}) before any bundle is read.
 * @throws UsageError (exit 64) naming the file and the error code when a file is no JSON, neither a JWK nor a
 *   JWKS, or holds a key that is not a public signature key (symmetric, private, RSA under 2048 bits, ...);
 *   a file that cannot be read keeps its I/O error (`ERR_SOURCE_NOT_FOUND`, `ERR_IO`).
 */
export async function loadTrustedKeys(paths: readonly string[]): Promise<JsonWebKey[]> {
  const keys: JsonWebKey[] = [];
  for (const path of paths) {
    try {
      const found = await loadKeyFile(path);
      trustPolicyFromKeys(found);
      keys.push(...found);
    } catch (error) {
      if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND') || isEvidenceBundleError(error, 'ERR_IO')) throw error;
      // A trust file is an argument: one that holds no usable key is a misuse of the command line.
      const code = isEvidenceBundleError(error) ? `${error.code}: ` : '';
      const message = (error as Error).message;
      throw new UsageError(`--trust ${path}: ${code}${message.startsWith(path) ? message.slice(path.length).replace(/^:?\s*/, '') : message}`);
    }
  }
  return keys;
}
