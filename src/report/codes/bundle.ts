import type { FindingDefinition } from '../finding.js';

/** Findings about the bundle itself: its manifest document, items and their agreement with the bag. */
export const BUNDLE_FINDINGS = {
} as const satisfies Record<string, FindingDefinition>;
