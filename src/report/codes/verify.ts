import type { FindingDefinition } from '../finding.js';

/** Findings about the verification as a whole. */
export const VERIFY_FINDINGS = {
  'verify.unsigned': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The bundle carries no signature: its integrity can be checked, its origin cannot.',
  },
  'verify.internal-error': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The verifier met an unexpected condition; the bundle is not accepted. Please report it.',
  },
} as const satisfies Record<string, FindingDefinition>;
