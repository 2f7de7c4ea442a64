import { EvidenceBundleError } from '../errors.js';

/** Error code a reader gives a path that opened but is not a regular file (also sent back by digest workers). */
export const NOT_REGULAR_FILE = 'EVB_NOT_REGULAR_FILE';

/**
 * Maps a Node file-system error to the library's codes, keeping the original as `cause`. The one table for
 * every reader, writer and digest worker (and for tools built on the library, such as `evb`), so the same file
 * gives the same code whichever way it was reached.
 * @example
 * await fsp.readFile(path).catch((cause) => { throw ioError(cause, path); });
 */
export function ioError(cause: unknown, path: string): EvidenceBundleError {
  switch ((cause as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
    // A path through a regular file (`file.txt/x`) names nothing, like a missing one.
    case 'ENOTDIR':
      return new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${path}: no such file or directory`, { cause });
    // ELOOP: a symbolic link refused by O_NOFOLLOW; ENXIO: a socket refused by an O_NONBLOCK open.
    case 'ELOOP':
    case 'EISDIR':
    case 'ENXIO':
    case NOT_REGULAR_FILE:
      return new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${path} is not a regular file`, { cause });
    // Not "not found": the file may well be there, and the remedy (permissions) is another.
    case 'EACCES':
    case 'EPERM':
      return new EvidenceBundleError('ERR_IO', `${path}: permission denied`, { cause });
    case 'EEXIST':
      return new EvidenceBundleError('ERR_TARGET_EXISTS', `${path} already exists`, { cause });
    default:
      return new EvidenceBundleError('ERR_IO', `${path}: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
}
