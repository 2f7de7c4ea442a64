import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import type { StatedFile } from './copy-pool.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';
import { digestRangeShared } from './shared-range-digest.js';

/**
 * Bytes per chunk. A directory streams 16 files at a time, each with a chunk being hashed and one being written:
 * 40 files of 20 MiB packed with 4 MiB chunks peaked at 288-301 MB and took 2.1-2.6 s; with 1 MiB chunks,
 * 181-187 MB and 1.8 s (three runs each, in turn). Files of 64 MiB or more do not stream (`copyStatedFile`).
 */
const CHUNK = 1024 * 1024;

/**
 * The bytes of an evidence file, chunk by chunk (fresh buffers: a sink may keep them), from a file stated before as
 * `before`. It is opened as a regular file (never through a symbolic link, never blocking on a FIFO) and checked
 * again at the end by name: a file replaced, renamed over, or changed while it was read is refused rather than
 * sealed with digests of bytes that no longer exist. Internal.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`, `ERR_IO`
 */
export async function* sourceBytes(source: string, before: Stats): AsyncGenerator<Uint8Array> {
  const handle = await openStated(source, before);
  try {
    // A small file gets a small buffer: one read takes it whole and the next sees its end.
    const size = Math.min(CHUNK, before.size + 1);
    for (;;) {
      const buffer = new Uint8Array(size);
      const { bytesRead } = await handle.read(buffer, 0, size, null).catch((cause: unknown) => {
        throw ioError(cause, source);
      });
      if (bytesRead === 0) break;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  await checkUnchanged(source, before);
}

/**
 * Reads the stated file `stated` once, chunk by chunk into shared memory ({@link digestRangeShared}), and gives
 * each chunk to `write`, in order, while a worker hashes the same chunk with `algorithms` (node:crypto's); the
 * CRC-32 of ZIP too when `crc32`. Streamed through this thread ({@link sourceBytes}), a large file is hashed here
 * between its reads and writes (and, for a ZIP, CRC-32'd after the hash); here the hash runs beside them. The
 * same checks as `sourceBytes`, and no byte more or fewer than stated. `write` must settle once the chunk is
 * written (its memory is then reused). `signal` stops the copy between two chunks; `onProgress` is told the
 * bytes written so far after each chunk. Internal.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`, `ERR_IO`;
 *   what `write` rejects with; the signal's reason
 */
export async function copyStatedFile(
  stated: StatedFile,
  algorithms: readonly DigestAlgorithm[],
  write: (chunk: Uint8Array) => Promise<void>,
  { crc32 = true, signal, onProgress }: { crc32?: boolean; signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<{ size: number; digests: DigestSet; crc32?: number }> {
  signal?.throwIfAborted();
  const handle = await openStated(stated.path, stated);
  let result;
  try {
    let written = 0;
    result = await digestRangeShared(handle.fd, { offset: 0, length: stated.size }, {
      algorithms,
      label: stated.path,
      consume: async (chunk) => {
        await write(chunk);
        written += chunk.length;
        onProgress?.(written);
      },
      endsEarly: () => changed(stated.path),
      crc32,
      ...(signal ? { signal } : {}),
    });
    // A byte past the stated size is a file that grew: what was written is a prefix of it, not the file.
    const { bytesRead } = await handle.read(new Uint8Array(1), 0, 1, stated.size).catch((cause: unknown) => {
      throw ioError(cause, stated.path);
    });
    if (bytesRead !== 0) throw changed(stated.path);
  } finally {
    await handle.close().catch(() => undefined);
  }
  await checkUnchanged(stated.path, stated);
  return { size: stated.size, digests: result.digests as DigestSet, ...(result.crc32 === undefined ? {} : { crc32: result.crc32 }) };
}

/** What the checks compare of a source: the file as stated before packing. */
type Stated = Pick<Stats, 'ino' | 'dev' | 'size' | 'mtimeMs'>;

/** Opens `source` as a regular file (no link followed, no FIFO waited on) that is the file stated as `before`. */
async function openStated(source: string, before: Stated): Promise<FileHandle> {
  const { handle, stat } = await openRegularFile(source);
  if (stat.ino !== before.ino || stat.dev !== before.dev) {
    await handle.close().catch(() => undefined);
    throw changed(source);
  }
  return handle;
}

/** Refuses a source that, by name, is no longer the file stated as `before`: replaced, renamed over, or changed. */
async function checkUnchanged(source: string, before: Stated): Promise<void> {
  const after = await statSource(source);
  if (after.ino !== before.ino || after.dev !== before.dev || after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw changed(source);
}

const changed = (source: string): EvidenceBundleError => new EvidenceBundleError('ERR_SOURCE_CHANGED', `${source} changed while it was being packed`);

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
