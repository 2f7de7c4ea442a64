import type { RandomAccessReader } from '../index.js';

/**
 * A {@link RandomAccessReader} over a browser `File` or `Blob`: each read is one `slice()`, so a ZIP bundle is
 * read through its central directory and never held whole in memory.
 * @throws TypeError when `blob` is not a Blob; from `read`, RangeError for a range outside the blob.
 * @example const source = await openZipSource(blobReader(input.files[0]));
 */
export function blobReader(blob: Blob): RandomAccessReader {
  if (!(blob instanceof Blob)) throw new TypeError('blobReader takes a Blob or a File');
  return {
    size: blob.size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > blob.size) {
        throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${blob.size} bytes`);
      }
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
