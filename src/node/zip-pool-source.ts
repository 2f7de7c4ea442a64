import type { BagSource } from '../bagit/bag-source.js';
import type { DigestSet } from '../digest/algorithms.js';
import { crcProblems, type ZipSource } from '../zip/open-zip-source.js';
import type { DigestPool, RangeDigest } from './digest-pool.js';
import { canDigestShared, digestRangeShared } from './shared-range-digest.js';

/** Options of {@link zipSourceOnPool}. */
export interface ZipPoolSourceOptions {
  /** Entries of at least this many bytes are read by {@link digestRangeShared}; 64 MiB by default. */
  sharedMinBytes?: number;
  /** Slot size of {@link digestRangeShared}'s ring (its default otherwise); for tests. */
  sharedChunkBytes?: number;
}

// Below this, starting a thread of its own for the entry costs about what overlapping CRC-32 and hash saves.
const SHARED_MIN_BYTES = 64 * 1024 * 1024;

/**
 * The ZIP source `zip` whose `digest` runs off this thread: each entry's bytes are read at the offsets the core
 * reader checked (`entryData`), through the archive's open descriptor `fd`, hashed and CRC-32'd from one read; a
 * wrong CRC-32 is the same `zip.entry.crc-mismatch` problem as in the core. A large entry (`sharedMinBytes`) goes
 * to {@link digestRangeShared}, one at a time: this thread reads it and computes the CRC-32 while a worker hashes
 * the same shared chunks. Others (and large ones meanwhile, or with BLAKE3) go to the pool's workers, batched,
 * each worker computing digests and CRC-32 in one pass. Listing, reading and the archive's problems stay the core
 * source's. Internal.
 * @throws from `digest`: what `entryData`, `DigestPool.digestRange` and `digestRangeShared` throw
 */
export function zipSourceOnPool(zip: ZipSource, pool: DigestPool, fd: number, archive: string, options: ZipPoolSourceOptions = {}): BagSource {
  const sharedMin = options.sharedMinBytes ?? SHARED_MIN_BYTES;
  let sharing = false;
  return {
    list: () => zip.list(),
    read: (path, options) => zip.read(path, options),
    problems: () => zip.problems(),
    async digest(path, algorithms) {
      const { offset, size, crc32 } = zip.entryData(path);
      const range = { offset, length: size };
      const label = `${archive}: ${JSON.stringify(path)}`;
      let result: RangeDigest;
      if (size >= sharedMin && !sharing && canDigestShared(algorithms)) {
        sharing = true;
        try {
          const chunkBytes = options.sharedChunkBytes;
          result = await digestRangeShared(fd, range, { algorithms, label, ...(chunkBytes === undefined ? {} : { chunkBytes }) });
        } finally {
          sharing = false;
        }
      } else {
        result = await pool.digestRange(fd, range, { algorithms, crc32: true, label });
      }
      return { digests: result.digests as DigestSet, size, problems: crcProblems(path, result.crc32!, crc32) };
    },
  };
}
