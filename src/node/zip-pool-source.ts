import type { BagSource } from '../bagit/bag-source.js';
import type { DigestSet } from '../digest/algorithms.js';
import { crcProblems, type ZipSource } from '../zip/open-zip-source.js';
import type { DigestPool, RangeDigest } from './digest-pool.js';

// From this size an entry's digests and CRC-32 are computed by separate workers over the same bytes (read twice
// from the page cache, which costs little): one large item then takes as long as its SHA-256 alone, as a file
// of a directory does, instead of SHA-256 plus CRC-32 on one thread.
const SPLIT_BYTES = 64 * 1024 * 1024;

/**
 * The ZIP source `zip` whose `digest` runs on the worker pool: each entry's bytes are read by a worker at the
 * offsets the core reader checked (`entryData`), through the archive's open descriptor `fd`, hashed and
 * CRC-32'd in the same pass; a wrong CRC-32 is the same `zip.entry.crc-mismatch` problem as in the core.
 * Listing, reading and the archive's problems stay the core source's. Internal.
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
      const parts: Array<Promise<RangeDigest>> =
        size >= SPLIT_BYTES
          ? [...algorithms.map((a) => pool.digestRange(fd, range, { algorithms: [a], label })), pool.digestRange(fd, range, { crc32: true, label })]
          : [pool.digestRange(fd, range, { algorithms, crc32: true, label })];
      const results = await Promise.all(parts);
      const digests = Object.assign({}, ...results.map((r) => r.digests)) as DigestSet;
      const crc = results.find((r) => r.crc32 !== undefined)!.crc32!;
      return { digests, size, problems: crcProblems(path, crc, crc32) };
    },
  };
}
