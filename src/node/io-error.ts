import { EvidenceBundleError } from '../errors.js';

/** Maps a Node file-system error to the library's codes, keeping the original as `cause`. */
export function ioError(cause: unknown, path: string): EvidenceBundleError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${path}: no such file or directory`, { cause });
  if (code === 'ELOOP' || code === 'EISDIR') {
    return new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${path} is not a regular file`, { cause });
  }
  if (code === 'EEXIST') return new EvidenceBundleError('ERR_TARGET_EXISTS', `${path} already exists`, { cause });
  return new EvidenceBundleError('ERR_IO', `${path}: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
}
