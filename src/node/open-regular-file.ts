import { constants, promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ioError, NOT_REGULAR_FILE } from './io-error.js';

// O_NOFOLLOW: a symbolic link is refused, not followed (bundles hold no links, evidence is named explicitly).
// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer, so the fstat below can refuse it;
// regular-file reads are unaffected by the flag.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
// For a file the user names on the command line (a trust policy, a key): a link there is the user's own choice.
const OPEN_FLAGS_FOLLOW = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Opens a file for reading only when it is a regular file, judged on the open descriptor, so the file checked is
 * the file read: a final symbolic link is refused, a FIFO never blocks, a device or directory is refused. The
 * caller closes the handle.
 * @param name how errors name the file (a bag path, say), when not `path` itself.
 * @param options.followLinks follow a final symbolic link (for files the user names, never for a bundle's):
 *   what it points to must still be a regular file.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`
 */
export async function openRegularFile(
  path: string | Buffer,
  name = String(path),
  options: { followLinks?: boolean } = {},
): Promise<{ handle: FileHandle; stat: Stats }> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(path, options.followLinks === true ? OPEN_FLAGS_FOLLOW : OPEN_FLAGS);
  } catch (cause) {
    throw ioError(cause, name);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error(`${name} is not a regular file`), { code: NOT_REGULAR_FILE });
    return { handle, stat };
  } catch (cause) {
    await handle.close().catch(() => undefined);
    throw ioError(cause, name);
  }
}
