import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestSet } from '../digest/algorithms.js';
import { normaliseAlgorithms } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { nodeBackend } from './digest-backend.js';
import { ioError, NOT_REGULAR_FILE } from './io-error.js';
import { digestFile } from './digest-file.js';
import { DIGEST_WORKER_SOURCE } from './digest-worker-source.js';
import { createFileLane } from './digest-pool-files.js';
import { createRangeLane } from './digest-pool-ranges.js';
import type { BagFilesDigests } from '../bagit/bag-source.js';

/** Hashes many files on worker threads; see {@link createDigestPool}. */
export interface DigestPool {
  /**
   * Hashes one file (SHA-256 always, plus `algorithms`) on a worker thread.
   * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`,
   *   `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; a `TypeError` once the pool is closed.
   */
  digestFile(path: string, algorithms?: Iterable<string>): Promise<{ digests: DigestSet; size: number }>;
  /**
   * Hashes `range.length` bytes at `range.offset` of the open file `fd` on a worker thread (workers share the
   * process's descriptors: the file checked when it was opened is the one read, never a file renamed over it
   * since), with exactly `algorithms` (none is allowed) and, when `crc32` is asked, their CRC-32 of ZIP in the
   * same pass. For the entries of a ZIP archive; `label` names them in errors.
   * @throws EvidenceBundleError `ERR_ZIP_MALFORMED` (the file ends before the range does), `ERR_IO` (a closed
   *   descriptor, a failing disk), `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; a `TypeError` once the pool is closed.
   */
  digestRange(
    fd: number,
    range: { offset: number; length: number },
    options: { algorithms?: Iterable<string>; crc32?: boolean; label: string },
  ): Promise<RangeDigest>;
  /**
   * Hashes whole files `root/name` for each of `names` on worker threads (SHA-256 always first, then the other
   * `algorithms`), for a directory of many small files: the list goes to the workers once, they share it in
   * batches and answer each batch with one message, digests packed as bytes. Each file is opened refusing a
   * final symbolic link (O_NOFOLLOW) and never waiting on a FIFO, and hashed only when `fstat` on that
   * descriptor says it is a regular file; a file that fails gets size -1 and an entry in `errors`
   * (`ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`), the others are hashed all the same.
   * The caller checks that `root` and the parent directories of the names are real directories.
   * @returns the sizes, the digests of file `i` at `i * stride` (each algorithm's bytes in the order returned
   *   in `algorithms`), and the failures by index.
   * @throws EvidenceBundleError `ERR_DIGEST_UNSUPPORTED_ALGORITHM`, `ERR_IO` (a worker died); a `TypeError` for a
   *   name that is empty or holds a NUL, or once the pool is closed.
   */
  digestFiles(root: string, names: readonly string[], algorithms?: Iterable<string>): Promise<FileDigests>;
  /**
   * Hashes many ranges of the open file `fd` on worker threads (SHA-256 always first, then the other
   * `algorithms`) with the CRC-32 of ZIP of each in the same pass, for the entries of a ZIP archive: range `i`
   * is `ranges[2 * i]` bytes in, `ranges[2 * i + 1]` bytes long. The list goes to the workers once, shared; they
   * claim it in batches, read ranges that lie close together (small entries, a local header apart) with one
   * positioned read, and answer each batch with one message, digests packed as bytes. A range the file ends
   * before gets size -1 and `ERR_ZIP_MALFORMED` in `errors`, one whose read fails `ERR_IO`, the others are hashed
   * all the same; `label(i)` names range `i` in its error.
   * @returns sizes, digests at `i * stride` (as {@link DigestPool.digestFiles}), CRC-32s, failures by index.
   * @throws EvidenceBundleError `ERR_DIGEST_UNSUPPORTED_ALGORITHM`, `ERR_IO` (a worker died); a `TypeError` for a
   *   bad descriptor or range, or once the pool is closed.
   */
  digestRanges(fd: number, ranges: Float64Array, options: { algorithms?: Iterable<string>; label: (index: number) => string }): Promise<RangeDigests>;
  /** Waits for the work already asked for, then stops every worker. */
  close(): Promise<void>;
}

/** What {@link DigestPool.digestRanges} computed: {@link FileDigests} and the CRC-32 of each range. */
export interface RangeDigests extends FileDigests {
  /** The CRC-32 of ZIP of each range's bytes, in the order of the ranges; 0 for a range in `errors`. */
  crc32s: Uint32Array;
}

/** What {@link DigestPool.digestRange} computed: a hex digest per algorithm asked, and the CRC-32 when asked. */
export interface RangeDigest {
  digests: Partial<Record<DigestAlgorithm, string>>;
  size: number;
  crc32?: number;
}

/** What {@link DigestPool.digestFiles} computed: {@link BagFilesDigests} and the algorithms in their order. */
export interface FileDigests extends BagFilesDigests {
  /** SHA-256 first, then the other algorithms asked, in the order of each file's digest bytes. */
  algorithms: DigestAlgorithm[];
  /** Bytes of digests per file. */
  stride: number;
}

/** Options of {@link createDigestPool}. */
export interface DigestPoolOptions {
  /** Number of worker threads; `os.availableParallelism()` by default. */
  size?: number;
}

// One queue and one message format for files of a directory and ranges of an open file: a batch mixes both.
interface Job {
  /** A file's path, or the label of a range. */
  path: string;
  algorithms: DigestAlgorithm[];
  range?: { fd: number; offset: number; length: number; crc32: boolean };
  resolve: (result: { digests: DigestSet; size: number; crc32?: number }) => void;
  reject: (error: unknown) => void;
}

type WorkerResult = { digests: DigestSet; size: number; crc32?: number } | { error: { code: unknown; message: string } };

interface PoolWorker {
  worker: Worker;
  /** Batches sent and not answered yet, oldest first (the worker answers in order). */
  inFlight: Job[][];
}

// Files up to this size are read in one call; larger ones in chunks of CHUNK_BYTES into one reused buffer.
// A chunk that fits in a core's L2 cache is hashed while still there: with 4 MiB chunks, copying the bytes out of
// the page cache took 28% of a 2 GiB verify and the whole process 1.7x `openssl dgst -sha256`; with 256 KiB, 1.25x
// (64 KiB to 1 MiB measured; 256 KiB and below alike).
const SMALL_FILE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
// Jobs per message: enough to make messaging cheap for tiny files, few enough that workers share the queue.
const MAX_BATCH = 64;
// Batches per worker at once: the next one is already waiting when a worker finishes, so it never idles
// while this thread handles the answer.
const PIPELINE_DEPTH = 2;
// Error code a worker gives a range that reaches past the end of its file.
const SHORT_READ = 'EVB_SHORT_READ';

/**
 * Starts a pool of worker threads that hash files with node:crypto, for bundles of many small files where one
 * thread reading and hashing in turn leaves the disk and the other cores idle. Workers start on demand, do not
 * keep the process alive while idle, and stop on `close()`. Requests are sent to workers in batches.
 * @throws RangeError when `size` is not a positive integer.
 * @example
 * const pool = createDigestPool();
 * try {
 *   const results = await Promise.all(paths.map((p) => pool.digestFile(p, ['sha512'])));
 * } finally {
 *   await pool.close();
 * }
 */
export function createDigestPool(options: DigestPoolOptions = {}): DigestPool {
  const size = options.size ?? availableParallelism();
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('pool size must be a positive integer');
  const blake3Url = resolveNobleBlake3();
  const workers: PoolWorker[] = [];
  const queue: Job[] = [];
  let closed = false;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;
  let dispatchScheduled = false;

  const idle = (): boolean => queue.length === 0 && workers.every((w) => w.inFlight.length === 0);

  function spawnWorker(): Worker {
    return new Worker(DIGEST_WORKER_SOURCE, {
      eval: true,
      workerData: {
        nodeNames: Object.fromEntries(
          Object.entries(DIGEST_ALGORITHMS).flatMap(([name, info]) => (info.nodeName ? [[name, info.nodeName]] : [])),
        ),
        blake3Url,
        smallFileBytes: SMALL_FILE_BYTES,
        chunkBytes: CHUNK_BYTES,
        notRegularFile: NOT_REGULAR_FILE,
        shortRead: SHORT_READ,
      },
    });
  }
  // Whole files of a directory, in batches, on workers of their own (digestFiles).
  const files = createFileLane(spawnWorker, size);
  // Ranges of one open file (the entries of a ZIP), in batches, on workers of their own (digestRanges).
  const ranges = createRangeLane(spawnWorker, size, SHORT_READ);

  function startWorker(): PoolWorker {
    const worker = spawnWorker();
    const entry: PoolWorker = { worker, inFlight: [] };
    worker.on('message', ({ results }: { results: WorkerResult[] }) => {
      const jobs = entry.inFlight.shift() ?? [];
      jobs.forEach((job, i) => settle(job, results[i]));
      dispatch();
    });
    // A worker that dies (out of memory, a bug) fails its own batch only; the next dispatch starts another.
    const fail = (cause: unknown): void => {
      const index = workers.indexOf(entry);
      if (index < 0) return;
      workers.splice(index, 1);
      const jobs = entry.inFlight.splice(0).flat();
      for (const job of jobs) job.reject(new EvidenceBundleError('ERR_IO', `${job.path}: digest worker failed`, { cause }));
      dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`digest worker exited with code ${code}`)));
    workers.push(entry);
    return entry;
  }

  function settle(job: Job, result: WorkerResult | undefined): void {
    if (result === undefined) job.reject(new EvidenceBundleError('ERR_IO', `${job.path}: no answer from the digest worker`));
    else if ('error' in result && result.error.code === SHORT_READ) job.reject(new EvidenceBundleError('ERR_ZIP_MALFORMED', `${job.path}: ${result.error.message}`));
    else if ('error' in result) job.reject(ioError(Object.assign(new Error(result.error.message), { code: result.error.code }), job.path));
    else job.resolve(result);
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const free =
        workers.find((w) => w.inFlight.length === 0) ??
        (workers.length < size ? startWorker() : workers.find((w) => w.inFlight.length < PIPELINE_DEPTH));
      if (free === undefined) break;
      // Share what is queued among the workers rather than giving it all to the first one.
      const take = Math.min(MAX_BATCH, Math.max(1, Math.ceil(queue.length / (size * PIPELINE_DEPTH))));
      const jobs = queue.splice(0, take);
      free.inFlight.push(jobs);
      free.worker.ref();
      free.worker.postMessage({ jobs: jobs.map((j) => ({ path: j.path, algorithms: j.algorithms, range: j.range })) });
    }
    for (const w of workers) if (w.inFlight.length === 0) w.worker.unref();
    if (drained !== undefined && idle()) drained();
  }

  // Requests made in one synchronous burst (a Promise.all over a file list) are batched together.
  function scheduleDispatch(): void {
    if (dispatchScheduled) return;
    dispatchScheduled = true;
    queueMicrotask(() => {
      dispatchScheduled = false;
      dispatch();
    });
  }

  return {
    async digestFile(path, algorithms) {
      if (closed) throw new TypeError('the digest pool is closed');
      if (typeof path !== 'string') throw new TypeError('path must be a string');
      const algs = normaliseAlgorithms(algorithms);
      // Without a loadable @noble/hashes (an unusual bundling), BLAKE3 is hashed on this thread instead.
      if (algs.includes('blake3') && blake3Url === undefined) return digestFile(path, { algorithms: algs, backend: nodeBackend });
      return new Promise((resolve, reject) => {
        queue.push({ path, algorithms: algs, resolve, reject });
        scheduleDispatch();
      });
    },
    async digestRange(fd, { offset, length }, { algorithms = [], crc32 = false, label }) {
      if (closed) throw new TypeError('the digest pool is closed');
      for (const [name, value] of [['fd', fd], ['offset', offset], ['length', length]] as const) {
        if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative safe integer`);
      }
      const algs = [...new Set(algorithms)];
      if (algs.length > 0) normaliseAlgorithms(algs);
      const valid = algs as DigestAlgorithm[];
      // Without a loadable @noble/hashes, BLAKE3 of a range is refused rather than read on this thread.
      if (valid.includes('blake3') && blake3Url === undefined) {
        throw new EvidenceBundleError('ERR_DIGEST_UNSUPPORTED_ALGORITHM', 'BLAKE3 is not available to the digest workers');
      }
      return new Promise<RangeDigest>((resolve, reject) => {
        queue.push({ path: label, algorithms: valid, range: { fd, offset, length, crc32 }, resolve, reject });
        scheduleDispatch();
      });
    },
    async digestFiles(root, names, algorithms = []) {
      if (closed) throw new TypeError('the digest pool is closed');
      if (typeof root !== 'string' || root === '') throw new TypeError('root must be a non-empty string');
      // A NUL separates the names on their way to the workers, and no file name holds one.
      for (const name of names) if (typeof name !== 'string' || name === '' || name.includes('\0')) throw new TypeError('a name is empty or holds a NUL');
      const algs = normaliseAlgorithms(algorithms);
      if (algs.includes('blake3') && blake3Url === undefined) {
        throw new EvidenceBundleError('ERR_DIGEST_UNSUPPORTED_ALGORITHM', 'BLAKE3 is not available to the digest workers');
      }
      const result = await files.digestFiles(root, names, algs);
      return { ...result, algorithms: algs, stride: algs.reduce((sum, a) => sum + DIGEST_ALGORITHMS[a].outputBytes, 0) };
    },
    async digestRanges(fd, list, { algorithms = [], label }) {
      if (closed) throw new TypeError('the digest pool is closed');
      if (!Number.isSafeInteger(fd) || fd < 0) throw new TypeError('fd must be a non-negative safe integer');
      if (!(list instanceof Float64Array) || list.length % 2 !== 0) throw new TypeError('ranges must be a Float64Array of offset and length pairs');
      for (const value of list) if (!Number.isSafeInteger(value) || value < 0) throw new TypeError('an offset or length is not a non-negative safe integer');
      if (typeof label !== 'function') throw new TypeError('label must be a function');
      const algs = normaliseAlgorithms(algorithms);
      if (algs.includes('blake3') && blake3Url === undefined) {
        throw new EvidenceBundleError('ERR_DIGEST_UNSUPPORTED_ALGORITHM', 'BLAKE3 is not available to the digest workers');
      }
      const result = await ranges.digestRanges(fd, list, algs, label);
      return { ...result, algorithms: algs, stride: algs.reduce((sum, a) => sum + DIGEST_ALGORITHMS[a].outputBytes, 0) };
    },
    close() {
      closed = true;
      closing ??= (async () => {
        if (!idle()) await new Promise<void>((resolve) => (drained = resolve));
        const stopping = workers.splice(0);
        await Promise.all([...stopping.map((w) => w.worker.terminate()), files.close(), ranges.close()]);
      })();
      return closing;
    },
  };
}

/** A file URL of @noble/hashes' BLAKE3 module for the workers to import, or undefined when it cannot be found. */
function resolveNobleBlake3(): string | undefined {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@noble/hashes/blake3.js')).href;
  } catch {
    return undefined;
  }
}
