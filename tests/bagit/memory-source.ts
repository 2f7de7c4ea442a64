import type { BagEntry, BagSource } from '../../src/bagit/bag-source.js';
import { utf8Encode } from '../../src/internal/bytes.js';

/** A file's bytes, or an entry of another kind (as a hostile or unusual source could report it). */
export type MemoryEntry = Uint8Array | string | { kind: 'symlink' | 'other' | 'directory' };

/** Options of {@link memorySource}. */
export interface MemorySourceOptions {
  /** Bytes per chunk of `read` (default 7, so every file spans several chunks). */
  chunkSize?: number;
  /** Parent directories are listed unless this is false. */
  listDirectories?: boolean;
  /** Every path `read` was asked for, in order. */
  reads?: string[];
  /** Entries listed as they are (duplicates, hostile paths), after the others. */
  extra?: Iterable<BagEntry>;
}

/**
 * A {@link BagSource} over files in memory, listed with their parent directories. Strings are UTF-8. Used to
 * give the validator any bag, hostile ones included, without touching the file system.
 */
export function memorySource(files: Record<string, MemoryEntry>, options: MemorySourceOptions = {}): BagSource {
  const chunkSize = options.chunkSize ?? 7;
  const bytes = new Map<string, Uint8Array>();
  const entries = new Map<string, BagEntry>();
  for (const [path, value] of Object.entries(files)) {
    if (options.listDirectories !== false) {
      const segments = path.split('/');
      for (let i = 1; i < segments.length; i++) {
        const dir = segments.slice(0, i).join('/');
        if (!entries.has(dir)) entries.set(dir, { path: dir, kind: 'directory', size: 0 });
      }
    }
    if (typeof value === 'string' || value instanceof Uint8Array) {
      const data = typeof value === 'string' ? utf8Encode(value) : value;
      bytes.set(path, data);
      entries.set(path, { path, kind: 'file', size: data.length });
    } else {
      entries.set(path, { path, kind: value.kind, size: 0 });
    }
  }
  return {
    async *list() {
      yield* entries.values();
      yield* options.extra ?? [];
    },
    async *read(path) {
      options.reads?.push(path);
      const data = bytes.get(path);
      if (data === undefined) throw new Error(`${path}: no such file`);
      for (let i = 0; i < data.length; i += chunkSize) yield data.slice(i, i + chunkSize);
    },
  };
}
