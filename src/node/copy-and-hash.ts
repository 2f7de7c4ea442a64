import { constants, promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { DigestBackend, DigestSet } from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { writeAll } from './fs-sync.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';

const CHUNK = 4 * 1024 * 1024;

export interface CopyAndHashOptions {
  algorithms: Iterable<string>;
  backend?: DigestBackend;
  onProgress?: (bytes: number) => void;
}

/**
 * Copies one evidence file into the bundle while hashing it, reading every source byte once. Reads and writes
 * run on libuv's thread pool while the main thread hashes the previous chunk (two buffers in turn), so the
 * copy costs little more than the hash. The source is opened as a regular file (never through a symbolic link,
 * never blocking on a FIFO) and checked before and after: a file that changed or was replaced while it was read
 * is refused (`ERR_SOURCE_CHANGED`) rather than sealed with digests of bytes that no longer exist.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`, `ERR_IO`
 */
export async function copyAndHash(
  source: string,
  target: string,
  options: CopyAndHashOptions,
): Promise<{ digests: DigestSet; size: number }> {
  const multi = createMultiDigest(options.algorithms, options.backend ? { backend: options.backend } : {});
  const { handle: input, stat: before } = await openRegularFile(source);
  let output: FileHandle | undefined;
  let pending: Promise<number> | undefined;
  let writing: Promise<unknown> | undefined;
  // Failures name the file they happened to: a full disk is the target's, an unreadable sector the source's.
  const toTarget = (cause: unknown): never => {
    throw ioError(cause, target);
  };
  // Reads and writes overlap: one that fails while the other is awaited is observed here, so it is not reported
  // as an unhandled rejection (which ends the process) before the loop gets to it.
  const observed = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };
  try {
    output = await fsp.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o444).catch(toTarget);
    const out = output;
    // A small file gets small buffers: one read takes it whole and the next sees its end. Allocating two full
    // chunks per file made packing many small files a garbage-collection benchmark.
    const size = Math.min(CHUNK, before.size + 1);
    const buffers = [new Uint8Array(size), new Uint8Array(size)];
    const read = (buffer: Uint8Array): Promise<number> =>
      input.read(buffer, 0, size, null).then(
        (r) => r.bytesRead,
        (cause: unknown) => Promise.reject(ioError(cause, source)),
      );
    let turn = 0;
    pending = observed(read(buffers[0]!));
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) break;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      // The other buffer is free once its write has finished; start the next read into it, then hash this one.
      await writing;
      turn ^= 1;
      pending = observed(read(buffers[turn]!));
      multi.update(chunk);
      writing = observed(writeAll(out, chunk).catch(toTarget));
      options.onProgress?.(multi.size);
    }
    await writing;
    await out.sync().catch(toTarget);
  } catch (cause) {
    throw cause instanceof EvidenceBundleError ? cause : ioError(cause, source);
  } finally {
    // A read or write still in flight when the other failed must settle before its handle closes.
    await Promise.allSettled([pending, writing]);
    await input.close().catch(() => undefined);
    await output?.close().catch(() => undefined);
  }
  // By name, not by descriptor: a file renamed over the source meanwhile is a change too.
  const after = await statSource(source);
  if (after.ino !== before.ino || after.dev !== before.dev || after.size !== before.size || after.mtimeMs !== before.mtimeMs || multi.size !== before.size) {
    throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `${source} changed while it was being packed`);
  }
  return { digests: multi.digest(), size: multi.size };
}

/**
 * Stats an evidence source without following a symbolic link: evidence is named explicitly, never reached
 * through a link that could point anywhere.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`
 */
export async function statSource(source: string): Promise<Stats> {
  let stat;
  try {
    stat = await fsp.lstat(source);
  } catch (cause) {
    throw ioError(cause, source);
  }
  if (!stat.isFile()) {
    throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${source} is not a regular file`);
  }
  return stat;
}
