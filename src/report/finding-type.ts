import type { FindingCode } from './codes.js';
import type { FindingLocation, Severity } from './finding.js';

/** One problem (or notable fact) found while checking a bundle: a stable code, a severity, a location, a message. */
export interface Finding extends FindingLocation {
  code: FindingCode;
  severity: Severity;
  message: string;
}
