import { resolve } from 'node:path';
import { EvidenceBundleError, isEvidenceBundleError } from '../../errors.js';
import { parseTrustPolicy } from '../../trust/parse-trust-policy.js';
import { trustPolicyFromKeys } from '../../trust/trust-policy-from-keys.js';
import type { TrustPolicy } from '../../trust/trust-policy.js';
import { UsageError } from '../io.js';
import { readJsonFile } from './files.js';

// The receiver's trust material as files: `--trust` keys and `--policy`. Apart from the signers (keys.ts), so
// that a verification loads no signing code (PKCS#11, certificates).

/**
 * The trust material of `--policy FILE` or `--trust FILE ...` (paths relative to `cwd`): the policy, or the
 * trusted keys; both at once is a usage error. Neither gives no policy and no keys, and the caller says whether
 * that may be (a verification then trusts no signer: INDETERMINATE at best).
 */
export async function readTrustInputs(values: Record<string, unknown>, cwd: string): Promise<{ policy?: TrustPolicy; trustedKeys: JsonWebKey[] }> {
  const trustedKeys = await loadTrustedKeys(((values['trust'] as string[] | undefined) ?? []).map((p) => resolve(cwd, p)));
  const policyFile = values['policy'] as string | undefined;
  if (policyFile === undefined) return { trustedKeys };
  if (trustedKeys.length > 0) throw new UsageError('give --policy or --trust, not both');
  return { policy: await readPolicy(resolve(cwd, policyFile)), trustedKeys };
}

/** Reads and checks a trust policy file; a problem is reported with the file's path. */
export async function readPolicy(path: string): Promise<TrustPolicy> {
  const value = await readJsonFile(path, 16 * 1024 * 1024);
  try {
    return parseTrustPolicy(value);
  } catch (error) {
    if (isEvidenceBundleError(error)) throw new EvidenceBundleError(error.code, `${path}: ${error.message}`, { cause: error });
    throw error;
  }
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
