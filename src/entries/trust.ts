// evidence-bundle/trust: the trust policy's schema and the evaluation of signatures under it.
// Part of the isomorphic core; explicit list of exports.

export { TrustPolicySchema, MAX_CLOCK_SKEW_SECONDS } from '../trust/trust-policy.js';
export { evaluateSignatures } from '../trust/evaluate-signatures.js';
export type {
  EvaluateSignaturesOptions,
  PolicySignatureResult,
  SignatureEvaluation,
} from '../trust/evaluate-signatures.js';
