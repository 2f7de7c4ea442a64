/** How serious a finding is. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding does to the outcome (ETSI EN 319 102-1): `invalid` makes the bundle INVALID (something was
 * altered, malformed or does not verify); `indeterminate` makes it INDETERMINATE unless something is invalid
 * (trust cannot be established); `none` is reported but leaves the outcome alone.
 */
export type Effect = 'invalid' | 'indeterminate' | 'none';

/** One row of a finding-code table: the fixed severity and effect of a code, and what it means. */
export interface FindingDefinition {
  readonly severity: Severity;
  readonly effect: Effect;
  readonly summary: string;
}

/** Where a finding applies. Every field is optional; a finding names as many as it knows. */
export interface FindingLocation {
  /** A path inside the bundle, relative to its root (for example `data/chat/export.json`). */
  path?: string;
  /** An item id from the manifest. */
  item?: string;
  /** Index of a signature in the signature file. */
  signature?: number;
  /** Sequence number of a custody event. */
  custody?: number;
  /** The trust-policy rule concerned. */
  rule?: string;
  /** A line number in a text file (BagIt manifests, bag-info.txt). */
  line?: number;
}
