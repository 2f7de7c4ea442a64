import { read } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type { DigestAlgorithm } from '../digest/algorithms.js';
import { EvidenceBundleError } from '../errors.js';
import type { RangeDigest } from './digest-pool.js';
import { nodeCryptoNames } from './digest-backend.js';
import { ioError } from './io-error.js';
import { CONTROL, SHARED_RANGE_WORKER_SOURCE } from './shared-range-worker-source.js';

/** Options of {@link digestRangeShared}. */
export interface SharedRangeOptions {
  /** Digest algorithms with a node:crypto implementation (see `nodeCryptoHashes`); none is allowed. */
  algorithms: readonly DigestAlgorithm[];
  /** Names the range in errors (the archive and the entry). */
  label: string;
  /** Bytes per slot of the ring; 4 MiB by default. */
  chunkBytes?: number;
  /** Slots of the ring; 4 by default. */
  slots?: number;
  /** Stops the reading: every slot is released, the worker stopped, and the call rejects with the reason. */
  signal?: AbortSignal;
  /**
   * A third consumer of each chunk, after its CRC-32 (a writer: packing a large file into a ZIP). It is called
   * once per chunk, in order, each call once the previous call's promise has resolved (so a writer has one write
   * in flight while the next chunk is read); the slot is refilled only once the promise settles, so it must
   * settle when the bytes are no longer needed (written, not only queued). A rejection ends the call with that
   * error, and no later chunk is consumed; nor is any once the call stops otherwise (an abort, a failed read).
   */
  consume?: (chunk: Uint8Array) => Promise<void>;
  /** Computes the CRC-32 of ZIP of the bytes (the default); `false` for a caller that has no use for it. */
  crc32?: boolean;
  /**
   * The error for a file that ends `missing` bytes before the range does; `ERR_ZIP_MALFORMED` (an archive shorter
   * than its entry) by default.
   */
  endsEarly?: (missing: number) => Error;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const SLOTS = 4;
// A bound on each wait for the worker, so that no wait outlives a worker that has gone (its exit is also raced).
const WAIT_MS = 1000;
// Atomics.waitAsync (ES2024, in Node since 16): not in the TypeScript library this project targets.
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/**
 * Digests and CRC-32 of `range.length` bytes at `range.offset` of the open file `fd`, with one reader and two
 * consumers over shared memory: this thread reads each chunk once into a slot of a ring of SharedArrayBuffer
 * slots (positioned reads, on libuv's threads), computes node:zlib's CRC-32 of it, and publishes it; a worker
 * thread hashes the slot in place and releases it; a slot is refilled only once released. SHA-256 and CRC-32
 * thus run on two cores at once, from one read of the bytes, where one thread doing both (the digest pool's
 * `digestRange`) spends the CRC-32's time on top of the hash's. For large ZIP entries, read to be verified or
 * (with `consume`) written into a new archive. Internal.
 * @throws EvidenceBundleError `ERR_ZIP_MALFORMED` (the file ends before the range does; or `endsEarly`'s error),
 *   `ERR_IO` (a read fails, the worker fails or exits); what `consume` rejects with; the signal's reason on an
 *   abort. Every case stops the worker and waits for every `consume` under way; none hangs.
 * @throws TypeError for an algorithm node:crypto lacks; RangeError for a bad range, chunk size or slot count
 */
export async function digestRangeShared(fd: number, range: { offset: number; length: number }, options: SharedRangeOptions): Promise<RangeDigest> {
  const { offset, length } = range;
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const slots = options.slots ?? SLOTS;
  for (const [name, value] of [['fd', fd], ['offset', offset], ['length', length]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
  }
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 2 ** 30) throw new RangeError('chunkBytes must be an integer from 1 to 2^30');
  if (!Number.isSafeInteger(slots) || slots < 1 || slots > 64) throw new RangeError('slots must be an integer from 1 to 64');
  const algorithms = [...new Set(options.algorithms)];
  const nodeNames = nodeCryptoNames(algorithms);
  const { label, signal, consume } = options;
  const withCrc = options.crc32 !== false;
  const endsEarly = options.endsEarly ?? ((missing: number) => new EvidenceBundleError('ERR_ZIP_MALFORMED', `${label}: the archive ends ${missing} bytes before the entry does`));
  signal?.throwIfAborted();

  const ring = takeRing(chunkBytes, slots);
  const { control, data } = ring;
  const ctl = new Int32Array(control);
  const bytes = new Uint8Array(data);
  // Whether a read into the ring is still under way (one the call stopped waiting for): the ring is then dropped.
  let readPending = false;
  const worker = new Worker(SHARED_RANGE_WORKER_SOURCE, {
    eval: true,
    workerData: { control, data, slots, chunkBytes, total: length, nodeNames },
  });
  // The worker's one answer, or its failure: an error, or an exit before answering (killed, out of memory).
  const answer = new Promise<{ digests?: string[]; stopped?: true }>((resolve, reject) => {
    const failed = (cause: unknown): void => reject(new EvidenceBundleError('ERR_IO', `${label}: digest worker failed`, { cause }));
    worker.once('message', resolve);
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`digest worker exited with code ${code}`)));
  });
  answer.catch(() => undefined);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  // Every wait on the worker is raced with its failure and with the abort: nothing here waits on a dead thread.
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, answer.then(() => p), aborted]);

  let crc = 0;
  // What `consume` is doing with the chunk in each slot: the slot is refilled only once it has settled.
  const consuming: Array<Promise<void> | undefined> = new Array(slots);
  let lastConsumed = Promise.resolve();
  let stopped = false;
  try {
    let chunk = 0;
    for (let done = 0; done < length; chunk++) {
      const slot = chunk % slots;
      // The slot is free once the worker has released the chunk that filled it `slots` chunks ago.
      for (;;) {
        const released = Atomics.load(ctl, CONTROL.released);
        if (chunk - released < slots) break;
        const wait = waitAsync(ctl, CONTROL.released, released, WAIT_MS);
        if (wait.async) await guard(wait.value);
        signal?.throwIfAborted();
      }
      if (consuming[slot] !== undefined) await guard(consuming[slot]!);
      const want = Math.min(chunkBytes, length - done);
      const view = bytes.subarray(slot * chunkBytes, slot * chunkBytes + want);
      readPending = true;
      const read = readFully(fd, view, offset + done, label, length - done, endsEarly).finally(() => void (readPending = false));
      await guard(read);
      if (withCrc) crc = crc32(view, crc);
      Atomics.store(ctl, CONTROL.lengths + slot, want);
      Atomics.store(ctl, CONTROL.produced, chunk + 1);
      Atomics.notify(ctl, CONTROL.produced);
      if (consume !== undefined) {
        // A chunk still waiting for its turn when the call stops (an abort, a failure) is not consumed.
        const consumed = (lastConsumed = lastConsumed.then(() => (stopped ? undefined : consume(view))));
        // Awaited before the slot is refilled or at the end; never an unhandled rejection meanwhile.
        consumed.catch(() => undefined);
        consuming[slot] = consumed;
      }
      done += want;
    }
    // The last call settles after every earlier one, and rejects if any did.
    await guard(lastConsumed);
    const result = await guard(answer);
    if (result.digests === undefined) throw new EvidenceBundleError('ERR_IO', `${label}: the digest worker stopped`);
    const digests: Partial<Record<DigestAlgorithm, string>> = {};
    algorithms.forEach((a, i) => (digests[a] = result.digests![i]));
    return withCrc ? { digests, size: length, crc32: crc } : { digests, size: length };
  } finally {
    stopped = true;
    signal?.removeEventListener('abort', onAbort!);
    // Tells a waiting worker to stop (all slots are then free: nothing reads them any more), then ends it.
    Atomics.store(ctl, CONTROL.stop, 1);
    Atomics.notify(ctl, CONTROL.produced);
    await worker.terminate().catch(() => undefined);
    // A write of a slot may still be under way after a failure: the caller closes its file only after it.
    await lastConsumed.catch(() => undefined);
    // The worker is gone and no consumer holds a slot: the next call may have the ring, unless a read still fills it.
    if (!readPending) spare ??= ring;
  }
}

interface Ring {
  chunkBytes: number;
  slots: number;
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

/**
 * One ring kept for the next call. A SharedArrayBuffer's memory is freed only when this thread's garbage collector
 * finds it unreachable, and a process that hashes large files one after another, with little else on its heap,
 * may not run it for a long time: packing twelve files of 70 MiB kept 335 MB resident (16 MiB per file), and
 * verifying a ZIP of them 304 MB. Calls one after another now share one ring; calls at the same time each have
 * their own, and at most one is kept.
 */
let spare: Ring | undefined;

function takeRing(chunkBytes: number, slots: number): Ring {
  const kept = spare;
  if (kept !== undefined && kept.chunkBytes === chunkBytes && kept.slots === slots) {
    spare = undefined;
    // Counters from zero; the data needs no clearing: every byte read is written first.
    new Int32Array(kept.control).fill(0);
    return kept;
  }
  return { chunkBytes, slots, control: new SharedArrayBuffer(4 * (CONTROL.lengths + slots)), data: new SharedArrayBuffer(chunkBytes * slots) };
}

/** Fills `view` from `position` of `fd`; a file that ends first is `endsEarly`'s error. */
async function readFully(fd: number, view: Uint8Array, position: number, label: string, remaining: number, endsEarly: (missing: number) => Error): Promise<void> {
  let got = 0;
  while (got < view.length) {
    const n = await new Promise<number>((resolve, reject) => {
      read(fd, view, got, view.length - got, position + got, (error, bytesRead) => (error ? reject(ioError(error, label)) : resolve(bytesRead)));
    });
    if (n === 0) throw endsEarly(remaining - got);
    got += n;
  }
}
