import type { BagSource } from '../bagit/bag-source.js';
import { readBounded } from '../bagit/read-bounded.js';
import { isEvidenceBundleError } from '../errors.js';

/**
 * Reads a small tag file whole, refusing to go past `limit` bytes (a hostile bundle cannot make the reader
 * allocate more). Returns `undefined` when there is no such file (not in `present`, when given, or not found by
 * the source), `'too-large'` past the limit.
 * @throws what the source throws for a file that is there but is not a readable regular file: `ERR_IO`
 *   (permissions, a failing disk), `ERR_SOURCE_NOT_REGULAR_FILE` (a link, a directory, a FIFO). A writer must
 *   never take such a file for a missing one and start it afresh over it.
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
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND')) return undefined;
    throw error;
  }
}
