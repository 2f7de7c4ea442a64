import { joinChunks } from '../internal/bytes.js';
import type { BagSource } from './bag-source.js';

/**
 * Reads one file of a bag whole, but never more than `limit` bytes: a hostile bag cannot make the reader
 * allocate more. For tag files (manifests, bag-info.txt, the bundle's documents); payload files are streamed.
 * @returns the bytes, or `'too-large'` as soon as the file passes `limit`
 * @throws what the source throws (not found, not a regular file, I/O), and a TypeError for a chunk that is not bytes
 */
export async function readBounded(source: BagSource, path: string, limit: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source.read(path)) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('the source yielded something other than bytes');
    size += chunk.length;
    if (size > limit) return 'too-large';
    chunks.push(chunk);
  }
  return joinChunks(chunks);
}
