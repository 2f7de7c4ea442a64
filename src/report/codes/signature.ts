import type { FindingDefinition } from '../finding.js';

/** Findings about bundle signatures (detached JWS over the canonical manifest). */
export const SIGNATURE_FINDINGS = {
  'signature.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The signature file or one of its signatures cannot be read as a detached JWS (bad JSON, base64url or protected header, `b64: false`, header members both protected and unprotected).',
  },
  'signature.algorithm.not-allowed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The signature\'s `alg` is not in the algorithm table (`EdDSA`, `ES256`, `ES384`, `PS256`) or not among the algorithms the verifier allows; `none` and HMAC are always refused.',
  },
  'signature.header.crit-unsupported': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The protected header lists in `crit` an extension the verifier does not understand (RFC 7515 section 4.1.11), or `crit` is malformed.',
  },
  'signature.header.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The protected header lacks a member an evidence-bundle signature requires, or one has the wrong form: `typ` other than `evidence-bundle-manifest+jws`, `kid` not an RFC 7638 thumbprint, no `role`, `sigT` not an RFC 3339 UTC time.',
  },
  'signature.header.key-hint-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A `jwk` header given as a hint does not have the thumbprint named by `kid`: the header contradicts itself.',
  },
  'signature.key.unknown': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'No key the verifier was given matches the signature\'s `kid`; keys carried in the bundle (`jwk`, `jku`, `x5u`) are never used.',
  },
  'signature.key.not-allowed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The trusted key named by the signature may not verify it: its type or curve does not fit `alg`, or its own `alg`, `use` or `key_ops` forbid it.',
  },
  'signature.key.too-small': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The trusted key named by the signature is an RSA key under 2048 bits.',
  },
  'signature.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The signature does not verify with the key named by `kid`: the manifest or the protected header was altered, or another key signed.',
  },
} as const satisfies Record<string, FindingDefinition>;
