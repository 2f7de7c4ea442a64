import type { DigestBackend, DigestSet } from './algorithms.js';
import { createMultiDigest } from './multi-digest.js';

/** Bytes that arrive over time: an async iterable of chunks, or a Web ReadableStream. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Options of {@link digestStream}. */
export interface DigestStreamOptions {
  /** Extra algorithms besides SHA-256 (always computed). */
  algorithms?: Iterable<string>;
  /** Hash implementation; @noble/hashes by default, node:crypto through `evidence-bundle/node`. */
  backend?: DigestBackend;
  /** Called after each chunk with the bytes hashed so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Iterates a {@link ByteSource} chunk by chunk, whatever its kind, without buffering it. */
export async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * Hashes a stream of bytes once, computing every requested algorithm in the same pass; nothing is buffered
 * beyond the chunk at hand, so memory stays flat whatever the size.
 * @throws EvidenceBundleError `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; a `TypeError` when a chunk is not a Uint8Array.
 * @example
 * const { digests, size } = await digestStream(file.stream(), { algorithms: ['sha512'] });
 */
export async function digestStream(
  source: ByteSource,
  options: DigestStreamOptions = {},
): Promise<{ digests: DigestSet; size: number }> {
  const multi = createMultiDigest(options.algorithms, options.backend ? { backend: options.backend } : {});
  for await (const chunk of iterateBytes(source)) {
    options.signal?.throwIfAborted();
    if (!(chunk instanceof Uint8Array)) throw new TypeError('byte source yielded something other than a Uint8Array');
    multi.update(chunk);
    options.onProgress?.(multi.size);
  }
  return { digests: multi.digest(), size: multi.size };
}
