import type { VerificationReport } from '../verify/report-schema.js';
import { verifyBundle, type VerifyOptions } from '../verify/verify-bundle.js';
import { nodeBackend } from './digest-backend.js';
import type { DigestPool } from './digest-pool.js';
import { openBundleDirectory } from './open-bundle-directory.js';

/**
 * Verifies a bundle directory with native hashing (and a worker pool for many files, when given).
 * Same report and rules as {@link verifyBundle}.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND` only when the directory does not exist, `ERR_IO` when it
 *   or a file in it cannot be read (permission denied); everything else about the bundle is a finding.
 */
export async function verifyBundleDirectory(
  dir: string,
  options: VerifyOptions & { pool?: DigestPool } = {},
): Promise<VerificationReport> {
  const { pool, ...verifyOptions } = options;
  const source = await openBundleDirectory(dir, pool ? { pool } : {});
  return verifyBundle(source, { backend: nodeBackend, ...verifyOptions });
}
