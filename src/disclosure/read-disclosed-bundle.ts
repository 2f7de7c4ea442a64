import type { BagSource } from '../bagit/bag-source.js';
import { readBounded } from '../bagit/read-bounded.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { constantTimeEqual, toHex } from '../internal/bytes.js';
import { DISCLOSURES_FILE, LIMITS, MANIFEST_FILE } from '../model/layout.js';
import type { Manifest } from '../model/manifest.js';
import { parseManifest } from '../model/parse-manifest.js';
import { itemCommitment } from './commitment.js';
import { isDisclosedLeaf, parseDisclosuresFile, type DisclosuresFile } from './disclosures-file.js';
import { merkleRoot } from './merkle.js';

/** A format 1.2 bundle's signed manifest and disclosures, as a writer (redaction, proofs) reads them. */
export interface DisclosedBundle {
  manifest: Manifest;
  manifestBytes: Uint8Array;
  disclosures: DisclosuresFile;
  /** The leaf hashes, in leaf order. */
  leaves: Uint8Array[];
}

async function readWhole(source: BagSource, path: string, limit: number): Promise<Uint8Array> {
  let bytes;
  try {
    bytes = await readBounded(source, path, limit);
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND')) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `${path} is missing`, { cause: error });
    throw error;
  }
  if (bytes === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path} is larger than ${limit} bytes`);
  return bytes;
}

/**
 * Reads the manifest and disclosures of a format 1.2 bundle and checks that they agree (leaf count, salts, root),
 * so that a writer never derives anything from disclosures the verifier would reject.
 * @throws EvidenceBundleError `ERR_DISCLOSURE_INVALID` (not format 1.2, no disclosures, a count, salt or root that
 *   does not match), `ERR_MANIFEST_INVALID`, `ERR_JSON_*`, `ERR_LIMIT_EXCEEDED`, what the source throws
 * @example const { manifest, disclosures } = await readDisclosedBundle(source);
 */
export async function readDisclosedBundle(source: BagSource): Promise<DisclosedBundle> {
  const manifestBytes = await readWhole(source, MANIFEST_FILE, LIMITS.manifestBytes);
  const manifest = parseManifest(parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues }));
  const commitments = manifest.commitments;
  if (commitments === undefined) {
    throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `the manifest is format ${manifest.formatVersion} and lists its items in clear: only a format 1.2 bundle (packed with selective disclosure) can withhold or prove items one by one`);
  }
  let disclosures;
  try {
    disclosures = parseDisclosuresFile(await readWhole(source, DISCLOSURES_FILE, LIMITS.disclosuresBytes));
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_DOCUMENT_INVALID')) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', error.message, { cause: error });
    throw error;
  }
  if (disclosures.leaves.length !== commitments.leafCount) {
    throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `the manifest counts ${commitments.leafCount} leaves, the disclosures have ${disclosures.leaves.length}`);
  }
  const salts = new Set<string>();
  const leaves = disclosures.leaves.map((leaf) => {
    if (!isDisclosedLeaf(leaf)) return Uint8Array.from(leaf.withheld.leaf.match(/../g)!.map((h) => parseInt(h, 16)));
    if (salts.has(leaf.salt)) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `the salt of item ${leaf.item.id} is reused`);
    salts.add(leaf.salt);
    return itemCommitment(leaf.item, leaf.salt);
  });
  if (!constantTimeEqual(toHex(merkleRoot(leaves)), commitments.root)) {
    throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', 'the disclosures do not lead to the signed root: they were altered');
  }
  return { manifest, manifestBytes, disclosures, leaves };
}
