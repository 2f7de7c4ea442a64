/** The bytes of one file given to a {@link BagSink}: whole, or as chunks that arrive over time. */
export type BagData = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Where {@link packBundleTo} writes a new bag, file by file: a directory, a ZIP stream, a map in memory.
 * Nothing a sink receives is the bundle until `commit` resolves; after `abort` nothing of it remains.
 */
export interface BagSink {
  /**
   * Files the sink takes at the same time. `1` makes the pipeline add every file in ascending UTF-8 byte order of
   * its path, as a streaming ZIP needs; a directory takes many at once, in any order.
   */
  readonly concurrency: number;
  /**
   * Stores one file. `data` yields exactly `size` bytes: the pipeline checks the count as the bytes pass and
   * rejects from the iteration (`ERR_SOURCE_CHANGED`) otherwise, before the last chunk is consumed.
   */
  add(path: string, data: BagData, size: number): Promise<void>;
  /** Makes the bag whole and visible (for a directory: rename into place). */
  commit(): Promise<void>;
  /** Drops everything added; called once, after a failure, with no `add` in flight. */
  abort(): Promise<void>;
}

/** A {@link BagSink} holding the bag in memory, with `files` its contents once committed. */
export interface MemorySink extends BagSink {
  /** Bag path to bytes, in the order added; emptied by `abort`. */
  readonly files: Map<string, Uint8Array>;
}

/**
 * A sink into memory: for a browser, a test, or a CBOR bundle (`encodeCborBundle(sink.files)`). It takes one file
 * at a time, so `files` is in ascending byte order of the paths, the ZIP order.
 * @example
 * const sink = memorySink();
 * await packBundleTo(sink, options);
 * const cbor = encodeCborBundle(sink.files);
 */
export function memorySink(): MemorySink {
  const files = new Map<string, Uint8Array>();
  return {
    concurrency: 1,
    files,
    async add(path, data, size) {
      if (data instanceof Uint8Array) {
        files.set(path, data.slice());
        return;
      }
      const out = new Uint8Array(size);
      let at = 0;
      // The pipeline guarantees the count; a chunk past `size` would throw a RangeError from set() here.
      for await (const chunk of data) {
        out.set(chunk, at);
        at += chunk.length;
      }
      files.set(path, out);
    },
    commit: () => Promise.resolve(),
    abort: () => {
      files.clear();
      return Promise.resolve();
    },
  };
}
