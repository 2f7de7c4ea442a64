import type { BagSource } from '../bagit/bag-source.js';
import { EvidenceBundleError } from '../errors.js';
import { FINDING_CODES, type FindingCode } from '../report/codes.js';
import type { VerificationReport } from './report-schema.js';
import { verifyBundle, type VerifyOptions } from './verify-bundle.js';

/**
 * Verifies a bundle and throws unless it is VALID: `ERR_VERIFY_INVALID` or `ERR_VERIFY_INDETERMINATE`, with the
 * first finding that decided the outcome in the message and the whole report as `cause`.
 * @throws EvidenceBundleError `ERR_VERIFY_INVALID`, `ERR_VERIFY_INDETERMINATE`
 */
export async function assertBundle(source: BagSource, options: VerifyOptions = {}): Promise<VerificationReport> {
  const report = await verifyBundle(source, options);
  if (report.outcome === 'VALID') return report;
  const effect = report.outcome === 'INVALID' ? 'invalid' : 'indeterminate';
  const first = report.findings.find((f) => FINDING_CODES[f.code as FindingCode]?.effect === effect);
  const reason = first ? `${first.code}: ${first.message}` : report.outcome;
  throw new EvidenceBundleError(
    report.outcome === 'INVALID' ? 'ERR_VERIFY_INVALID' : 'ERR_VERIFY_INDETERMINATE',
    `bundle is ${report.outcome}: ${reason}`,
    { cause: report },
  );
}
