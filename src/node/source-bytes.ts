import { promises as fsp, type Stats } from 'node:fs';
import { EvidenceBundleError } from '../errors.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';

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
  const { handle, stat: opened } = await openRegularFile(source);
  try {
    if (opened.ino !== before.ino || opened.dev !== before.dev) throw changed(source);
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
