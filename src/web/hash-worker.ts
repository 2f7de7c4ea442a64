// The verifier page's SHA-256 on a second thread: a Web Worker hashes the chunks the page reads while the page's
// own thread reads the next ones (and checks a ZIP entry's CRC-32), so that reading and hashing a large item run
// on two cores instead of one after the other. This module is both sides of the conversation: `serveSha256` is
// what runs in the worker (hash-worker-entry.ts starts it), `connectSha256Worker` what the page holds. Both speak
// over anything shaped like a MessagePort, so the tests run them in Node over a MessageChannel.
import type { IncrementalHash } from '../entries/digest.js';

/** The part of a Worker, a worker's global scope or a MessagePort that the two sides use. */
export interface HashPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** Page -> worker. */
type ToWorker = { t: 'chunk'; id: number; bytes: ArrayBuffer } | { t: 'end'; id: number } | { t: 'drop'; id: number };
/** Worker -> page. */
type FromWorker =
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  | { t: 'hashed'; id: number; bytes: number }
  | { t: 'digest'; id: number; digest: ArrayBuffer }
  | { t: 'error'; id: number; message: string };

/**
 * The worker's side: announces itself ready, then keeps one SHA-256 per job id (any number at once, as the bag
 * validator digests several files at a time), answers each chunk with the bytes it hashed (the page's progress and
 * its limit on bytes in flight) and `end` with the digest. A message it does not understand fails that job only.
 * @param make a maker of SHA-256 hashes (the page's WebAssembly module), or the reason there is none.
 */
export function serveSha256(port: HashPort, make: (() => IncrementalHash) | Error): void {
  if (make instanceof Error) {
    port.postMessage({ t: 'failed', message: make.message } satisfies FromWorker);
    return;
  }
  const jobs = new Map<number, IncrementalHash>();
  port.onmessage = (event: MessageEvent) => {
    const message = event.data as ToWorker;
    const id = message?.id;
    if (!Number.isSafeInteger(id)) return;
    try {
      if (message.t === 'chunk') {
        if (!(message.bytes instanceof ArrayBuffer)) throw new TypeError('a chunk is an ArrayBuffer');
        let hash = jobs.get(id);
        if (hash === undefined) jobs.set(id, (hash = make()));
        hash.update(new Uint8Array(message.bytes));
        port.postMessage({ t: 'hashed', id, bytes: message.bytes.byteLength } satisfies FromWorker);
      } else if (message.t === 'end') {
        const digest = (jobs.get(id) ?? make()).digest();
        jobs.delete(id);
        const out = new Uint8Array(digest).buffer;
        port.postMessage({ t: 'digest', id, digest: out } satisfies FromWorker, [out]);
      } else if (message.t === 'drop') {
        jobs.delete(id);
      } else {
        throw new TypeError('unknown message');
      }
    } catch (error) {
      jobs.delete(id);
      port.postMessage({ t: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
    }
  };
  port.postMessage({ t: 'ready' } satisfies FromWorker);
}

/** One SHA-256 being computed in the worker. */
export interface WorkerSha256Job {
  /**
   * Hands the worker the next bytes. `chunk`'s buffer is transferred, not copied, when the chunk is the whole of
   * it (the caller must not use it afterwards); else the bytes are copied first. Resolves at once, or, while more
   * than the limit of bytes is in flight, when the worker has caught up: memory stays flat whatever the file's size.
   */
  update(chunk: Uint8Array): Promise<void>;
  /** Resolves to the digest of every byte given; call once. */
  digest(): Promise<Uint8Array>;
  /** Ends the job without a digest (the read failed). */
  drop(): void;
}

/** The page's handle on the worker. */
export interface WorkerSha256 {
  /** Starts a job; `onHashed(bytes)` is told of each chunk the worker has hashed. */
  start(onHashed?: (bytes: number) => void): WorkerSha256Job;
}

/** Bytes of one job in flight to the worker before `update` waits: a few chunks, so the worker never starves. */
export const IN_FLIGHT_BYTES = 8 * 1024 * 1024;

/**
 * The page's side: waits for the worker's `ready` and returns a maker of jobs over it. A worker that fails
 * afterwards fails every job in progress (their promises reject), and no later job starts.
 * @param ready how long to wait for `ready`, in milliseconds (a worker that never answers must not stop the page).
 * @throws (rejects) Error when the worker says it cannot hash (no WebAssembly SIMD), or does not answer in time.
 * @example const sha256 = await connectSha256Worker(new Worker(url)); const job = sha256.start();
 */
export function connectSha256Worker(port: HashPort & { onerror?: ((event: ErrorEvent) => void) | null }, ready = 10_000): Promise<WorkerSha256> {
  interface Pending {
    inFlight: number;
    onHashed: ((bytes: number) => void) | undefined;
    wake: (() => void) | undefined;
    resolve: ((digest: Uint8Array) => void) | undefined;
    fail: (error: Error) => void;
    failed: Error | undefined;
  }
  const pending = new Map<number, Pending>();
  let broken: Error | undefined;
  let nextId = 1;
  const breakAll = (error: Error): void => {
    broken ??= error;
    for (const job of pending.values()) job.fail(broken);
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      breakAll(new Error('the hashing worker did not start'));
      reject(broken);
    }, ready);
    port.onerror = () => {
      clearTimeout(timer);
      breakAll(new Error('the hashing worker failed'));
      reject(broken);
    };
    port.onmessage = (event: MessageEvent) => {
      const message = event.data as FromWorker;
      if (message.t === 'ready') {
        clearTimeout(timer);
        resolve({ start });
        return;
      }
      if (message.t === 'failed') {
        clearTimeout(timer);
        breakAll(new Error(`the hashing worker cannot hash: ${message.message}`));
        reject(broken);
        return;
      }
      const job = pending.get(message.id);
      if (job === undefined) return;
      if (message.t === 'hashed') {
        job.inFlight -= message.bytes;
        job.onHashed?.(message.bytes);
        if (job.inFlight <= IN_FLIGHT_BYTES && job.wake !== undefined) {
          const wake = job.wake;
          job.wake = undefined;
          wake();
        }
      } else if (message.t === 'digest') {
        pending.delete(message.id);
        job.resolve?.(new Uint8Array(message.digest));
      } else if (message.t === 'error') {
        pending.delete(message.id);
        job.fail(new Error(`the hashing worker failed: ${message.message}`));
      }
    };
  });

  function start(onHashed?: (bytes: number) => void): WorkerSha256Job {
    const id = nextId++;
    let rejectWaiter: ((error: Error) => void) | undefined;
    const job: Pending = {
      inFlight: 0,
      onHashed,
      wake: undefined,
      resolve: undefined,
      failed: undefined,
      fail(error) {
        job.failed = error;
        rejectWaiter?.(error);
      },
    };
    if (broken !== undefined) job.failed = broken;
    else pending.set(id, job);
    let finished = false;
    return {
      update(chunk) {
        if (finished) return Promise.reject(new TypeError('digest already taken'));
        if (job.failed !== undefined) return Promise.reject(job.failed);
        const whole = chunk.buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
        const bytes = whole ? (chunk.buffer as ArrayBuffer) : chunk.slice().buffer;
        job.inFlight += bytes.byteLength;
        port.postMessage({ t: 'chunk', id, bytes } satisfies ToWorker, [bytes]);
        if (job.inFlight <= IN_FLIGHT_BYTES) return Promise.resolve();
        return new Promise((resolve, reject) => {
          job.wake = resolve;
          rejectWaiter = reject;
        });
      },
      digest() {
        if (finished) return Promise.reject(new TypeError('digest already taken'));
        finished = true;
        if (job.failed !== undefined) return Promise.reject(job.failed);
        return new Promise((resolve, reject) => {
          job.resolve = resolve;
          rejectWaiter = reject;
          port.postMessage({ t: 'end', id } satisfies ToWorker);
        });
      },
      drop() {
        finished = true;
        if (pending.delete(id)) port.postMessage({ t: 'drop', id } satisfies ToWorker);
      },
    };
  }
}
