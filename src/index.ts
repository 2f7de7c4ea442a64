// The isomorphic core of evidence-bundle: Web APIs and Uint8Array only, no `node:` imports.
// Explicit list of exports; nothing is re-exported wholesale.
export { EvidenceBundleError, isEvidenceBundleError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { Severity, Effect, FindingDefinition, FindingLocation } from './report/finding.js';
export type { Finding } from './report/finding-type.js';
export { FINDING_CODES } from './report/codes.js';
export type { FindingCode } from './report/codes.js';
export { checkBundlePath, assertBundlePath, findPathCollisions, pathCollisionKey } from './path/bundle-path.js';
export type { PathProblem } from './path/bundle-path.js';

// Canonical JSON (RFC 8785) and strict parsing of signed JSON
export { canonicalize, canonicalizeToBytes, serializeNumber } from './encoding/jcs.js';
export type { CanonicalizeOptions } from './encoding/jcs.js';
export { parseJson, parseCanonicalJson, DEFAULT_MAX_JSON_BYTES } from './encoding/strict-json.js';
export type { ParseJsonOptions } from './encoding/strict-json.js';

// Digests
export { DIGEST_ALGORITHMS, DIGEST_ALGORITHM_NAMES, isDigestAlgorithm, nobleBackend } from './digest/algorithms.js';
export type { DigestAlgorithm, DigestBackend, DigestSet, IncrementalHash } from './digest/algorithms.js';
export { createMultiDigest, normaliseAlgorithms } from './digest/multi-digest.js';
export type { MultiDigest } from './digest/multi-digest.js';
export { digestStream } from './digest/digest-stream.js';
export type { ByteSource, DigestStreamOptions } from './digest/digest-stream.js';
