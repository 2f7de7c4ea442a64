import type { Worker } from 'node:worker_threads';
import type { BagFilesDigests } from '../bagit/bag-source.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import { ioError } from './io-error.js';

// Ranges a worker claims at a time: one answer per batch keeps messaging cheap for tiny entries; the cap keeps
// the tail short, where one worker finishes a batch while the others wait. As the file lane's.
const MAX_BATCH = 128;
// Batches per worker a call is cut into at least, so that a slow worker leaves its share to the others.
const BATCHES_PER_WORKER = 8;
// One positioned read serves the ranges of a batch that lie within this many bytes, each at most this many
// bytes after the end of the one before (a local header of a ZIP entry with its name, a data descriptor): the
// gaps read and thrown away are bounded by the span.
const SPAN_BYTES = 1024 * 1024;
const MAX_GAP = 4096;

/** What {@link RangeLane.digestRanges} computed: sizes, digests packed as the file lane's, and CRC-32s. */
export interface RangesDigests extends BagFilesDigests {
  /** The CRC-32 of ZIP of each range's bytes, in the order of the ranges; 0 for a range in `errors`. */
  crc32s: Uint32Array;
}

/** One call of `digestRanges` in flight. */
interface Call {
  count: number;
  /** The workers' shared claim counter: set to `count` when the call fails, so that they stop claiming. */
  claim: Int32Array;
  stride: number;
  covered: number;
  label: (index: number) => string;
  result: RangesDigests & { errors: Array<{ index: number; error: unknown }> };
  resolve: (result: RangesDigests) => void;
  reject: (error: unknown) => void;
}

interface RangesAnswer {
  id: number;
  failed?: string;
  start: number;
  count: number;
  sizes: Float64Array;
  crcs: Uint32Array;
  digests: Uint8Array;
  errors: Array<[number, unknown, string]>;
}

/** The range lane of the digest pool: see {@link DigestPool.digestRanges}. Internal. */
export interface RangeLane {
  /**
   * Hashes and CRC-32s each range `i` (`offset` at `ranges[2 * i]`, `length` at `ranges[2 * i + 1]`) of the open
   * file `fd`; `label(i)` names range `i` in its error.
   */
  digestRanges(fd: number, ranges: Float64Array, algorithms: readonly DigestAlgorithm[], label: (index: number) => string): Promise<RangesDigests>;
  /** Waits for the calls in flight, then stops the lane's workers. */
  close(): Promise<void>;
}

/**
 * Hashes ranges of one open file (the entries of a ZIP archive) in batches on worker threads of its own
 * (started on demand, up to `size`), the way {@link createFileLane} hashes the files of a directory: each call
 * shares its list of ranges once with the workers, in a `SharedArrayBuffer`, with a shared counter; the workers
 * claim batches of it until it is exhausted, read ranges that lie close together with one positioned read,
 * compute the digests and the CRC-32 of each from that read, and answer each batch with one message of packed
 * digests and CRC-32s. No promise, closure or message per range on this thread. `shortRead` is the error code a
 * worker gives a range that the file ends before: `ERR_ZIP_MALFORMED`. Internal.
 */
export function createRangeLane(spawn: () => Worker, size: number, shortRead: string): RangeLane {
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
    worker.on('message', (message: { ranges?: RangesAnswer }) => {
      if (message.ranges !== undefined) answer(message.ranges);
    });
    // A worker that dies takes the batch it had claimed with it: every call in flight fails rather than waits
    // forever for that batch. The next call starts another worker.
    const fail = (cause: unknown): void => {
      const index = workers.indexOf(worker);
      if (index < 0) return;
      workers.splice(index, 1);
      for (const [id, call] of calls) {
        calls.delete(id);
        Atomics.store(call.claim, 0, call.count);
        call.reject(new EvidenceBundleError('ERR_IO', 'a digest worker failed', { cause }));
      }
      refresh();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`digest worker exited with code ${code}`)));
    workers.push(worker);
    return worker;
  }

  function answer(ranges: RangesAnswer): void {
    const call = calls.get(ranges.id);
    // A call already failed (another worker died) can still receive the batches claimed before: they are dropped.
    if (call === undefined) return;
    if (ranges.failed !== undefined) {
      calls.delete(ranges.id);
      Atomics.store(call.claim, 0, call.count);
      call.reject(new EvidenceBundleError('ERR_IO', `digest worker: ${ranges.failed}`));
      refresh();
      return;
    }
    call.result.sizes.set(ranges.sizes, ranges.start);
    call.result.crc32s.set(ranges.crcs, ranges.start);
    call.result.digests.set(ranges.digests, ranges.start * call.stride);
    for (const [i, code, message] of ranges.errors) {
      const index = ranges.start + i;
      const label = call.label(index);
      const error =
        code === shortRead
          ? new EvidenceBundleError('ERR_ZIP_MALFORMED', `${label}: ${message}`)
          : ioError(Object.assign(new Error(message), { code }), label);
      call.result.errors.push({ index, error });
    }
    call.covered += ranges.count;
    if (call.covered === call.count) {
      calls.delete(ranges.id);
      call.result.errors.sort((a, b) => a.index - b.index);
      call.resolve(call.result);
      refresh();
    }
  }

  return {
    digestRanges(fd, ranges, algorithms, label) {
      const count = ranges.length / 2;
      const stride = algorithms.reduce((sum, a) => sum + DIGEST_ALGORITHMS[a].outputBytes, 0);
      const result = { sizes: new Float64Array(count), crc32s: new Uint32Array(count), digests: new Uint8Array(count * stride), errors: [] };
      if (count === 0) return Promise.resolve(result);
      const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(count / (size * BATCHES_PER_WORKER))));
      const helpers = Math.min(size, Math.ceil(count / batch));
      while (workers.length < helpers) start();
      const id = nextId++;
      // Shared, not copied to each worker.
      const shared = new Float64Array(new SharedArrayBuffer(ranges.byteLength));
      shared.set(ranges);
      const counter = new SharedArrayBuffer(4);
      const message = {
        ranges: {
          id,
          fd,
          ranges: shared.buffer,
          algorithms,
          lengths: algorithms.map((a) => DIGEST_ALGORITHMS[a].outputBytes),
          stride,
          counter,
          batch,
          spanBytes: SPAN_BYTES,
          maxGap: MAX_GAP,
        },
      };
      return new Promise<RangesDigests>((resolve, reject) => {
        calls.set(id, { count, claim: new Int32Array(counter), stride, covered: 0, label, result, resolve, reject });
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
