import type { Worker } from 'node:worker_threads';
import type { BagFilesDigests } from '../bagit/bag-source.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import { ioError } from './io-error.js';

// Files a worker claims at a time: one answer per batch keeps messaging cheap for tiny files; the cap keeps the
// tail short, where one worker finishes a batch while the others wait.
const MAX_BATCH = 128;
// Batches per worker a call is cut into at least, so that a slow worker leaves its share to the others.
const BATCHES_PER_WORKER = 8;

/** One call of `digestFiles` in flight. */
interface Call {
  names: readonly string[];
  stride: number;
  covered: number;
  result: BagFilesDigests & { errors: Array<{ index: number; error: unknown }> };
  resolve: (result: BagFilesDigests) => void;
  reject: (error: unknown) => void;
}

interface FilesAnswer {
  id: number;
  failed?: string;
  start: number;
  count: number;
  sizes: Float64Array;
  digests: Uint8Array;
  errors: Array<[number, unknown, string]>;
}

/** The whole-file lane of the digest pool: see {@link DigestPool.digestFiles}. Internal. */
export interface FileLane {
  digestFiles(root: string, names: readonly string[], algorithms: readonly DigestAlgorithm[]): Promise<BagFilesDigests>;
  /** Waits for the calls in flight, then stops the lane's workers. */
  close(): Promise<void>;
}

/**
 * Hashes whole files of a directory in batches on worker threads of its own (started on demand, up to `size`):
 * each call sends its list of names once to each worker with a shared counter, the workers claim batches of it
 * until it is exhausted and answer each batch with one message of packed digests. No promise, closure or
 * message per file on this thread. Kept apart from the pool's per-job queue (ranges of ZIP entries, single
 * files) so that the two evolve separately. Internal.
 */
export function createFileLane(spawn: () => Worker, size: number): FileLane {
  const workers: Worker[] = [];
  const calls = new Map<number, Call>();
  let nextId = 1;
  let drained: (() => void) | undefined;

  const refresh = (): void => {
    for (const w of workers) {
      if (calls.size > 0) w.ref();
      else w.unref();
    }
    if (calls.size === 0) drained?.();
  };

  function start(): Worker {
    const worker = spawn();
    worker.on('message', (message: { files?: FilesAnswer }) => {
      if (message.files !== undefined) answer(message.files);
    });
    // A worker that dies takes the batch it had claimed with it: every call in flight fails rather than waits
    // forever for that batch. The next call starts another worker.
    const fail = (cause: unknown): void => {
      const index = workers.indexOf(worker);
      if (index < 0) return;
      workers.splice(index, 1);
      for (const [id, call] of calls) {
        calls.delete(id);
        call.reject(new EvidenceBundleError('ERR_IO', 'a digest worker failed', { cause }));
      }
      refresh();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`digest worker exited with code ${code}`)));
    workers.push(worker);
    return worker;
  }

  function answer(files: FilesAnswer): void {
    const call = calls.get(files.id);
    // A call already failed (another worker died) can still receive batches: they are dropped.
    if (call === undefined) return;
    if (files.failed !== undefined) {
      calls.delete(files.id);
      call.reject(new EvidenceBundleError('ERR_IO', `digest worker: ${files.failed}`));
      refresh();
      return;
    }
    call.result.sizes.set(files.sizes, files.start);
    call.result.digests.set(files.digests, files.start * call.stride);
    for (const [i, code, message] of files.errors) {
      const index = files.start + i;
      call.result.errors.push({ index, error: ioError(Object.assign(new Error(message), { code }), call.names[index]!) });
    }
    call.covered += files.count;
    if (call.covered === call.names.length) {
      calls.delete(files.id);
      call.result.errors.sort((a, b) => a.index - b.index);
      call.resolve(call.result);
      refresh();
    }
  }

  return {
    digestFiles(root, names, algorithms) {
      const stride = algorithms.reduce((sum, a) => sum + DIGEST_ALGORITHMS[a].outputBytes, 0);
      const result = { sizes: new Float64Array(names.length), digests: new Uint8Array(names.length * stride), errors: [] };
      if (names.length === 0) return Promise.resolve(result);
      const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(names.length / (size * BATCHES_PER_WORKER))));
      const helpers = Math.min(size, Math.ceil(names.length / batch));
      while (workers.length < helpers) start();
      const id = nextId++;
      const message = {
        files: {
          id,
          root: root.endsWith('/') ? root : `${root}/`,
          names: names.join('\0'),
          algorithms,
          lengths: algorithms.map((a) => DIGEST_ALGORITHMS[a].outputBytes),
          stride,
          counter: new SharedArrayBuffer(4),
          batch,
        },
      };
      return new Promise<BagFilesDigests>((resolve, reject) => {
        calls.set(id, { names, stride, covered: 0, result, resolve, reject });
        refresh();
        for (const w of workers.slice(0, helpers)) w.postMessage(message);
      });
    },
    async close() {
      if (calls.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    },
  };
}
