import * as nodeCrypto from 'node:crypto';
import { createHash, getHashes } from 'node:crypto';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestBackend, type IncrementalHash } from '../digest/algorithms.js';

// Checked once: an OpenSSL build without SHA3 (rare, but FIPS or trimmed builds exist) falls back to noble.
const available = new Set(getHashes());

/**
 * Whether node:crypto hashes every one of `algorithms` (all but BLAKE3): what the worker threads that hash with
 * it (copy, shared-range) can be given. Internal.
 */
export function nodeCryptoHashes(algorithms: readonly DigestAlgorithm[]): boolean {
  return algorithms.every((a) => DIGEST_ALGORITHMS[a]?.nodeName !== undefined);
}

/**
 * The node:crypto names of `algorithms`, in their order. Internal.
 * @throws TypeError for an algorithm node:crypto lacks (see {@link nodeCryptoHashes})
 */
export function nodeCryptoNames(algorithms: readonly DigestAlgorithm[]): string[] {
  return algorithms.map((a) => {
    const nodeName = DIGEST_ALGORITHMS[a]?.nodeName;
    if (nodeName === undefined) throw new TypeError(`${a} has no node:crypto implementation`);
    return nodeName;
  });
}

// crypto.hash (Node 20.12 and later): a one-shot digest without a Hash object, about twice as fast as
// createHash().update().digest() for the short inputs of a Merkle tree.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'binary') => string }).hash;

/**
 * The node:crypto hashing backend: OpenSSL's SHA-256, SHA-512 and SHA3-256, several times faster than pure
 * JavaScript on CPUs with SHA extensions. BLAKE3 is not in OpenSSL, so it is declined and @noble/hashes is used.
 * Digests are plain `Uint8Array`s, never `Buffer`s, so results look the same whichever backend made them.
 * @example
 * const { digests } = await digestStream(stream, { algorithms: ['sha512'], backend: nodeBackend });
 */
export const nodeBackend: DigestBackend = {
  name: 'node',
  create(algorithm): IncrementalHash | undefined {
    const nodeName = DIGEST_ALGORITHMS[algorithm].nodeName;
    if (nodeName === undefined || !available.has(nodeName)) return undefined;
    const hash = createHash(nodeName);
    return {
      update(chunk) {
        hash.update(chunk);
      },
      digest() {
        const out = hash.digest();
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      },
    };
  },
  digestOnce(algorithm, data): Uint8Array | undefined {
    const nodeName = DIGEST_ALGORITHMS[algorithm].nodeName;
    if (nodeName === undefined || !available.has(nodeName)) return undefined;
    if (oneShot === undefined) {
      const out = createHash(nodeName).update(data).digest();
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    }
    // As a binary (latin1) string, one character per byte, copied into a small array, which V8 keeps on its heap:
    // a Buffer result is memory of its own outside the heap, each one tracked and freed by the garbage collector,
    // and 200,000 leaf hashes took twice as long that way.
    const text = oneShot(nodeName, data, 'binary');
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  },
};
