import type { BagSource } from '../bagit/bag-source.js';
import { readBounded } from '../bagit/read-bounded.js';
import { validateBag } from '../bagit/validate-bag.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import { base64urlEncode, joinChunks, toHex } from '../internal/bytes.js';
import { BUNDLE_FILE_LIMITS, payloadPath, SIGNATURES_FILE, LIMITS } from '../model/layout.js';
import { isDisclosedLeaf, leafItemId } from './disclosures-file.js';
import { merkleInclusionProof } from './merkle.js';
import { MAX_PROOF_BYTES, serializeItemProof, type ItemProof } from './proof-file.js';
import { readDisclosedBundle } from './read-disclosed-bundle.js';

/** Largest item a proof carries: the proof holds the bytes whole (base64url). */
export const MAX_PROOF_ITEM_BYTES = 64 * 1024 * 1024;

/**
 * Makes the proof of one disclosed item of a format 1.2 bundle (docs/format.md, "Item proofs"): its bytes, its
 * disclosure, its RFC 9162 inclusion path, and the signed manifest with its signature file, so that a third party
 * can verify the item against the signed root without the rest of the bundle. The bag is validated first (a proof
 * is never made from a broken bundle) and the disclosures checked against the root.
 * @returns the proof and its canonical bytes
 * @throws EvidenceBundleError `ERR_DISCLOSURE_INVALID` (not format 1.2, no such disclosed item, no bytes, no
 *   signature file), `ERR_BAG_INVALID`, `ERR_LIMIT_EXCEEDED` (an item over 64 MiB), what the source throws
 * @example const { bytes } = await createItemProof(source, 'chat');
 */
export async function createItemProof(source: BagSource, itemId: string, options: { backend?: DigestBackend } = {}): Promise<{ proof: ItemProof; bytes: Uint8Array }> {
  const bag = await validateBag(source, { tagFileLimits: BUNDLE_FILE_LIMITS, ...(options.backend ? { backend: options.backend } : {}) });
  if (!bag.valid) {
    const codes = [...new Set(bag.findings.filter((f) => f.severity === 'error').map((f) => f.code))];
    throw new EvidenceBundleError('ERR_BAG_INVALID', `the bag is not valid, refusing to prove from it: ${codes.slice(0, 5).join(', ')}`);
  }
  const bundle = await readDisclosedBundle(source);
  const index = bundle.disclosures.leaves.findIndex((leaf) => leafItemId(leaf) === itemId);
  const leaf = bundle.disclosures.leaves[index];
  if (leaf === undefined || !isDisclosedLeaf(leaf)) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `no disclosed item ${JSON.stringify(itemId)} in the bundle`);
  if (leaf.item.path === undefined) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `item ${JSON.stringify(itemId)} has no bytes in the bundle (withheld at packing)`);
  const signatures = await readBounded(source, SIGNATURES_FILE, LIMITS.signatureFileBytes).catch(() => undefined);
  if (!(signatures instanceof Uint8Array)) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `${SIGNATURES_FILE} is missing: an unsigned bundle proves nothing`);
  const path = payloadPath(leaf.item.path);
  const size = bag.payload.get(path)?.size ?? 0;
  if (size > MAX_PROOF_ITEM_BYTES) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `item ${itemId} has ${size} bytes; a proof carries at most ${MAX_PROOF_ITEM_BYTES}`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(path, { maxBytes: MAX_PROOF_ITEM_BYTES })) chunks.push(chunk.slice());
  const proof: ItemProof = {
    type: 'evidence-bundle-item-proof',
    version: '1.0',
    manifest: base64urlEncode(bundle.manifestBytes),
    signatures: base64urlEncode(signatures),
    leafIndex: index,
    inclusion: merkleInclusionProof(bundle.leaves, index).map(toHex),
    disclosure: leaf,
    content: base64urlEncode(joinChunks(chunks)),
  };
  void MAX_PROOF_BYTES;
  return { proof, bytes: serializeItemProof(proof) };
}
