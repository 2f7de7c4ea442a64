import type { FindingDefinition } from '../finding.js';

/** Findings about the bundle's manifest document. */
export const BUNDLE_FINDINGS = {
  'manifest.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'evidence/manifest.json is absent: the bag is not an evidence bundle.',
  },
  'manifest.malformed-json': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest is not strict JSON (syntax, duplicate key, lone surrogate, invalid UTF-8, too deep or too large).',
  },
  'manifest.not-canonical': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest bytes are not their own RFC 8785 canonical form, so what was signed is ambiguous.',
  },
  'manifest.schema.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest breaks a schema or cross-field rule; the path names the member at fault by JSON Pointer, e.g. evidence/manifest.json#/items/0/size.',
  },
} as const satisfies Record<string, FindingDefinition>;
