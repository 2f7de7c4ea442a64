import type { VerificationReport } from '../verify/report-schema.js';
import { verifyBundle, type VerifyOptions } from '../verify/verify-bundle.js';
import { nodeBackend } from './digest-backend.js';
import type { DigestPool } from './digest-pool.js';
import { openBundle } from './open-bundle.js';

/**
 * Verifies a bundle in any form (directory, ZIP or CBOR, recognised by content: {@link openBundle}) with native
 * hashing, and a worker pool for the files of a directory when given. Same report and rules as
 * {@link verifyBundle}: a ZIP's hostile properties are `zip.*` findings.
 * @throws EvidenceBundleError what {@link openBundle} throws (the input is missing, unreadable, or no bundle in
 *   any form); `ERR_IO` when a file cannot be read; everything else about the bundle is a finding.
 * @example const report = await verifyBundleAt('case-42.zip', { policy });
 */
export async function verifyBundleAt(
  path: string,
  options: VerifyOptions & { pool?: DigestPool } = {},
): Promise<VerificationReport> {
  const { pool, ...verifyOptions } = options;
  const bundle = await openBundle(path, pool ? { pool } : {});
  try {
    return await verifyBundle(bundle.source, { backend: nodeBackend, ...verifyOptions });
  } finally {
    await bundle.close();
  }
}
