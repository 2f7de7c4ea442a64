// evidence-bundle/trust: the trust policy's schema and the evaluation of signatures under it.
// Part of the isomorphic core; explicit list of exports.

export { TrustPolicySchema, MAX_CLOCK_SKEW_SECONDS } from '../trust/trust-policy.js';
export { evaluateSignatures } from '../trust/evaluate-signatures.js';
export type {
  EvaluateSignaturesOptions,
  PolicySignatureResult,
  SignatureEvaluation,
} from '../trust/evaluate-signatures.js';

// Legal rules of the receiver's policy
export { LegalRulesSchema, checkLegalRules } from '../trust/legal-rules.js';

// Revocation and validation data, archive-timestamp chains
export { collectRevocationData, checkRevocation, revocationDerFromText, MAX_REVOCATION_ITEMS } from '../trust/check-revocation.js';
export type { RevocationData, CheckRevocationOptions } from '../trust/check-revocation.js';
export { parseValidationData, serializeValidationData, ValidationDataSchema } from '../trust/validation-data.js';
export { captureRevocationData, DEFAULT_REVOCATION_TIMEOUT_MS } from '../trust/capture-revocation.js';
export type { CaptureRevocationOptions, CapturedRevocationData } from '../trust/capture-revocation.js';
export { checkArchiveTimestamps } from '../trust/check-archive-timestamps.js';
export type { ArchiveCheck, CheckArchiveOptions } from '../trust/check-archive-timestamps.js';
