import type { BagSource } from '../bagit/bag-source.js';
import { readBounded } from '../bagit/read-bounded.js';
import { isEvidenceBundleError } from '../errors.js';

/**
 * Reads a small tag file whole, refusing to go past `limit` bytes (a hostile bundle cannot make the reader
 * allocate more). Returns `undefined` when there is no such regular file (not in `present`, when given, or
 * refused by the source: not found, a link, a directory), `'too-large'` past the limit.
 * @throws EvidenceBundleError `ERR_IO` when the file is there but cannot be read (permissions, a failing disk):
 *   a writer must never take such a file for a missing one and start it afresh.
 */
export async function readTagFile(
  source: BagSource,
  path: string,
  limit: number,
  present?: ReadonlySet<string>,
): Promise<Uint8Array | 'too-large' | undefined> {
  if (present !== undefined && !present.has(path)) return undefined;
  try {
    return await readBounded(source, path, limit);
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_IO')) throw error;
    return undefined;
  }
}
