import type { FindingCode } from './codes.js';
import type { FindingLocation, Severity } from './finding.js';

/** One problem (or notable fact) found while checking a bundle: a stable code, a severity, a location, a message. */
export interface Finding extends FindingLocation {
  code: FindingCode;
  severity: Severity;
  /** The English message, as the verifier wrote it. */
  message: string;
  /**
   * The values the message is made of (FINDING_PARAMS names them per code): item ids, paths, digests, key ids,
   * sequence numbers, times. The catalogs of src/i18n put them into each language's message. Absent when the
   * code has none.
   */
  params?: FindingParams;
}

/** The parameters of a finding: name -> value (a string, or a number where the name is a count or a number). */
export type FindingParams = Readonly<Record<string, string | number>>;
