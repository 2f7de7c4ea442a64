import { EvidenceBundleError } from '../errors.js';
import { compareBytes, utf8Encode } from '../internal/bytes.js';
import { assertWritablePath, pathCollisionKey } from '../path/bundle-path.js';
import { crc32 } from './crc32.js';
import {
  CENTRAL_HEADER_BYTES,
  DOS_DATE,
  DOS_TIME,
  EXTERNAL_ATTRIBUTES,
  fields,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  METHOD_STORED,
  SIG_CENTRAL,
  SIG_DESCRIPTOR,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  U16_SENTINEL,
  U32_SENTINEL,
  VERSION_MADE_BY,
  VERSION_NEEDED,
  VERSION_NEEDED_ZIP64,
  ZIP64_EOCD_BYTES,
  ZIP64_EXTRA_BYTES,
  ZIP64_EXTRA_ID,
  ZIP_LIMITS,
} from './zip-profile.js';

/** Where a {@link createZipWriter} writes: a Web `WritableStreamDefaultWriter` fits, a Node file handle wrapped. */
export interface ZipSink {
  /** Writes the next bytes of the archive, in order. */
  write(bytes: Uint8Array): Promise<void>;
  /** Called once, after the last byte. */
  close(): Promise<void>;
}

/** Options of {@link createZipWriter}. */
export interface ZipWriterOptions {
  /**
   * `'auto'` (default): ZIP64 records exactly where a size, offset or count needs them. `'always'`: every entry and
   * the end records in ZIP64 form, which the profile allows too (for tests of ZIP64 readers on small archives).
   */
  zip64?: 'auto' | 'always';
  /** Most entries written; {@link ZIP_LIMITS} by default, the reader's own limit. */
  maxEntries?: number;
  /** Largest central directory written; {@link ZIP_LIMITS} by default, the reader's own limit. */
  maxCentralDirectoryBytes?: number;
  /**
   * The CRC-32 of ZIP (APPNOTE 4.4.7), continued over more bytes as `crc32(bytes, previous)` does; the core's
   * own `crc32` by default. A runtime with a native one passes it (Node's `zlib.crc32`, several times faster).
   */
  crc32?: (bytes: Uint8Array, previous: number) => number;
}

/** Options of {@link ZipWriter.add}. */
export interface ZipAddOptions {
  /** Exact number of bytes `data` yields: bag files have known sizes. */
  size: number;
}

/** Writes one archive of the evidence-bundle ZIP profile, entry by entry, never holding a whole entry. */
export interface ZipWriter {
  /**
   * Writes one file entry, STORED, its CRC-32 computed as the bytes pass.
   * @throws EvidenceBundleError `ERR_PATH_UNSAFE` (path rules, Windows portability), `ERR_PATH_COLLISION` (a path
   *   added before, after case folding, or a file that is also a directory of another path), `ERR_ZIP_ORDER` (not
   *   after the previous path in UTF-8 byte order), `ERR_LIMIT_EXCEEDED` (one entry more, or a central directory
   *   larger, than the limits), `ERR_SOURCE_CHANGED` (`data` yields another size than `size`); after that last
   *   one, or an error of the sink or of `data`, the writer is unusable (`ERR_IO`).
   */
  add(path: string, data: Uint8Array | AsyncIterable<Uint8Array>, options: ZipAddOptions): Promise<void>;
  /**
   * Writes one file entry, STORED, whose bytes `fill` writes, in order, through the function it is given, and
   * whose CRC-32 `fill` returns: for a caller that computes the CRC-32 of the bytes it writes on its own terms
   * (Node, from the same shared chunks a worker hashes). The writer counts the bytes; the CRC-32 is the caller's
   * word. Same checks and errors as `add`; a write past `size` is refused before it reaches the sink.
   */
  addFilled(path: string, size: number, fill: (write: (bytes: Uint8Array) => Promise<void>) => Promise<number>): Promise<void>;
  /** Writes the central directory and the end records, then closes the sink. */
  finish(): Promise<void>;
}

interface Written {
  name: Uint8Array;
  offset: number;
  size: number;
  crc: number;
  zip64: boolean;
}

/**
 * A writer of the evidence-bundle ZIP profile (docs/format.md, "ZIP form"): entries STORED in strictly
 * ascending UTF-8 byte order of their paths, UTF-8 names (flag bit 11), fixed MS-DOS time 1980-01-01 00:00, mode
 * 0444, CRC-32 and sizes in a data descriptor (flag bit 3, as the CRC is only known once the bytes have passed),
 * no extra field but ZIP64's, ZIP64 records exactly when needed. The same files give the same bytes.
 * @throws EvidenceBundleError from `add` and `finish`, as {@link ZipWriter} states; errors of the sink pass through.
 * @example
 * const zip = createZipWriter(sink);
 * await zip.add('bagit.txt', bytes, { size: bytes.length });
 * await zip.finish();
 */
export function createZipWriter(sink: ZipSink, options: ZipWriterOptions = {}): ZipWriter {
  const always = options.zip64 === 'always';
  const maxEntries = options.maxEntries ?? ZIP_LIMITS.entries;
  const maxCd = options.maxCentralDirectoryBytes ?? ZIP_LIMITS.centralDirectoryBytes;
  const crcOf = options.crc32 ?? crc32;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) throw new RangeError('maxEntries must be a non-negative safe integer');
  if (!Number.isSafeInteger(maxCd) || maxCd < 0) throw new RangeError('maxCentralDirectoryBytes must be a non-negative safe integer');
  let cdBytes = 0;
  const written: Written[] = [];
  const files = new Map<string, string>();
  const directories = new Map<string, string>();
  let offset = 0;
  let previous: Uint8Array | undefined;
  let broken: unknown;
  let finished = false;

  const emit = async (bytes: Uint8Array): Promise<void> => {
    await sink.write(bytes);
    offset += bytes.length;
  };
  // Stores at most `size` bytes of an entry; the count says whether the data had exactly that many.
  const storeWhole = async (bytes: Uint8Array, size: number): Promise<{ crc: number; count: number }> => {
    if (bytes.length <= size) await emit(bytes);
    return { crc: crcOf(bytes, 0), count: bytes.length };
  };
  // The next chunk is asked for before this one's CRC-32 and write: a file source reads it (on another thread,
  // in Node) while this thread computes the CRC, so the CRC overlaps the read instead of adding to the read and
  // the caller's hash. Chunks are never reused by their sources (BagData): holding one while the next is read is
  // safe.
  const storeChunks = async (chunks: AsyncIterable<Uint8Array>, size: number): Promise<{ crc: number; count: number }> => {
    const iterator = chunks[Symbol.asyncIterator]();
    let crc = 0;
    let count = 0;
    let exhausted = false;
    let next = iterator.next();
    try {
      for (;;) {
        const step = await next;
        if (step.done === true) {
          exhausted = true;
          break;
        }
        const chunk = step.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError('entry data must yield Uint8Array chunks');
        count += chunk.length;
        if (count > size) break;
        next = iterator.next();
        // Observed by the next turn, or dropped by the return below; never an unhandled rejection meanwhile.
        next.catch(() => undefined);
        crc = crcOf(chunk, crc);
        await emit(chunk);
      }
    } finally {
      // As `for await` does on a break or a throw: the source closes (after the read in flight settles).
      if (!exhausted) await iterator.return?.().catch(() => undefined);
    }
    return { crc, count };
  };
  const usable = (): void => {
    if (finished) throw new TypeError('the ZIP writer is finished');
    if (broken !== undefined) throw new EvidenceBundleError('ERR_IO', 'the ZIP writer failed before', { cause: broken });
  };

  // One entry: its local header, its bytes as `store` writes them (returning their CRC-32 and count), its data
  // descriptor, and its central-directory record kept for `finish`.
  const entry = async (path: string, size: number, store: () => Promise<{ crc: number; count: number }>): Promise<void> => {
    usable();
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative safe integer');
    assertWritablePath(path);
    const name = utf8Encode(path);
    if (previous !== undefined && compareBytes(previous, name) >= 0) {
      const code = compareBytes(previous, name) === 0 ? 'ERR_PATH_COLLISION' : 'ERR_ZIP_ORDER';
      throw new EvidenceBundleError(code, `${JSON.stringify(path)} does not come after the previous entry in UTF-8 byte order`);
    }
    const entryOffset = offset;
    const zip64 = always || size >= U32_SENTINEL || entryOffset >= U32_SENTINEL;
    const record = CENTRAL_HEADER_BYTES + name.length + (zip64 ? ZIP64_EXTRA_BYTES : 0);
    if (written.length >= maxEntries || cdBytes + record > maxCd) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${JSON.stringify(path)} would take the archive past ${maxEntries} entries or a central directory of ${maxCd} bytes`);
    }
    checkCollision(path, files, directories);
    previous = name;
    cdBytes += record;
    try {
      await emit(
        fields(
          [SIG_LOCAL, 4], [zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 2], [FLAG_DESCRIPTOR | FLAG_UTF8, 2],
          [METHOD_STORED, 2], [DOS_TIME, 2], [DOS_DATE, 2], [0, 4], [0, 4], [0, 4], [name.length, 2], [0, 2], name,
        ),
      );
      const { crc, count } = await store();
      if (count !== size) {
        throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `${JSON.stringify(path)} gave ${count > size ? 'more' : count} bytes, not the ${size} announced`);
      }
      const width = zip64 ? 8 : 4;
      await emit(fields([SIG_DESCRIPTOR, 4], [crc, 4], [size, width], [size, width]));
      written.push({ name, offset: entryOffset, size, crc, zip64 });
    } catch (error) {
      broken = error;
      throw error;
    }
  };

  return {
    add: (path, data, { size }) => entry(path, size, () => (data instanceof Uint8Array ? storeWhole(data, size) : storeChunks(data, size))),

    addFilled: (path, size, fill) =>
      entry(path, size, async () => {
        let count = 0;
        const crc = await fill(async (bytes) => {
          count += bytes.length;
          if (count > size) throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `${JSON.stringify(path)} gave more bytes than the ${size} announced`);
          await emit(bytes);
        });
        return { crc: crc >>> 0, count };
      }),

    async finish() {
      usable();
      finished = true;
      const start = offset;
      for (const e of written) {
        const extra = e.zip64 ? fields([ZIP64_EXTRA_ID, 2], [ZIP64_EXTRA_BYTES - 4, 2], [e.size, 8], [e.size, 8], [e.offset, 8]) : new Uint8Array(0);
        const small = (value: number): number => (e.zip64 ? U32_SENTINEL : value);
        await emit(
          fields(
            [SIG_CENTRAL, 4], [VERSION_MADE_BY, 2], [e.zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 2],
            [FLAG_DESCRIPTOR | FLAG_UTF8, 2], [METHOD_STORED, 2], [DOS_TIME, 2], [DOS_DATE, 2], [e.crc, 4],
            [small(e.size), 4], [small(e.size), 4], [e.name.length, 2], [extra.length, 2], [0, 2], [0, 2], [0, 2],
            [EXTERNAL_ATTRIBUTES, 4], [small(e.offset), 4], e.name, extra,
          ),
        );
      }
      const size = offset - start;
      const zip64 = always || written.length >= U16_SENTINEL || size >= U32_SENTINEL || start >= U32_SENTINEL;
      if (zip64) {
        const record = offset;
        await emit(
          fields(
            [SIG_ZIP64_EOCD, 4], [ZIP64_EOCD_BYTES - 12, 8], [VERSION_MADE_BY, 2], [VERSION_NEEDED_ZIP64, 2], [0, 4],
            [0, 4], [written.length, 8], [written.length, 8], [size, 8], [start, 8],
          ),
        );
        await emit(fields([SIG_ZIP64_LOCATOR, 4], [0, 4], [record, 8], [1, 4]));
      }
      const count = zip64 ? U16_SENTINEL : written.length;
      await emit(
        fields(
          [SIG_EOCD, 4], [0, 2], [0, 2], [count, 2], [count, 2], [zip64 ? U32_SENTINEL : size, 4],
          [zip64 ? U32_SENTINEL : start, 4], [0, 2],
        ),
      );
      await sink.close();
    },
  };
}

// Incremental form of findTreeCollisions (src/bundle/tree-collisions.ts): one lookup per path and per new
// directory, where calling that helper on every add would be quadratic in the number of entries.
function checkCollision(path: string, files: Map<string, string>, directories: Map<string, string>): void {
  const clash = (other: string): never => {
    throw new EvidenceBundleError('ERR_PATH_COLLISION', `paths ${JSON.stringify(other)} and ${JSON.stringify(path)} collide in a ZIP`);
  };
  const key = pathCollisionKey(path);
  const other = files.get(key) ?? directories.get(key);
  if (other !== undefined) clash(other);
  const added: Array<[string, string]> = [];
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const directory = path.slice(0, end);
    const directoryKey = pathCollisionKey(directory);
    const file = files.get(directoryKey);
    if (file !== undefined) clash(file);
    const known = directories.get(directoryKey);
    if (known === directory) break;
    if (known !== undefined) clash(known);
    added.push([directoryKey, directory]);
  }
  for (const [k, d] of added) directories.set(k, d);
  files.set(key, path);
}
