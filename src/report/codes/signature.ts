import type { FindingDefinition } from '../finding.js';

/** Findings about bundle signatures (detached JWS over the canonical manifest). */
export const SIGNATURE_FINDINGS = {
} as const satisfies Record<string, FindingDefinition>;
