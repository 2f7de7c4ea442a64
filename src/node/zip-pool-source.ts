import type { BagSource, BagSourceProblem } from '../bagit/bag-source.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestSet } from '../digest/algorithms.js';
import { crcProblems, type ZipSource } from '../zip/open-zip-source.js';
import type { DigestPool, RangeDigest } from './digest-pool.js';
import { nodeCryptoHashes } from './digest-backend.js';
import { digestRangeShared } from './shared-range-digest.js';

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
 * The ZIP source `zip` whose `digest` and `digestFiles` run off this thread: each entry's bytes are read at the
 * offsets the core reader checked (`entryData`), through the archive's open descriptor `fd`, hashed and CRC-32'd
 * from one read; a wrong CRC-32 is the same `zip.entry.crc-mismatch` problem as in the core. A large entry
 * (`sharedMinBytes`) goes to {@link digestRangeShared}, one at a time: this thread reads it and computes the
 * CRC-32 while a worker hashes the same shared chunks. Others (and large ones meanwhile, or with BLAKE3) go to
 * the pool's workers: one at a time to `digestRange` from `digest`, and the entries of a `digestFiles` call all
 * at once to `digestRanges`, which shares their ranges with the workers and answers in batches. Listing, reading
 * and the archive's problems stay the core source's. Internal.
 * @throws from `digest`: what `entryData`, `DigestPool.digestRange` and `digestRangeShared` throw; from
 *   `digestFiles`: what `DigestPool.digestRanges` throws (the entries' own failures are in its `errors`)
 */
export function zipSourceOnPool(zip: ZipSource, pool: DigestPool, fd: number, archive: string, options: ZipPoolSourceOptions = {}): BagSource {
  const sharedMin = options.sharedMinBytes ?? SHARED_MIN_BYTES;
  let sharing = false;
  const labelOf = (path: string): string => `${archive}: ${JSON.stringify(path)}`;
  async function digest(path: string, algorithms: readonly DigestAlgorithm[]): Promise<{ digests: DigestSet; size: number; problems: BagSourceProblem[] }> {
    const { offset, size, crc32 } = zip.entryData(path);
    const range = { offset, length: size };
    const label = labelOf(path);
    let result: RangeDigest;
    if (size >= sharedMin && !sharing && nodeCryptoHashes(algorithms)) {
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
  }

  return {
    list: () => zip.list(),
    read: (path, options) => zip.read(path, options),
    problems: () => zip.problems(),
    digest,
    async digestFiles(paths, algorithms) {
      const lengths = algorithms.map((a) => DIGEST_ALGORITHMS[a].outputBytes);
      const stride = lengths.reduce((a, b) => a + b, 0);
      const sizes = new Float64Array(paths.length);
      const digests = new Uint8Array(paths.length * stride);
      const errors: Array<{ index: number; error: unknown }> = [];
      const problems: BagSourceProblem[] = [];
      // Entries of the batched lane: their index in `paths`, their range at 2k and 2k + 1, their recorded CRC-32.
      const lane: number[] = [];
      const ranges = new Float64Array(2 * paths.length);
      const recorded = new Uint32Array(paths.length);
      const large: number[] = [];
      const shared = nodeCryptoHashes(algorithms);
      for (let i = 0; i < paths.length; i++) {
        let data;
        try {
          data = zip.entryData(paths[i]!);
        } catch (error) {
          sizes[i] = -1;
          errors.push({ index: i, error });
          continue;
        }
        if (data.size >= sharedMin && shared) {
          large.push(i);
          continue;
        }
        const k = lane.length;
        ranges[2 * k] = data.offset;
        ranges[2 * k + 1] = data.size;
        recorded[k] = data.crc32;
        lane.push(i);
      }
      const laneDone = (async () => {
        if (lane.length === 0) return;
        const answer = await pool.digestRanges(fd, ranges.subarray(0, 2 * lane.length), { algorithms, label: (k) => labelOf(paths[lane[k]!]!) });
        if (answer.stride !== stride || answer.algorithms.join() !== algorithms.join()) throw new TypeError('the digest pool answered for other algorithms');
        const failed = new Set<number>();
        for (const { index, error } of answer.errors) {
          failed.add(index);
          sizes[lane[index]!] = -1;
          errors.push({ index: lane[index]!, error });
        }
        for (let k = 0; k < lane.length; k++) {
          if (failed.has(k)) continue;
          const i = lane[k]!;
          sizes[i] = answer.sizes[k]!;
          digests.set(answer.digests.subarray(k * stride, (k + 1) * stride), i * stride);
          if (answer.crc32s[k] !== recorded[k]) problems.push(...crcProblems(paths[i]!, answer.crc32s[k]!, recorded[k]!));
        }
      })();
      // Awaited below, after the large entries; until then a failure must not count as unhandled.
      laneDone.catch(() => undefined);
      // Large entries one after the other, beside the batched lane: each reads on this thread with a worker.
      for (const i of large) {
        try {
          const one = await digest(paths[i]!, algorithms);
          let at = i * stride;
          for (let a = 0; a < algorithms.length; a++) {
            digests.set(Buffer.from(one.digests[algorithms[a]!]!, 'hex'), at);
            at += lengths[a]!;
          }
          sizes[i] = one.size;
          problems.push(...one.problems);
        } catch (error) {
          sizes[i] = -1;
          errors.push({ index: i, error });
        }
      }
      await laneDone;
      errors.sort((a, b) => a.index - b.index);
      return problems.length === 0 ? { sizes, digests, errors } : { sizes, digests, errors, problems };
    },
  };
}
