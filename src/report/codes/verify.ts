import type { FindingDefinition } from '../finding.js';

/** Findings about the verification as a whole. */
export const VERIFY_FINDINGS = {
  'verify.findings.omitted': {
    severity: 'info',
    effect: 'none',
    summary:
      'More findings of one code than a report lists (100): the first are listed, this one counts the rest. The outcome is that of the findings listed.',
  },
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
