// evidence-bundle/digest: the digest registry and streaming multi-digests (SHA-2, SHA-3, BLAKE3).
// Part of the isomorphic core; explicit list of exports.

export { DIGEST_ALGORITHMS, DIGEST_ALGORITHM_NAMES, isDigestAlgorithm, nobleBackend } from '../digest/algorithms.js';
export type { DigestAlgorithm, DigestBackend, DigestSet, IncrementalHash } from '../digest/algorithms.js';
export { createMultiDigest, normaliseAlgorithms } from '../digest/multi-digest.js';
export type { MultiDigest } from '../digest/multi-digest.js';
export { digestStream } from '../digest/digest-stream.js';
export type { ByteSource, DigestStreamOptions } from '../digest/digest-stream.js';
