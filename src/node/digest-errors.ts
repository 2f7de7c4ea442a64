import { EvidenceBundleError } from '../errors.js';
import { ioError } from './io-error.js';

/** Error code a digest worker reports for a path that opened but is not a regular file. */
export const NOT_REGULAR_FILE = 'EVB_NOT_REGULAR_FILE';

/**
 * Maps a failure to open or read a file being hashed to the library's codes; shared by {@link digestFile} and
 * the digest pool so that both report the same code for the same file.
 */
export function digestIoError(cause: unknown, path: string): EvidenceBundleError {
  switch ((cause as NodeJS.ErrnoException | undefined)?.code) {
    // A path through a regular file (`file.txt/x`) names nothing, like a missing one.
    case 'ENOTDIR':
      return new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${path}: no such file`, { cause });
    // ELOOP: a symbolic link refused by O_NOFOLLOW; ENXIO: a socket refused by an O_NONBLOCK open.
    case 'ELOOP':
    case 'ENXIO':
    case NOT_REGULAR_FILE:
      return new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${path} is not a regular file`, { cause });
    default:
      return ioError(cause, path);
  }
}
