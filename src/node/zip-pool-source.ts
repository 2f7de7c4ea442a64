import type { BagSource } from '../bagit/bag-source.js';
import type { DigestSet } from '../digest/algorithms.js';
import { crcProblems, type ZipSource } from '../zip/open-zip-source.js';
import type { DigestPool } from './digest-pool.js';

/**
 * The ZIP source `zip` whose `digest` runs on the worker pool: each entry's bytes are read by a worker at the
 * offsets the core reader checked (`entryData`), through the archive's open descriptor `fd`, hashed and
 * CRC-32'd in the same pass, batched with other entries; a wrong CRC-32 is the same `zip.entry.crc-mismatch`
 * problem as in the core. Listing, reading and the archive's problems stay the core source's. Internal.
 * @throws from `digest`: what `entryData` and `DigestPool.digestRange` throw
 */
export function zipSourceOnPool(zip: ZipSource, pool: DigestPool, fd: number, archive: string): BagSource {
  return {
    list: () => zip.list(),
    read: (path, options) => zip.read(path, options),
    problems: () => zip.problems(),
    async digest(path, algorithms) {
      const { offset, size, crc32 } = zip.entryData(path);
      const range = { offset, length: size };
      const label = `${archive}: ${JSON.stringify(path)}`;
      // One pass, digests and CRC-32 together. Splitting a large entry between two workers (SHA-256 on one,
      // CRC-32 on the other) read its bytes twice and was slower on a loaded machine, where no core is idle.
      const result = await pool.digestRange(fd, range, { algorithms, crc32: true, label });
      return { digests: result.digests as DigestSet, size, problems: crcProblems(path, result.crc32!, crc32) };
    },
  };
}
