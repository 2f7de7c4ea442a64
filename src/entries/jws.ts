// evidence-bundle/jws: detached JWS (RFC 7515 Appendix F) over the canonical manifest, signature files, the algorithm table.
// Part of the isomorphic core; explicit list of exports.

export { MIN_RSA_MODULUS_BITS, isSignatureAlgorithm } from '../sign/algorithms.js';
export { signDetached, MANIFEST_JWS_TYP, isSignatureRole } from '../sign/sign-detached.js';
export type { SignDetachedOptions } from '../sign/sign-detached.js';
export { verifyDetached } from '../sign/verify-detached.js';
export type { VerifyDetachedOptions, DetachedVerification } from '../sign/verify-detached.js';
export { parseSignatureFile, serializeSignatureFile, addSignature } from '../sign/signature-file.js';
export type { JwsSignature, SignatureFile } from '../sign/signature-file.js';
