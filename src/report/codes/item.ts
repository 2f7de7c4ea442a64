import type { FindingDefinition } from '../finding.js';

/** Findings from comparing the manifest's items with the bytes in the bag. */
export const ITEM_FINDINGS = {
  'item.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An item the manifest declares present has no bytes in data/.',
  },
  'item.digest-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: "The bytes in data/ do not have the digest the signed manifest records: the item was altered.",
  },
  'item.size-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bytes in data/ do not have the size the signed manifest records.',
  },
  'item.digest-unchecked': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest records a digest algorithm for which the bag has no payload manifest, so the claim cannot be checked.',
  },
  'item.undeclared': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A file in data/ is not an item of the signed manifest (something was added).',
  },
} as const satisfies Record<string, FindingDefinition>;
