import { isEvidenceBundleError } from '../errors.js';
import { joinChunks } from '../internal/bytes.js';
import type { BagSource } from './bag-source.js';

/**
 * Reads one file of a bag whole, but never more than `limit` bytes: a hostile bag cannot make the reader
 * allocate more. For tag files (manifests, bag-info.txt, the bundle's documents); payload files are streamed.
 * @returns the bytes, or `'too-large'` as soon as the file passes `limit` (or the source refuses it as longer)
 * @throws what the source throws (not found, not a regular file, I/O), and a TypeError for a chunk that is not bytes
 */
export async function readBounded(source: BagSource, path: string, limit: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // The source is told the limit so that it can refuse a longer file before reading a byte of it.
    for await (const chunk of source.read(path, { maxBytes: limit })) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('the source yielded something other than bytes');
      size += chunk.length;
      if (size > limit) return 'too-large';
      chunks.push(chunk);
    }
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_LIMIT_EXCEEDED')) return 'too-large';
    throw error;
  }
  return joinChunks(chunks);
}
