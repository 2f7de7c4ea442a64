import type { BagSource } from '../bagit/bag-source.js';
import { concatBytes } from '../internal/bytes.js';

/**
 * Reads a small tag file whole, refusing to go past `limit` bytes (a hostile bundle cannot make the reader
 * allocate more). Returns `undefined` when the file is absent (not in `present`, when given, or unreadable),
 * `'too-large'` past the limit.
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
  } catch {
    return undefined;
  }
  return concatBytes(...chunks);
}
