import { promises as fsp } from 'node:fs';
import { ioError } from './io-error.js';

/**
 * Whether anything (a file, a directory, a link: not followed) is at `path`. Only "no such entry" is false; any
 * other failure (EACCES, EIO) is an error with its code, so a writer never takes "cannot tell" for "free".
 * @throws EvidenceBundleError `ERR_IO` (and the other codes of {@link ioError}) when the check itself fails.
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(cause, path);
  }
}
