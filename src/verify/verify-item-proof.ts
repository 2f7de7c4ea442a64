import { z } from 'zod';
import type { DigestAlgorithm } from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { itemCommitment } from '../disclosure/commitment.js';
import { merkleRootFromProof } from '../disclosure/merkle.js';
import { parseItemProof, type ItemProof } from '../disclosure/proof-file.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { isEvidenceBundleError } from '../errors.js';
import { base64urlDecodeStrict, constantTimeEqual, toHex } from '../internal/bytes.js';
import { checkManifest } from '../model/check-manifest.js';
import { LIMITS } from '../model/layout.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { parseSignatureFile } from '../sign/signature-file.js';
import { evaluateSignatures } from '../trust/evaluate-signatures.js';
import { checkLegalRules } from '../trust/legal-rules.js';
import type { TrustPolicy } from '../trust/trust-policy.js';
import { trustPolicyFromKeys } from '../trust/trust-policy-from-keys.js';
import { decideOutcome } from './outcome.js';
import { OutcomeSchema, VerificationReportSchema, type BundleIdentity, type Outcome, type SignatureResult } from './report-schema.js';
import { identityOf, signatureResultOf } from './verify-bundle.js';

/** The report of an item proof (`evb verify-proof --json`). */
export const ItemProofReportSchema = z
  .strictObject({
    outcome: OutcomeSchema,
    checkedAt: z.string(),
    bundle: VerificationReportSchema.shape.bundle,
    item: z
      .strictObject({
        id: z.string(),
        path: z.string().optional(),
        size: z.number().int().nonnegative().optional(),
        mediaType: z.string().optional(),
        status: z.enum(['intact', 'altered', 'unchecked']),
      })
      .nullable(),
    signatures: VerificationReportSchema.shape.signatures,
    findings: VerificationReportSchema.shape.findings,
  })
  .meta({ title: 'evidence-bundle item proof report', description: 'Result of verifying one item proof against the receiver\'s trusted keys or trust policy.' });

/** The report of an item proof. */
export interface ItemProofReport extends z.infer<typeof ItemProofReportSchema> {}

/** What the receiver of a proof brings: its trust material and its clock. */
export interface VerifyItemProofOptions {
  policy?: TrustPolicy;
  trustedKeys?: readonly JsonWebKey[];
  currentDate?: Date;
}

/**
 * Verifies an item proof (docs/format.md, "Item proofs") without the rest of its bundle: the signed manifest
 * (canonical, schema, format 1.2), its signatures against the receiver's trust material, the item's commitment
 * recomputed from its disclosure and the inclusion path up to the signed root for a tree of the signed size, and
 * the item's bytes against the size and digests of its disclosure, and the policy's legal rules against the
 * manifest. Hostile input never throws: it becomes
 * findings (`proof.malformed`, `proof.inclusion-invalid`, `proof.item-altered`, the signature findings).
 * @throws what {@link trustPolicyFromKeys} throws for a bad `trustedKeys` entry (caller misuse)
 * @example const report = await verifyItemProof(bytes, { policy });
 */
export async function verifyItemProof(bytes: Uint8Array, options: VerifyItemProofOptions = {}): Promise<ItemProofReport> {
  const policy = options.policy ?? trustPolicyFromKeys(options.trustedKeys ?? []);
  const currentDate = options.currentDate ?? new Date();
  const findings: Finding[] = [];
  let bundle: BundleIdentity | null = null;
  let item: ItemProofReport['item'] = null;
  let signatures: SignatureResult[] = [];
  const malformed = (detail: string) => findings.push(makeFinding('proof.malformed', `item proof: ${detail}`, {}, { detail }));
  const done = (): ItemProofReport => ({ outcome: outcomeOf(findings), checkedAt: currentDate.toISOString(), bundle, item, signatures, findings });
  let proof: ItemProof;
  let manifestBytes: Uint8Array;
  let signatureBytes: Uint8Array;
  let content: Uint8Array;
  try {
    proof = parseItemProof(bytes);
    manifestBytes = base64urlDecodeStrict(proof.manifest);
    signatureBytes = base64urlDecodeStrict(proof.signatures);
    content = base64urlDecodeStrict(proof.content);
  } catch (error) {
    malformed(isEvidenceBundleError(error) ? error.message : String(error));
    return done();
  }
  const target = proof.disclosure.item;
  let manifestValue: unknown;
  try {
    manifestValue = parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues });
  } catch (error) {
    malformed(`manifest: ${isEvidenceBundleError(error) ? error.message : String(error)}`);
    return done();
  }
  const checked = checkManifest(manifestValue);
  pushAll(findings, checked.findings);
  const manifest = checked.manifest;
  if (manifest === undefined) return done();
  bundle = identityOf(manifest);
  if (manifest.commitments === undefined) {
    malformed(`the manifest is format ${manifest.formatVersion}: it commits to no items`);
    return done();
  }
  // The signatures: over the manifest bytes, judged by the receiver's policy.
  let file;
  try {
    file = parseSignatureFile(signatureBytes);
  } catch (error) {
    findings.push(makeFinding('signature.malformed', `signatures: ${isEvidenceBundleError(error) ? error.message : String(error)}`, {}, { detail: String(error) }));
  }
  if (file !== undefined && file.signatures.length === 0) findings.push(makeFinding('verify.unsigned', 'the proof carries no signature'));
  if (file !== undefined && file.signatures.length > 0) {
    const evaluation = await evaluateSignatures(manifestBytes, file.signatures, { policy, senderCountry: manifest.legalBasis.executingAuthority.country, currentDate });
    pushAll(findings, evaluation.findings);
    signatures = evaluation.results.map(signatureResultOf);
  }
  // The receiver's legal rules apply to what the proof says of the case, as to a whole bundle.
  pushAll(findings, checkLegalRules(policy.legal, policy.owner.country, manifest));
  // The leaf, then the path to the signed root of a tree of the signed size.
  const leaf = itemCommitment(target, proof.disclosure.salt);
  const root = merkleRootFromProof(proof.leafIndex, manifest.commitments.leafCount, leaf, proof.inclusion.map(fromHex));
  if (root === undefined || !constantTimeEqual(toHex(root), manifest.commitments.root)) {
    const detail = root === undefined ? `the path does not fit leaf ${proof.leafIndex} of a tree of ${manifest.commitments.leafCount}` : 'the path leads to another root';
    findings.push(makeFinding('proof.inclusion-invalid', `item ${target.id}: ${detail}`, { item: target.id }, { item: target.id, detail }));
  }
  // The bytes, against the disclosure's size and digests.
  let status: 'intact' | 'altered' | 'unchecked' = 'intact';
  if (target.path === undefined || target.digests === undefined) {
    status = 'unchecked';
    findings.push(makeFinding('proof.item-altered', `item ${target.id} has no bytes to prove (withheld)`, { item: target.id }, { item: target.id, detail: 'withheld item' }));
  } else {
    const algorithms = Object.keys(target.digests) as DigestAlgorithm[];
    const digest = createMultiDigest(algorithms);
    digest.update(content);
    const actual = digest.digest();
    const wrong = [
      ...(content.length !== target.size ? [`size ${content.length}, recorded ${target.size}`] : []),
      ...algorithms.filter((a) => !constantTimeEqual(actual[a] ?? '', target.digests![a]!)).map((a) => `${a} differs`),
    ];
    if (wrong.length > 0) {
      status = 'altered';
      findings.push(makeFinding('proof.item-altered', `item ${target.id}: ${wrong.join(', ')}`, { item: target.id }, { item: target.id, detail: wrong.join(', ') }));
    }
  }
  item = {
    id: target.id,
    ...(target.path !== undefined ? { path: target.path } : {}),
    ...(target.size !== undefined ? { size: target.size } : {}),
    mediaType: target.mediaType,
    status,
  };
  return done();
}

function outcomeOf(findings: readonly Finding[]): Outcome {
  return decideOutcome(findings);
}

function pushAll(into: Finding[], from: readonly Finding[]): void {
  for (const f of from) into.push(f);
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
