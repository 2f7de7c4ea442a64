/**
 * Bytes that can be read at any offset: a Node file handle (`fileReader` in `evidence-bundle/node`), a browser
 * `File` or `Blob` (`slice(offset, offset + length).arrayBuffer()`), or memory ({@link memoryReader}). A ZIP is
 * read through its central directory, so it is never read from start to end, nor extracted.
 */
export interface RandomAccessReader {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`; the caller never asks past `size`. A reader that returns fewer bytes
   * (the file shrank) is treated as a truncated archive.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: fills `target` with the bytes from `offset` and answers how many it read (fewer only where the file
   * ends). For a caller that reuses its buffers: the ZIP reader's windows over the local headers, which would
   * otherwise take a fresh buffer for every 256 KiB of the archive.
   */
  readInto?(target: Uint8Array, offset: number): Promise<number>;
}

/**
 * A {@link RandomAccessReader} over bytes in memory. The bytes are not copied: the caller must not change them.
 * @example const source = await openZipSource(memoryReader(zipBytes));
 */
export function memoryReader(bytes: Uint8Array): RandomAccessReader {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('memoryReader takes a Uint8Array');
  return {
    size: bytes.length,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > bytes.length) {
        throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${bytes.length} bytes`);
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}
