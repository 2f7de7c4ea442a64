import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import { joinChunks } from '../internal/bytes.js';

/**
 * The bytes of one file given to a {@link BagSink}: whole, or as chunks that arrive over time. A chunk once yielded
 * is not changed by its source: a sink may still be writing it while the next one is produced.
 */
export type BagData = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Where {@link packBundleTo} writes a new bag, file by file: a directory, a ZIP stream, a map in memory.
 * Nothing a sink receives is the bundle until `commit` resolves; after `abort` nothing of it remains.
 */
export interface BagSink {
  /**
   * Whether files must arrive in ascending UTF-8 byte order of their paths, as a streaming ZIP needs (then one at
   * a time, and every item's size is known before its bytes); a directory takes them in any order.
   */
  readonly ordered: boolean;
  /** Files the sink takes at the same time (an ordered sink takes one). */
  readonly concurrency: number;
  /**
   * Stores one file. `data` yields exactly `size` bytes: the pipeline checks the count as the bytes pass and
   * rejects from the iteration (`ERR_SOURCE_CHANGED`) otherwise, before the last chunk is consumed. `size` is
   * undefined only for an unordered sink, given an item whose size was not declared.
   */
  add(path: string, data: BagData, size: number | undefined): Promise<void>;
  /**
   * Optional: stores one payload file whose bytes the sink reads itself from `source` (an item's `copySource`, a
   * reference only this kind of sink understands, such as a file it can copy on another thread), hashing them
   * with `algorithms` as they are written. Given `size`, the sink refuses a source giving another count
   * (`ERR_SOURCE_CHANGED`) before writing a byte past it. The pipeline calls it first for an item with a
   * `copySource`, `copyConcurrency` at a time (an ordered sink: one at a time, in order); `undefined` means the
   * sink does not copy that file by itself (its size, its algorithms), has written nothing of it, and takes it
   * through `add`. `options.signal` stops a copy under way (it rejects with the signal's reason);
   * `options.onProgress` may be told the bytes copied so far, as they pass.
   */
  copy?(
    path: string,
    source: unknown,
    size: number | undefined,
    algorithms: readonly DigestAlgorithm[],
    options?: { signal?: AbortSignal; onProgress?: (bytes: number) => void },
  ): Promise<{ size: number; digests: DigestSet } | undefined>;
  /**
   * Optional, for an ordered sink with `copy`: told once, before the first payload file, every file the pipeline will
   * offer to `copy`, in the order it will offer them, so that the sink may start reading them ahead (another
   * thread reading the next small files while this one writes), within bounds it sets. A plan is a hint: `copy`
   * still names each file, and the sink drops whatever it read ahead on `abort`.
   */
  planCopies?(copies: ReadonlyArray<{ path: string; source: unknown; size: number | undefined }>, algorithms: readonly DigestAlgorithm[]): void;
  /** Copies {@link BagSink.copy} takes at the same time. */
  readonly copyConcurrency?: number;
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
    ordered: true,
    concurrency: 1,
    files,
    async add(path, data) {
      if (data instanceof Uint8Array) {
        files.set(path, data.slice());
        return;
      }
      const chunks: Uint8Array[] = [];
      for await (const chunk of data) chunks.push(chunk.slice());
      files.set(path, joinChunks(chunks));
    },
    commit: () => Promise.resolve(),
    abort: () => {
      files.clear();
      return Promise.resolve();
    },
  };
}
