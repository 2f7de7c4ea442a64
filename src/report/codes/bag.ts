import type { FindingDefinition } from '../finding.js';

/** Findings of the BagIt layer (RFC 8493): declaration, bag-info, manifests, payload and tag files. */
export const BAG_FINDINGS = {
} as const satisfies Record<string, FindingDefinition>;
