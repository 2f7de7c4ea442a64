/** Reads started ahead of their turn; see {@link createReadAhead}. Internal. */
export interface ReadAhead<K, T> {
  /**
   * The read of `key`: the one started ahead when `key` is planned and started, else one started now; then the
   * next planned keys are started, within the bounds. Rejects as that read does.
   */
  take(key: K): Promise<T>;
  /** Settles once every read started and not taken has settled (after a failure: none still reads its source). */
  settled(): Promise<void>;
}

/**
 * Bounds of the reads started and not yet taken: how many, and their bytes (`sizeOf`); a read is started whatever
 * its size when none is held.
 */
export interface ReadAheadLimits<K> {
  reads: number;
  bytes: number;
  sizeOf: (key: K) => number;
}

/**
 * Starts `read` for the `planned` keys in their order, up to `limits` ahead of the one taken, for a writer that
 * takes them one after another: the next files are read while this one is written. Refilled by halves, so that a
 * reader answering in batches (worker threads) gets batches, not one request per file. A planned key taken before
 * its turn is read then and not again. A failed read is reported to whoever takes it, never as an unhandled
 * rejection. Internal.
 */
export function createReadAhead<K, T>(planned: readonly K[], read: (key: K) => Promise<T>, limits: ReadAheadLimits<K>): ReadAhead<K, T> {
  const started = new Map<K, Promise<T>>();
  const taken = new Set<K>();
  let next = 0;
  let aheadBytes = 0;
  const start = (key: K): Promise<T> => {
    const reading = read(key);
    reading.catch(() => undefined);
    return reading;
  };
  const fill = (): void => {
    while (next < planned.length && started.size < limits.reads) {
      const key = planned[next]!;
      if (taken.has(key)) {
        next++;
        continue;
      }
      if (started.size > 0 && aheadBytes + limits.sizeOf(key) > limits.bytes) return;
      started.set(key, start(key));
      aheadBytes += limits.sizeOf(key);
      next++;
    }
  };
  fill();
  return {
    take(key) {
      let reading = started.get(key);
      if (reading === undefined) {
        reading = start(key);
        taken.add(key);
      } else {
        started.delete(key);
        aheadBytes -= limits.sizeOf(key);
      }
      if (started.size <= limits.reads / 2) fill();
      return reading;
    },
    async settled() {
      await Promise.allSettled(started.values());
    },
  };
}
