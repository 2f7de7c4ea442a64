// evidence-bundle/disclosure: selective disclosure of format 1.2 (salted item commitments as leaves of an RFC 9162
// Merkle tree, the disclosures file, redaction and item proofs). Part of the isomorphic core; explicit list of exports.

export { leafHasher, merkleLeafHash, merkleNodeHash, merkleRoot, merkleInclusionProof, merkleRootFromProof } from '../disclosure/merkle.js';
export { committedValue, createSaltSource, itemCommitment, newSalt, SALT_BYTES } from '../disclosure/commitment.js';
export { commitItems, commitManifest } from '../disclosure/commit-items.js';
export type { CommitItemsOptions } from '../disclosure/commit-items.js';
export { DisclosuresFileSchema, parseDisclosuresFile, serializeDisclosuresFile } from '../disclosure/disclosures-file.js';
export type { DisclosuresFile, DisclosureLeaf } from '../disclosure/disclosures-file.js';
export { checkDisclosures } from '../disclosure/check-disclosures.js';
export type { DisclosureCheck } from '../disclosure/check-disclosures.js';
export { readDisclosedBundle } from '../disclosure/read-disclosed-bundle.js';
export type { DisclosedBundle } from '../disclosure/read-disclosed-bundle.js';
export { ItemProofSchema, parseItemProof, serializeItemProof, MAX_PROOF_BYTES } from '../disclosure/proof-file.js';
export type { ItemProof } from '../disclosure/proof-file.js';
export { createItemProof, MAX_PROOF_ITEM_BYTES } from '../disclosure/create-item-proof.js';
export { verifyItemProof, ItemProofReportSchema } from '../verify/verify-item-proof.js';
export type { ItemProofReport, VerifyItemProofOptions } from '../verify/verify-item-proof.js';
export { redactBundleTo } from '../bundle/redact-to.js';
export type { RedactOptions } from '../bundle/redact-to.js';
