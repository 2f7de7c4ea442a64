import { FINDING_CODES } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import type { Outcome } from './report-schema.js';

/**
 * The outcome from the findings alone (ETSI EN 319 102-1): any finding whose code has effect `invalid` makes
 * the bundle INVALID; otherwise any `indeterminate` one makes it INDETERMINATE; otherwise VALID. The verifier
 * adds an `indeterminate` finding when no trusted signature was found, so "VALID" always means "signed by
 * someone the receiver trusts".
 */
export function decideOutcome(findings: readonly Finding[]): Outcome {
  let indeterminate = false;
  for (const finding of findings) {
    const effect = FINDING_CODES[finding.code].effect;
    if (effect === 'invalid') return 'INVALID';
    if (effect === 'indeterminate') indeterminate = true;
  }
  return indeterminate ? 'INDETERMINATE' : 'VALID';
}
