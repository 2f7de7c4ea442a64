import type { RandomAccessReader } from '../zip/random-access-reader.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';

/**
 * A {@link RandomAccessReader} over a regular file (a final symbolic link unless `followLinks`, a FIFO or a
 * device is refused), for `openZipSource`. The size is the file's when opened; `fd` is its descriptor, for
 * positioned reads by worker threads (`DigestPool.digestRange`). Close it when done.
 * @param options.followLinks follow a final symbolic link (for a file the user names): what it points to must
 *   still be a regular file
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`
 * @example
 * const reader = await fileReader('case-42.zip');
 * let report; try { report = await validateBag(await openZipSource(reader)); } finally { await reader.close(); }
 */
export async function fileReader(
  path: string,
  options: { followLinks?: boolean } = {},
): Promise<RandomAccessReader & {
  /** Closes the file. */
  close(): Promise<void>;
  /** The open descriptor, which worker threads may read through (the same file, whatever happens to its name). */
  readonly fd: number;
}> {
  const { handle, stat } = await openRegularFile(path, path, options);
  const readInto = async (target: Uint8Array, offset: number): Promise<number> => {
    let done = 0;
    try {
      while (done < target.length) {
        const { bytesRead } = await handle.read(target, done, target.length - done, offset + done);
        if (bytesRead === 0) break; // the file shrank: the caller sees fewer bytes
        done += bytesRead;
      }
    } catch (cause) {
      throw ioError(cause, path);
    }
    return done;
  };
  return {
    size: stat.size,
    // For positioned reads elsewhere (the digest pool's workers); valid until `close`.
    fd: handle.fd,
    async read(offset, length) {
      const out = new Uint8Array(length);
      const done = await readInto(out, offset);
      return done === length ? out : out.subarray(0, done);
    },
    readInto,
    close: () => handle.close(),
  };
}
