import type { FindingDefinition } from '../finding.js';

/** Findings of selective disclosure (format 1.2): commitments, the Merkle root, withheld items, item proofs. */
export const DISCLOSURE_FINDINGS = {
  'disclosure.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest commits to its items (format 1.2) but the bundle has no evidence/disclosures.json.',
  },
  'disclosure.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'evidence/disclosures.json is not canonical JSON of the disclosures schema.',
  },
  'disclosure.leaf-count-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The disclosures do not have as many leaves as the signed manifest counts: leaves were removed or added.',
  },
  'disclosure.root-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The Merkle root recomputed from the disclosures is not the signed root: a disclosure or a withheld leaf was altered, swapped or replayed.',
  },
  'disclosure.salt-reused': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Two disclosed items have the same salt; every item needs a fresh one.',
  },
  'disclosure.item-invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The disclosed items break a rule of the manifest (duplicate id or path, unknown actor or item, derivation cycle).',
  },
  'disclosure.withheld-unrecorded': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An item is withheld but no signed redaction event of the custody log withholds it with that leaf.',
  },
  'disclosure.redacted-present': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A redaction event withholds an item that the bundle still discloses.',
  },
  'proof.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The item proof is not a well-formed proof file.',
  },
  'proof.inclusion-invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The item\'s commitment and inclusion path do not lead to the signed root of a tree of the signed size.',
  },
  'proof.item-altered': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The item\'s bytes do not have the size or the digests its disclosure records.',
  },
} as const satisfies Record<string, FindingDefinition>;
