import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import { nodeCryptoNames } from './digest-backend.js';
import { COPY_WORKER_SOURCE } from './copy-worker-source.js';
import { ioError, NOT_REGULAR_FILE } from './io-error.js';

/** A source file as it was stated before packing: the copy refuses it if it is another file or changed. */
export interface StatedFile {
  path: string;
  ino: number;
  dev: number;
  size: number;
  mtimeMs: number;
}

/** A small file read whole on a copy worker ({@link CopyPool.read}): its bytes, digests and CRC-32. */
export interface ReadFile {
  size: number;
  digests: DigestSet;
  bytes: Uint8Array;
  crc32: number;
}

/** Copies and flushes files on worker threads with synchronous system calls; see {@link createCopyPool}. Internal. */
export interface CopyPool {
  /**
   * Copies `source` to the new file `dest` (created with `mode`; refused if anything is there), hashing the bytes
   * with `algorithms` (node:crypto's: see `nodeCryptoHashes`) as they are written.
   * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`,
   *   `ERR_TARGET_EXISTS`, `ERR_IO`; TypeError for an algorithm node:crypto lacks
   */
  copy(source: StatedFile, dest: string, mode: number, algorithms: readonly DigestAlgorithm[]): Promise<{ size: number; digests: DigestSet }>;
  /**
   * Hashes `source` where it lies, with the same checks as `copy` (a regular file, the one stated, unchanged
   * when read to its end), writing nothing: for packing in place.
   * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`, `ERR_IO`;
   *   TypeError for an algorithm node:crypto lacks
   */
  hash(source: StatedFile, algorithms: readonly DigestAlgorithm[]): Promise<{ size: number; digests: DigestSet }>;
  /**
   * Reads the whole of `source` (a small file: its bytes are held in memory) with the same checks as `copy`, hashed
   * with `algorithms` and its CRC-32 computed, all on a worker: for a sink that writes the bytes itself (a ZIP).
   * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_SOURCE_CHANGED`, `ERR_IO`;
   *   TypeError for an algorithm node:crypto lacks
   */
  read(source: StatedFile, algorithms: readonly DigestAlgorithm[]): Promise<ReadFile>;
  /** Flushes the data of the written file `dest` to the disk (fdatasync). @throws EvidenceBundleError `ERR_IO` */
  sync(dest: string): Promise<void>;
  /** Stops every worker: work still queued or in flight is rejected. */
  close(): Promise<void>;
}

interface Job {
  message: Record<string, unknown>;
  label: string;
  resolve: (result: never) => void;
  reject: (error: unknown) => void;
}

type WorkerResult = Record<string, unknown> & { error?: { code: unknown; message: string; syscall?: string } };

// Jobs per message: the per-message cost is paid once for many small files.
const MAX_BATCH = 64;
// Batches per worker at once, so a worker finds its next batch waiting.
const PIPELINE_DEPTH = 2;
const CHUNK_BYTES = 4 * 1024 * 1024;
const SOURCE_CHANGED = 'EVB_SOURCE_CHANGED';

/**
 * Starts `size` worker threads (the CPUs by default) that copy and flush files with synchronous system calls: for
 * 100,000 small files, the open, read, write and close of each one on libuv's pool, with a promise per call, cost
 * the main thread more than the copy itself. Workers start on demand and stop on `close()`. Internal.
 */
export function createCopyPool(size = Math.max(2, availableParallelism())): CopyPool {
  const workers: Array<{ worker: Worker; inFlight: Job[][] }> = [];
  const queue: Job[] = [];
  let closed = false;
  let scheduled = false;

  const startWorker = (): { worker: Worker; inFlight: Job[][] } => {
    const worker = new Worker(COPY_WORKER_SOURCE, {
      eval: true,
      workerData: { chunkBytes: CHUNK_BYTES, notRegularFile: NOT_REGULAR_FILE, sourceChanged: SOURCE_CHANGED },
    });
    const entry = { worker, inFlight: [] as Job[][] };
    worker.on('message', ({ results }: { results: WorkerResult[] }) => {
      const jobs = entry.inFlight.shift() ?? [];
      jobs.forEach((job, i) => settle(job, results[i]));
      dispatch();
    });
    const failed = (cause: unknown): void => {
      const index = workers.indexOf(entry);
      if (index < 0) return;
      workers.splice(index, 1);
      for (const job of entry.inFlight.splice(0).flat()) job.reject(new EvidenceBundleError('ERR_IO', `${job.label}: copy worker failed`, { cause }));
      dispatch();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`copy worker exited with code ${code}`)));
    workers.push(entry);
    return entry;
  };

  const settle = (job: Job, result: WorkerResult | undefined): void => {
    if (result === undefined) job.reject(new EvidenceBundleError('ERR_IO', `${job.label}: no answer from the copy worker`));
    else if (result.error === undefined) job.resolve(result as never);
    else if (result.error.code === SOURCE_CHANGED) job.reject(new EvidenceBundleError('ERR_SOURCE_CHANGED', result.error.message));
    else {
      const { code, message, syscall } = result.error;
      job.reject(ioError(Object.assign(new Error(message), { code, syscall }), job.label));
    }
  };

  const dispatch = (): void => {
    while (queue.length > 0 && !closed) {
      const free =
        workers.find((w) => w.inFlight.length === 0) ??
        (workers.length < size ? startWorker() : workers.find((w) => w.inFlight.length < PIPELINE_DEPTH));
      if (free === undefined) break;
      const take = Math.min(MAX_BATCH, Math.max(1, Math.ceil(queue.length / (size * PIPELINE_DEPTH))));
      const jobs = queue.splice(0, take);
      free.inFlight.push(jobs);
      free.worker.postMessage({ jobs: jobs.map((j) => j.message) });
    }
  };

  const submit = <T>(message: Record<string, unknown>, label: string): Promise<T> => {
    if (closed) return Promise.reject(new TypeError('the copy pool is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ message, label, resolve: resolve as (r: never) => void, reject });
      if (scheduled) return;
      scheduled = true;
      // Requests made in one burst go out together.
      queueMicrotask(() => {
        scheduled = false;
        dispatch();
      });
    });
  };

  // A copy job, with no `dest` a hash-only one, or a 'read' one: the worker hashes with the node:crypto names and
  // answers the digests as hex in their order (and for a read the bytes, moved here, and their CRC-32).
  const job = async (kind: 'copy' | 'read', source: StatedFile, algorithms: readonly DigestAlgorithm[], fields: object) => {
    const hashes = nodeCryptoNames(algorithms);
    const { ino, dev, size: bytes, mtimeMs } = source;
    const message = { kind, source: source.path, ...fields, algorithms: hashes, before: { ino, dev, size: bytes, mtimeMs } };
    const { digests, ...rest } = await submit<{ size: number; digests: string[]; bytes?: Uint8Array; crc?: number }>(message, source.path);
    return { ...rest, digests: Object.fromEntries(algorithms.map((a, i) => [a, digests[i]!])) as DigestSet };
  };

  return {
    copy: async (source, dest, mode, algorithms) => {
      const { size, digests } = await job('copy', source, algorithms, { dest, mode });
      return { size, digests };
    },
    hash: async (source, algorithms) => {
      const { size, digests } = await job('copy', source, algorithms, {});
      return { size, digests };
    },
    read: async (source, algorithms) => {
      const { size, digests, bytes, crc } = await job('read', source, algorithms, {});
      return { size, digests, bytes: bytes!, crc32: crc! };
    },
    sync: (dest) => submit<void>({ kind: 'sync', dest }, dest).then(() => undefined),
    async close() {
      closed = true;
      const stopping = workers.splice(0);
      const pending = [...queue.splice(0), ...stopping.flatMap((w) => w.inFlight.splice(0).flat())];
      for (const job of pending) job.reject(new EvidenceBundleError('ERR_IO', `${job.label}: the copy was stopped`));
      await Promise.all(stopping.map((w) => w.worker.terminate()));
    },
  };
}
