import type { BagSource } from '../bagit/bag-source.js';
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
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source.read(path)) {
      size += chunk.length;
      if (size > limit) return 'too-large';
      chunks.push(chunk);
    }
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_IO')) throw error;
    return undefined;
  }
  // Not concatBytes(...chunks): a source may yield more chunks than a call takes arguments.
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
