// The hashing side of digestRangeShared (shared-range-digest.ts), as plain JavaScript run with
// `new Worker(source, { eval: true })`, like the digest pool's worker: it then runs the same from the TypeScript
// sources (tests) and from the bundled dist/ files. Only node: modules are used.

/** Slots of the control block (an Int32Array over a SharedArrayBuffer) both threads use; lengths follow. */
export const CONTROL = {
  /** Chunks the reader has filled and published (a count, never decreasing). */
  produced: 0,
  /** Chunks the hashing worker has hashed and released (a count, never decreasing). */
  released: 1,
  /** 0 while running; 1 once the reader gives up (an abort, an error): the worker stops at its next chunk. */
  stop: 2,
  /** First of the per-slot byte counts of the chunk in that slot. */
  lengths: 3,
} as const;

/**
 * Code of the worker that hashes the chunks the reader (the main thread) publishes in a ring of shared slots.
 * `workerData`: `{ control, data, slots, chunkBytes, nodeNames }` (the two SharedArrayBuffers, the ring's shape,
 * and the node:crypto names of the algorithms, in order). It waits on `produced` with Atomics.wait (a worker may
 * block), hashes the next chunk in place, counts it in `released` and notifies; when every chunk of `total` bytes
 * is hashed it posts `{ digests }` (hex, in the order of `nodeNames`), or `{ stopped: true }` when told to stop.
 */
export const SHARED_RANGE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { createHash } = process.getBuiltinModule('node:crypto');
const { control, data, slots, chunkBytes, nodeNames, total } = workerData;
const PRODUCED = ${CONTROL.produced}, RELEASED = ${CONTROL.released}, STOP = ${CONTROL.stop}, LENGTHS = ${CONTROL.lengths};
const ctl = new Int32Array(control);
const bytes = new Uint8Array(data);
const hashes = nodeNames.map((name) => createHash(name));
let chunk = 0;
let done = 0;
for (;;) {
  if (Atomics.load(ctl, STOP) !== 0) {
    parentPort.postMessage({ stopped: true });
    break;
  }
  if (done === total) {
    parentPort.postMessage({ digests: hashes.map((h) => h.digest('hex')) });
    break;
  }
  // Woken by the reader's notify on PRODUCED, for a new chunk or for a stop.
  if (Atomics.load(ctl, PRODUCED) <= chunk) {
    Atomics.wait(ctl, PRODUCED, chunk);
    continue;
  }
  const slot = chunk % slots;
  const length = Atomics.load(ctl, LENGTHS + slot);
  const view = bytes.subarray(slot * chunkBytes, slot * chunkBytes + length);
  for (const h of hashes) h.update(view);
  done += length;
  chunk += 1;
  Atomics.store(ctl, RELEASED, chunk);
  Atomics.notify(ctl, RELEASED);
}
`;
