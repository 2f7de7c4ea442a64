import { createMultiDigest, DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestBackend, type DigestSet, type IncrementalHash } from '../entries/digest.js';
import type { ZipSource } from '../entries/zip.js';
import { EvidenceBundleError, isEvidenceBundleError, type BagSource } from '../index.js';
import type { WorkerSha256 } from './hash-worker.js';

/**
 * Files smaller than this are hashed on the page's own thread: a round trip to the worker would cost more than
 * it saves, and a bundle of many small files would wait on messages.
 */
export const WORKER_MIN_BYTES = 1024 * 1024;

/** How a source hands its large files' SHA-256 to the page's hashing worker. */
export interface WorkerDigestOptions {
  sha256: WorkerSha256;
  /** The other algorithms' hashes, on the page's thread (the page's WebAssembly backend); @noble/hashes without. */
  backend?: DigestBackend;
  /**
   * Told of the bytes the worker has hashed of files whose digest has not come back yet, as they are hashed, for
   * a progress display; when a file's digest comes back (or its read fails), the file's count is taken back
   * (a negative delta), as the validator then counts the whole file at once.
   */
  onHashing?: (delta: number) => void;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The digests of `chunks` for `algorithms` (SHA-256 always, as createMultiDigest): SHA-256 in the worker, the
 * others here, so that the worker hashes one chunk while this thread reads, checks and hashes the next.
 */
async function digestThroughWorker(chunks: AsyncIterable<Uint8Array>, algorithms: readonly DigestAlgorithm[], options: WorkerDigestOptions): Promise<{ digests: DigestSet; size: number }> {
  const others = [...new Set(algorithms)].filter((a) => a !== 'sha256');
  const hashes: Array<[DigestAlgorithm, IncrementalHash]> = others.map((a) => [a, options.backend?.create(a) ?? DIGEST_ALGORITHMS[a].noble()]);
  let hashed = 0;
  const job = options.sha256.start((bytes) => {
    hashed += bytes;
    options.onHashing?.(bytes);
  });
  let size = 0;
  try {
    for await (const chunk of chunks) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('the source yielded something other than bytes');
      // Before the chunk goes: handing it over detaches its buffer.
      for (const [, hash] of hashes) hash.update(chunk);
      size += chunk.length;
      await worked(job.update(chunk));
    }
    const digests: Record<string, string> = { sha256: hex(await worked(job.digest())) };
    for (const [algorithm, hash] of hashes) digests[algorithm] = hex(hash.digest());
    return { digests: digests as DigestSet, size };
  } catch (error) {
    job.drop();
    throw error;
  } finally {
    options.onHashing?.(-hashed);
  }
}

/**
 * The worker's answer; its failure (the browser ended it, out of memory) is the receiver's computer failing to
 * read, `ERR_IO` as for a file it cannot read: no verdict, rather than a finding against the bundle.
 */
async function worked<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_IO', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * A folder source whose `digest` hashes each file of at least {@link WORKER_MIN_BYTES} through the worker as it
 * reads it with the source's own `read` (so errors are the source's: `ERR_IO`, `ERR_SOURCE_NOT_FOUND`); smaller
 * files are hashed here.
 * @param files the folder's files by bag path, as given to `folderSource`, for their sizes.
 */
export function folderWithWorker(source: BagSource, files: ReadonlyMap<string, Blob>, options: WorkerDigestOptions): BagSource {
  return {
    ...source,
    async digest(path, algorithms) {
      const file = files.get(path);
      if (file !== undefined && file.size >= WORKER_MIN_BYTES) return digestThroughWorker(source.read(path), algorithms, options);
      const multi = createMultiDigest(algorithms, options.backend === undefined ? {} : { backend: options.backend });
      for await (const chunk of source.read(path)) multi.update(chunk);
      return { digests: multi.digest(), size: multi.size };
    },
  };
}

/**
 * A ZIP source whose `digest` hashes each entry of at least {@link WORKER_MIN_BYTES} through the worker, reading
 * it with the ZIP reader's own `read`, which checks the entry's CRC-32 as it goes. An entry whose CRC-32 is not
 * the one recorded is digested again by the ZIP reader's own `digest`, whose answer (the digests, and the
 * `zip.entry.crc-mismatch` problem with both values) is the one given; smaller entries go to it directly.
 */
export function zipWithWorker(zip: ZipSource, options: WorkerDigestOptions): ZipSource {
  return {
    ...zip,
    async digest(path, algorithms) {
      // Throws for what is no readable entry, as the ZIP reader's digest does.
      if (zip.entryData(path).size < WORKER_MIN_BYTES) return zip.digest(path, algorithms);
      let mismatch = false;
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        try {
          yield* zip.read(path);
        } catch (error) {
          if (!isEvidenceBundleError(error) || error.code !== 'ERR_ZIP_CRC_MISMATCH') throw error;
          mismatch = true;
        }
      };
      const { digests, size } = await digestThroughWorker(chunks(), algorithms, options);
      if (mismatch) return zip.digest(path, algorithms);
      return { digests, size, problems: [] };
    },
  };
}
