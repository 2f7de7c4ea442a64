import { toHex } from '../internal/bytes.js';
import type { Manifest } from '../model/manifest.js';
import { createSaltSource, leafHashAt, writeCommittedValue } from './commitment.js';
import type { DigestBackend } from '../digest/algorithms.js';
import type { DisclosuresFile } from './disclosures-file.js';
import { merkleRoot } from './merkle.js';
import { flatMerkleRoot } from './tree-hash.js';
import { CanonicalBytesWriter } from '../encoding/jcs.js';
import { LIMITS } from '../model/layout.js';
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

/** Items written before the disclosures buffer is sized for the rest from them. */
const SAMPLE_ITEMS = 1024;

/**
 * Turns the items of a manifest into format 1.2 commitments (docs/format.md, "Selective disclosure"): each
 * item gets a salt, its commitment is a leaf, the manifest keeps the root and the leaf count and no items; the
 * items travel with their salts in the disclosures file. Returns the manifest to sign (without bytes: the caller
 * validates and canonicalizes it as any manifest) and the disclosures file with its bytes.
 *
 * The disclosures file is `{"leaves":[v0,v1,...]}` where each entry is the item's committed value (RFC 8785 text
 * of `{"item":...,"salt":...}`), so both are one pass: each committed value is written once, straight into the
 * file's bytes, and its leaf hash is computed where it lies, into one buffer of all the leaf hashes.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID` when two salts are equal; `ERR_LIMIT_EXCEEDED` for
 *   disclosures too large (found as soon as the file grows past the limit); what {@link committedValue} throws
 * @example const { manifest: signed, disclosuresBytes } = commitItems(clearManifest);
 */
export function commitItems(
  manifest: Manifest,
  options: CommitItemsOptions = {},
): { manifest: Omit<Manifest, 'formatVersion'> & { formatVersion: '1.2' }; disclosures: DisclosuresFile; disclosuresBytes: Uint8Array; leaves: Uint8Array[] } {
  // The items as they are now: the disclosures built later (on demand) are those committed to, whatever the
  // caller does to its array meanwhile.
  const items = manifest.items.slice();
  const count = items.length;
  const seen = new Set<string>();
  const fresh = createSaltSource();
  const leafAt = leafHashAt(options.backend);
  const hashes = new Uint8Array(count * 32);
  const salts: string[] = new Array(count);
  // Room for the first items at about 400 bytes each (a packed item's value is about 330), then, once they are
  // written, for the rest at their mean size and 5% more: one early growth of a small buffer instead of doubling
  // a large one and copying the result out of it.
  const out = new CanonicalBytesWriter(Math.min(LIMITS.disclosuresBytes, 64 + Math.min(count, SAMPLE_ITEMS) * 400));
  out.pushAscii('{"leaves":[');
  for (let i = 0; i < count; i++) {
    const item = items[i]!;
    const salt = options.salt?.(i) ?? fresh();
    if (seen.has(salt)) throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `salt of item ${item.id} is reused: every item needs its own`);
    seen.add(salt);
    if (i > 0) out.pushAscii(',');
    const start = out.length;
    writeCommittedValue(out, item, salt);
    if (out.length + 2 > LIMITS.disclosuresBytes) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the disclosures would be more than ${LIMITS.disclosuresBytes} bytes, the most readers accept`);
    // The byte before the value ('[' or ',') is the room a one-shot backend uses for the leaf prefix.
    leafAt(out.bytes, start, out.length, hashes, i * 32);
    salts[i] = salt;
    if (i === SAMPLE_ITEMS - 1 && count > SAMPLE_ITEMS) out.reserve(Math.min(LIMITS.disclosuresBytes, Math.ceil((out.length / SAMPLE_ITEMS) * (count - SAMPLE_ITEMS) * 1.05)));
  }
  out.pushAscii(']}');
  const { items: _items, formatVersion: _v, ...rest } = manifest;
  const root = count === 0 ? merkleRoot([]) : flatMerkleRoot(hashes, count);
  const signed = {
    ...rest,
    formatVersion: '1.2' as const,
    items: [],
    commitments: { scheme: 'evb-sd-1' as const, leafCount: count, root: toHex(root) },
  };
  // The written part itself when the buffer is nearly full, else a copy that does not keep the rest alive.
  const disclosuresBytes = out.bytes.length - out.length <= out.length / 4 ? out.bytes.subarray(0, out.length) : out.bytes.slice(0, out.length);
  let leaves: Uint8Array[] | undefined;
  let disclosures: DisclosuresFile | undefined;
  return {
    manifest: signed,
    // As objects only for a caller that asks for them: the bytes are what a writer stores.
    get disclosures() {
      return (disclosures ??= { leaves: items.map((item, i) => ({ item, salt: salts[i]! })) });
    },
    set disclosures(value) {
      disclosures = value;
    },
    disclosuresBytes,
    // One view per leaf only for a caller that asks for them.
    get leaves() {
      return (leaves ??= Array.from({ length: count }, (_, i) => hashes.subarray(i * 32, i * 32 + 32)));
    },
  };
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
