import { toHex } from '../internal/bytes.js';
import type { Manifest } from '../model/manifest.js';
import { createSaltSource, itemLeafHasher } from './commitment.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { serializeDisclosuresFile, type DisclosuresFile } from './disclosures-file.js';
import { merkleRoot } from './merkle.js';
import { EvidenceBundleError } from '../errors.js';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseManifest } from '../model/parse-manifest.js';

/** Options of {@link commitItems}. */
export interface CommitItemsOptions {
  /**
   * The salt of item `index` (a test or a worked example fixes them); a fresh random 128-bit salt per item by
   * default (drawn in blocks, {@link createSaltSource}). Salts must be distinct.
   */
  salt?: (index: number) => string;
  /** Hash implementation for the leaves (node:crypto through `evidence-bundle/node`); @noble/hashes by default. */
  backend?: DigestBackend;
}

/**
 * Turns the items of a manifest into format 1.2 commitments (docs/format.md, "Selective disclosure"): each
 * item gets a salt, its commitment is a leaf, the manifest keeps the root and the leaf count and no items; the
 * items travel with their salts in the disclosures file. Returns the manifest to sign (without bytes: the caller
 * validates and canonicalizes it as any manifest) and the disclosures file with its bytes.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID` when two salts are equal or a withheld item has no commitment
 *   to offer (every item of `manifest` is disclosed at first); `ERR_LIMIT_EXCEEDED` for disclosures too large
 * @example const { manifest: signed, disclosuresBytes } = commitItems(clearManifest);
 */
export function commitItems(
  manifest: Manifest,
  options: CommitItemsOptions = {},
): { manifest: Omit<Manifest, 'formatVersion'> & { formatVersion: '1.2' }; disclosures: DisclosuresFile; disclosuresBytes: Uint8Array; leaves: Uint8Array[] } {
  const seen = new Set<string>();
  const leaves: Uint8Array[] = [];
  const fresh = createSaltSource();
  const leafOf = itemLeafHasher(options.backend);
  const entries = manifest.items.map((item, i) => {
    const salt = options.salt?.(i) ?? fresh();
    if (seen.has(salt)) throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `salt of item ${item.id} is reused: every item needs its own`);
    seen.add(salt);
    leaves.push(leafOf(item, salt));
    return { item, salt };
  });
  const { items: _items, formatVersion: _v, ...rest } = manifest;
  const signed = {
    ...rest,
    formatVersion: '1.2' as const,
    items: [],
    commitments: { scheme: 'evb-sd-1' as const, leafCount: leaves.length, root: toHex(merkleRoot(leaves, options.backend)) },
  };
  const disclosures: DisclosuresFile = { leaves: entries };
  return { manifest: signed, disclosures, disclosuresBytes: serializeDisclosuresFile(disclosures), leaves };
}

/**
 * {@link commitItems}, then the signed manifest validated and canonicalized: what a writer stores as
 * `evidence/manifest.json` and signs, and the disclosures file beside it.
 * @throws what {@link commitItems} and {@link parseManifest} throw
 * @example const { manifest, bytes, disclosuresBytes } = commitManifest(clearManifest);
 */
export function commitManifest(manifest: Manifest, options: CommitItemsOptions = {}): { manifest: Manifest; bytes: Uint8Array; disclosuresBytes: Uint8Array } {
  const committed = commitItems(manifest, options);
  const signed = parseManifest(committed.manifest);
  return { manifest: signed, bytes: canonicalizeToBytes(signed), disclosuresBytes: committed.disclosuresBytes };
}
