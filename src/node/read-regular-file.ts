import type { FileHandle } from 'node:fs/promises';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';

/**
 * Reads a small regular file whole, within `limit`: opened without following a final symbolic link and without
 * blocking ({@link openRegularFile}), its size judged on the open descriptor before anything is read, and never
 * more than `limit + 1` bytes read, even from a file that grows meanwhile. The one way the library reads a
 * protocol file (the commit journal) and the way `evb` reads its own small inputs.
 * @param options.name how errors name the file, when not `path` itself.
 * @param options.followLinks follow a final symbolic link: only for a file the user names (`evb`'s trust policy
 *   or key), never for a file of a bundle.
 * @returns the bytes, or `'too-large'` when the file is longer than `limit` (then nothing, or only `limit + 1`
 *   bytes, was read).
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE` (a link, directory, FIFO,
 *   socket or device), `ERR_IO`
 * @throws RangeError for a negative or NaN `limit`
 * @example
 * const bytes = await readRegularFile('policy.json', 16 * 1024 * 1024, { followLinks: true });
 * if (bytes === 'too-large') throw new Error('policy.json is too large');
 */
export async function readRegularFile(
  path: string | Buffer,
  limit: number,
  options: { name?: string; followLinks?: boolean } = {},
): Promise<Uint8Array | 'too-large'> {
  if (!(limit >= 0)) throw new RangeError('limit must be a non-negative number');
  const name = options.name ?? String(path);
  const { handle, stat } = await openRegularFile(path, name, { followLinks: options.followLinks === true });
  try {
    if (stat.size > limit) return 'too-large';
    return await readUpTo(handle, limit, stat.size, name);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads from the current position of `handle` until its end, but at most `limit + 1` bytes: the caller tells a
 * file that grew past `limit` by the length. `expected` sizes the first buffer (the size fstat gave).
 */
async function readUpTo(handle: FileHandle, limit: number, expected: number, name: string): Promise<Uint8Array | 'too-large'> {
  // One byte more than the limit tells a file that grew past it from one that ends exactly there.
  let buffer = new Uint8Array(Math.min(Math.max(expected, 0), limit) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return 'too-large';
      const larger = new Uint8Array(Math.min(buffer.length * 2, limit + 1));
      larger.set(buffer);
      buffer = larger;
    }
    let bytesRead;
    try {
      ({ bytesRead } = await handle.read(buffer, length, buffer.length - length, null));
    } catch (cause) {
      throw ioError(cause, name);
    }
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length > limit ? 'too-large' : buffer.subarray(0, length);
}
