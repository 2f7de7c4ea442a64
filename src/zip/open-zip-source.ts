import type { BagEntry, BagSource, BagSourceProblem } from '../bagit/bag-source.js';
import { detectBundleForm } from '../bundle/bundle-form.js';
import type { DigestAlgorithm, DigestBackend, DigestSet } from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import type { FindingCode } from '../report/codes.js';
import { crc32 } from './crc32.js';
import type { RandomAccessReader } from './random-access-reader.js';
import {
  CENTRAL_HEADER_BYTES,
  EOCD_BYTES,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  LOCAL_HEADER_BYTES,
  MAX_COMMENT_BYTES,
  METHOD_STORED,
  SIG_CENTRAL,
  SIG_DESCRIPTOR,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  u16,
  U16_SENTINEL,
  u32,
  U32_SENTINEL,
  u64,
  ZIP64_EOCD_BYTES,
  ZIP64_EXTRA_ID,
  ZIP64_LOCATOR_BYTES,
  ZIP_LIMITS,
} from './zip-profile.js';

export { ZIP_LIMITS } from './zip-profile.js';

/** Options of {@link openZipSource}. */
export interface OpenZipOptions {
  /** Most entries accepted; more is `zip.limit.entries` and nothing is listed. */
  maxEntries?: number;
  /** Largest central directory read; larger is `zip.limit.central-directory` and nothing is listed. */
  maxCentralDirectoryBytes?: number;
  /** Hashing backend of the source's `digest` (Node's `nodeBackend`, say); @noble/hashes by default. */
  backend?: DigestBackend;
  /**
   * CRC-32 of ZIP that `read` and `digest` check entries with, continued as {@link crc32} is (Node's
   * `zlib.crc32`, say, which is native); the core's own by default.
   */
  crc32?: (bytes: Uint8Array, previous: number) => number;
}

/** Where the STORED bytes of one entry lie in the archive, and the CRC-32 they must have; see {@link ZipSource}. */
export interface ZipEntryData {
  /** Offset of the first byte of the entry's data in the archive. */
  offset: number;
  /** Number of bytes; the entry holds exactly these. */
  size: number;
  /** The CRC-32 the central directory records for them. */
  crc32: number;
}

/**
 * A {@link BagSource} over a ZIP archive. Beyond reading, it tells where an entry's bytes lie, for a runtime that
 * reads and checks them elsewhere (Node's worker pool reads the archive file at those offsets).
 */
export interface ZipSource extends BagSource {
  /**
   * Where the bytes of a file entry lie, after every check of the archive passed for it (the same refusals as
   * `read`, before anything is read). Whoever reads them there must check their CRC-32 and report a mismatch as
   * `zip.entry.crc-mismatch`, as `digest` does.
   * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_ZIP_MALFORMED` (an entry with a problem)
   */
  entryData(path: string): ZipEntryData;
  digest(path: string, algorithms: readonly DigestAlgorithm[]): Promise<{ digests: DigestSet; size: number; problems: BagSourceProblem[] }>;
  problems(): Promise<readonly BagSourceProblem[]>;
}

// Flags a STORED entry may carry: bits 1 and 2 only tune deflate and mean nothing here (some writers set them).
const ALLOWED_FLAGS = FLAG_DESCRIPTOR | FLAG_UTF8 | 0x0006;
const CHUNK_BYTES = 1024 * 1024;
const CHUNKS_AHEAD = 2;
// Local headers are read through windows of this size: those of small entries lie close together, and one read
// of the window serves many (20,000 round trips to a file, or to a browser Blob, cost more than the hashing). A
// window of 1 MiB rather than 256 KiB: a quarter of the reads, an open of 100,000 small entries about 15% faster.
/** Internal (tests build archives across its edges). */
export const WINDOW_BYTES = 1024 * 1024;
const READ_AHEAD = 3;
const S_IFMT = 0o170000;
const UNIX_HOSTS = new Set([3, 19]); // Unix, OS X: the upper 16 bits of the external attributes are a mode.

interface Entry {
  name: string;
  kind: BagEntry['kind'];
  offset: number;
  size: number;
  crc: number;
  flags: number;
  method: number;
  nameBytes: Uint8Array;
  /** The descriptor's sizes are 8 bytes: the central record's ZIP64 extra carries them. */
  zip64Sizes: boolean;
  dataStart?: number;
  end?: number;
  /** Why the entry cannot be read; set by the first problem found. */
  fault?: string;
}

/** A problem that hides the whole central directory: nothing can be listed. */
class Fatal extends Error {
  constructor(readonly code: FindingCode, message: string) {
    super(message);
  }
}

/**
 * Opens a ZIP archive of a bag in place, as a {@link BagSource}: random access through the central directory,
 * never extracted. Every entry is checked up front against its local header and data descriptor, and the
 * entries against each other (overlaps, gaps, data before the first entry or after the end records); each
 * hostile property is a `zip.*` problem that `validateBag` reports (docs/format.md, "ZIP form"). Entries are
 * listed by name as they are (the validator applies the path rules and case-fold collisions); `read` streams the
 * STORED bytes and checks the CRC-32 at the end; `digest` hashes them and reports a wrong CRC-32 as the problem
 * `zip.entry.crc-mismatch`, beside the digests of the bytes as they are (so that the validator reports an altered
 * entry as altered, not as unreadable); `entryData` says where they lie.
 * @throws EvidenceBundleError `ERR_ZIP_MALFORMED` when the bytes are not a ZIP at all (no local header at the
 *   start and no end record); a truncated or lying archive opens, with problems. Errors of the reader pass through.
 *   From `read`: `ERR_SOURCE_NOT_FOUND`, `ERR_ZIP_MALFORMED` (an entry with a problem, or bytes missing),
 *   `ERR_LIMIT_EXCEEDED` (over `maxBytes`), `ERR_ZIP_CRC_MISMATCH` (after the last chunk). From `digest` and
 *   `entryData`: the same but the last two.
 * @example
 * const bag = await validateBag(await openZipSource(memoryReader(bytes)));
 */
export async function openZipSource(reader: RandomAccessReader, options: OpenZipOptions = {}): Promise<ZipSource> {
  const maxEntries = limit(options.maxEntries, ZIP_LIMITS.entries, 'maxEntries');
  const maxCd = limit(options.maxCentralDirectoryBytes, ZIP_LIMITS.centralDirectoryBytes, 'maxCentralDirectoryBytes');
  const size = reader.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('reader.size must be a non-negative safe integer');
  // Every read of the archive's records, whole or into a buffer (a reader with `readInto`): within the archive,
  // and every byte given, or the archive is truncated.
  const within = (offset: number, length: number): void => {
    if (offset + length > size) throw new Fatal('zip.archive.truncated', `a record at ${offset} reaches past the end of the ${size}-byte archive`);
  };
  const whole = (got: number, length: number, offset: number): void => {
    if (got !== length) throw new Fatal('zip.archive.truncated', `the archive gave ${got} of ${length} bytes at ${offset}`);
  };
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    within(offset, length);
    const bytes = await reader.read(offset, length);
    whole(bytes.length, length, offset);
    return bytes;
  };
  const readInto = reader.readInto?.bind(reader);
  const fill: Fill | undefined =
    readInto === undefined
      ? undefined
      : async (target, offset) => {
          within(offset, target.length);
          whole(await readInto(target, offset), target.length, offset);
          return target;
        };

  const crcOf = options.crc32 ?? crc32;
  const problems: BagSourceProblem[] = [];
  const report = (code: FindingCode, message: string, entry?: Entry): void => {
    problems.push(entry === undefined ? { code, message } : { code, path: entry.name, message: `${JSON.stringify(entry.name)}: ${message}` });
    if (entry !== undefined) entry.fault ??= message;
  };
  let entries: Entry[] = [];
  try {
    entries = await readArchive(size, read, fill, report, maxEntries, maxCd);
  } catch (error) {
    if (!(error instanceof Fatal)) throw error;
    problems.push({ code: error.code, message: error.message });
    entries = [];
  }

  const byName = new Map<string, Entry>();
  for (const entry of entries) {
    const first = byName.get(entry.name);
    if (first === undefined) {
      byName.set(entry.name, entry);
      continue;
    }
    report('zip.entry.duplicate', 'two entries have this exact name', entry);
    first.fault ??= 'two entries have this exact name';
  }

  const readable = (path: string): Entry & { dataStart: number } => {
    const entry = byName.get(path);
    if (entry === undefined || entry.kind !== 'file') throw new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${JSON.stringify(path)} is not a file of the archive`);
    if (entry.fault !== undefined || entry.dataStart === undefined) throw new EvidenceBundleError('ERR_ZIP_MALFORMED', `${JSON.stringify(path)}: ${entry.fault ?? 'unreadable'}`);
    return entry as Entry & { dataStart: number };
  };
  // An entry's bytes in chunks, the next CHUNKS_AHEAD reads asked for while one is checked and handed on: a
  // browser Blob answers each slice after a round trip, which would otherwise leave the hashing waiting.
  async function* chunks(entry: Entry & { dataStart: number }): AsyncGenerator<Uint8Array> {
    const pending: Array<Promise<Uint8Array>> = [];
    let asked = 0;
    const ask = (): void => {
      const length = Math.min(CHUNK_BYTES, entry.size - asked);
      const read = reader.read(entry.dataStart + asked, length).then((chunk) => {
        if (chunk.length !== length) throw new EvidenceBundleError('ERR_ZIP_MALFORMED', `${JSON.stringify(entry.name)}: the archive gave fewer bytes than the entry holds`);
        return chunk;
      });
      // A read left behind (the caller stopped, or an earlier one failed) must not become an unhandled rejection.
      read.catch(() => {});
      pending.push(read);
      asked += length;
    };
    while (asked < entry.size && pending.length <= CHUNKS_AHEAD) ask();
    while (pending.length > 0) {
      const chunk = await pending.shift()!;
      if (asked < entry.size) ask();
      yield chunk;
    }
  }

  return {
    async *list() {
      for (const entry of byName.values()) yield { path: entry.name, kind: entry.kind, size: entry.kind === 'file' ? entry.size : 0 };
    },
    async *read(path, readOptions = {}) {
      const entry = readable(path);
      if (readOptions.maxBytes !== undefined && entry.size > readOptions.maxBytes) {
        throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${JSON.stringify(path)} holds ${entry.size} bytes, over ${readOptions.maxBytes}`);
      }
      let crc = 0;
      for await (const chunk of chunks(entry)) {
        crc = crcOf(chunk, crc);
        yield chunk;
      }
      if (crc !== entry.crc) throw new EvidenceBundleError('ERR_ZIP_CRC_MISMATCH', `${JSON.stringify(path)}: the CRC-32 of its bytes is not the one recorded`);
    },
    async digest(path, algorithms) {
      const entry = readable(path);
      const multi = createMultiDigest(algorithms, options.backend ? { backend: options.backend } : {});
      let crc = 0;
      for await (const chunk of chunks(entry)) {
        crc = crcOf(chunk, crc);
        multi.update(chunk);
      }
      return { digests: multi.digest(), size: multi.size, problems: crcProblems(path, crc, entry.crc) };
    },
    entryData(path) {
      const entry = readable(path);
      return { offset: entry.dataStart, size: entry.size, crc32: entry.crc };
    },
    async problems() {
      return problems;
    },
  };
}

/**
 * What a pass over an entry's bytes found about its CRC-32: nothing, or `zip.entry.crc-mismatch` naming it.
 * Shared with the runtimes that read an entry elsewhere ({@link ZipSource.entryData}). Internal.
 */
export function crcProblems(path: string, computed: number, recorded: number): BagSourceProblem[] {
  if (computed === recorded) return [];
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return [{ code: 'zip.entry.crc-mismatch', path, message: `${JSON.stringify(path)}: the CRC-32 of its bytes is ${hex(computed)}, the central directory records ${hex(recorded)}` }];
}

type Read = (offset: number, length: number) => Promise<Uint8Array>;
/** Fills `target` from `offset`, all of it, and answers it. */
type Fill = (target: Uint8Array, offset: number) => Promise<Uint8Array>;
type Report = (code: FindingCode, message: string, entry?: Entry) => void;

async function readArchive(size: number, read: Read, fill: Fill | undefined, report: Report, maxEntries: number, maxCd: number): Promise<Entry[]> {
  const head = size >= 4 ? await read(0, 4) : new Uint8Array(0);
  const startsAsZip = detectBundleForm(head) === 'zip';
  const tailLength = Math.min(size, EOCD_BYTES + MAX_COMMENT_BYTES);
  const tail = await read(size - tailLength, tailLength);
  let found = -1;
  let loose = -1;
  for (let p = tail.length - EOCD_BYTES; p >= 0; p--) {
    if (u32(tail, p) !== SIG_EOCD) continue;
    const end = p + EOCD_BYTES + u16(tail, p + 20);
    if (end === tail.length) {
      found = p;
      break;
    }
    if (end < tail.length && loose < 0) loose = p;
  }
  if (found < 0 && loose < 0) {
    if (startsAsZip) throw new Fatal('zip.archive.truncated', 'the archive has no end of central directory record');
    throw new EvidenceBundleError('ERR_ZIP_MALFORMED', 'not a ZIP archive: no local header at the start and no end record');
  }
  if (found < 0) {
    found = loose;
    report('zip.archive.trailing-data', `${tail.length - (found + EOCD_BYTES + u16(tail, found + 20))} bytes follow the end record`);
  }
  const eocdAt = size - tailLength + found;
  const eocd = tail.subarray(found, found + EOCD_BYTES);
  if (u16(eocd, 20) > 0) report('zip.archive.comment', 'the archive has a comment');
  if (u16(eocd, 4) !== 0 || u16(eocd, 6) !== 0 || u16(eocd, 8) !== u16(eocd, 10)) {
    throw new Fatal('zip.archive.directory-malformed', 'the end record names more than one disk');
  }
  let count = u16(eocd, 10);
  let cdSize = u32(eocd, 12);
  let cdOffset = u32(eocd, 16);
  let cdEndsAt = eocdAt;
  const hasLocator = eocdAt >= ZIP64_LOCATOR_BYTES && u32(await read(eocdAt - ZIP64_LOCATOR_BYTES, 4), 0) === SIG_ZIP64_LOCATOR;
  if (hasLocator) {
    const locator = await read(eocdAt - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES);
    const recordAt = u64(locator, 8);
    if (recordAt !== eocdAt - ZIP64_LOCATOR_BYTES - ZIP64_EOCD_BYTES || u32(locator, 4) !== 0 || u32(locator, 16) !== 1) {
      throw new Fatal('zip.zip64.inconsistent', 'the ZIP64 locator does not point at a ZIP64 end record just before it, on one disk');
    }
    const record = await read(recordAt, ZIP64_EOCD_BYTES);
    const entriesOnDisk = u64(record, 24);
    const z = { count: u64(record, 32), cdSize: u64(record, 40), cdOffset: u64(record, 48) };
    if (u32(record, 0) !== SIG_ZIP64_EOCD || u64(record, 4) !== ZIP64_EOCD_BYTES - 12 || u32(record, 16) !== 0 || u32(record, 20) !== 0) {
      throw new Fatal('zip.zip64.inconsistent', 'the ZIP64 end record is malformed, extended or names more than one disk');
    }
    if (entriesOnDisk !== z.count || ![z.count, z.cdSize, z.cdOffset].every(Number.isSafeInteger)) {
      throw new Fatal('zip.zip64.inconsistent', 'the ZIP64 end record holds counts that disagree or exceed 2^53 - 1');
    }
    if ((count !== U16_SENTINEL && count !== z.count) || (cdSize !== U32_SENTINEL && cdSize !== z.cdSize) || (cdOffset !== U32_SENTINEL && cdOffset !== z.cdOffset)) {
      throw new Fatal('zip.zip64.inconsistent', 'the end record and the ZIP64 end record disagree');
    }
    ({ count, cdSize, cdOffset } = z);
    cdEndsAt = recordAt;
  } else if (count === U16_SENTINEL || cdSize === U32_SENTINEL || cdOffset === U32_SENTINEL) {
    throw new Fatal('zip.zip64.inconsistent', 'the end record defers to ZIP64 records that are not there');
  }
  if (count > maxEntries) throw new Fatal('zip.limit.entries', `the archive declares ${count} entries, over the limit of ${maxEntries}`);
  if (cdSize > maxCd) throw new Fatal('zip.limit.central-directory', `the central directory holds ${cdSize} bytes, over the limit of ${maxCd}`);
  if (cdOffset + cdSize > cdEndsAt) throw new Fatal('zip.archive.directory-malformed', 'the central directory reaches into the end records');
  if (cdSize < count * CENTRAL_HEADER_BYTES) throw new Fatal('zip.archive.directory-malformed', `${count} entries cannot fit in ${cdSize} bytes`);
  if (cdOffset + cdSize < cdEndsAt) report('zip.archive.gap', `${cdEndsAt - cdOffset - cdSize} bytes lie between the central directory and the end records`);

  const cd = await read(cdOffset, cdSize);
  const entries: Entry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_HEADER_BYTES > cd.length || u32(cd, p) !== SIG_CENTRAL) {
      throw new Fatal('zip.archive.directory-malformed', `central directory record ${i} is missing or has no signature`);
    }
    const nameLength = u16(cd, p + 28);
    const extraLength = u16(cd, p + 30);
    const next = p + CENTRAL_HEADER_BYTES + nameLength + extraLength + u16(cd, p + 32);
    if (next > cd.length) throw new Fatal('zip.archive.directory-malformed', `central directory record ${i} reaches past the directory`);
    // A view: the central directory's bytes stay as read, and 100,000 names would be 100,000 buffers.
    const nameBytes = cd.subarray(p + CENTRAL_HEADER_BYTES, p + CENTRAL_HEADER_BYTES + nameLength);
    const extra = cd.subarray(p + CENTRAL_HEADER_BYTES + nameLength, p + CENTRAL_HEADER_BYTES + nameLength + extraLength);
    const entry = centralEntry(cd, p, nameBytes, extra, report);
    if (entry !== undefined) entries.push(entry);
    p = next;
  }
  if (p !== cd.length) throw new Fatal('zip.archive.directory-malformed', `${cd.length - p} bytes of the central directory follow its last record`);

  const near = windows(read, cdOffset, fill);
  for (const entry of entries) {
    if (Number.isSafeInteger(entry.offset) && entry.offset < cdOffset) near.advance(entry.offset);
    for (let need = checkLocal(entry, cdOffset, near, report); need !== undefined; need = checkLocal(entry, cdOffset, near, report)) {
      await near.fetch(need.offset, need.length);
    }
  }
  checkLayout(entries, cdOffset, report);
  return entries;
}

function centralEntry(cd: Uint8Array, p: number, nameBytes: Uint8Array, extra: Uint8Array, report: Report): Entry | undefined {
  const flags = u16(cd, p + 8);
  const name = decodeName(nameBytes, flags);
  const entry: Entry = {
    name: name ?? new TextDecoder().decode(nameBytes),
    kind: 'file',
    offset: u32(cd, p + 42),
    size: u32(cd, p + 24),
    crc: u32(cd, p + 16),
    flags,
    method: u16(cd, p + 10),
    nameBytes,
    zip64Sizes: false,
  };
  if (name === undefined) {
    report('zip.entry.name-encoding', flags & FLAG_UTF8 ? 'the name is not valid UTF-8' : 'a name beyond ASCII without the UTF-8 flag', entry);
    return undefined;
  }
  const compressed = u32(cd, p + 20);
  const disk = u16(cd, p + 34);
  // ZIP64 extended information (APPNOTE 4.5.3): a value for each 32-bit field that holds the sentinel, in order.
  const wanted = [entry.size === U32_SENTINEL, compressed === U32_SENTINEL, entry.offset === U32_SENTINEL, disk === U16_SENTINEL];
  let zip64: Uint8Array | undefined;
  for (let q = 0; q < extra.length; ) {
    if (q + 4 > extra.length || q + 4 + u16(extra, q + 2) > extra.length) {
      report('zip.entry.malformed', 'its extra fields do not parse', entry);
      break;
    }
    const body = extra.subarray(q + 4, q + 4 + u16(extra, q + 2));
    if (u16(extra, q) === ZIP64_EXTRA_ID) {
      if (zip64 !== undefined) report('zip.zip64.inconsistent', 'two ZIP64 extra fields', entry);
      zip64 = body;
    }
    q += 4 + body.length;
  }
  const expected = wanted.reduce((n, w, i) => n + (w ? (i === 3 ? 4 : 8) : 0), 0);
  let compressedSize = compressed;
  let diskNumber = disk;
  if (zip64 !== undefined || expected > 0) {
    if ((zip64?.length ?? 0) !== expected) {
      report('zip.zip64.inconsistent', 'its ZIP64 extra field does not hold exactly the values its 0xFFFFFFFF fields defer to', entry);
    } else {
      let q = 0;
      const take = (): number => {
        const value = u64(zip64!, q);
        q += 8;
        return value;
      };
      if (wanted[0]) entry.size = take();
      if (wanted[1]) compressedSize = take();
      if (wanted[2]) entry.offset = take();
      if (wanted[3]) diskNumber = u32(zip64!, q);
      entry.zip64Sizes = wanted[0]! || wanted[1]!;
      if (!Number.isSafeInteger(entry.size) || !Number.isSafeInteger(compressedSize) || !Number.isSafeInteger(entry.offset)) {
        report('zip.zip64.inconsistent', 'a ZIP64 value exceeds 2^53 - 1', entry);
      }
    }
  }
  if (diskNumber !== 0) report('zip.entry.unsupported', 'it starts on another disk', entry);
  if ((flags & ~ALLOWED_FLAGS) !== 0) report('zip.entry.unsupported', `general-purpose flags 0x${flags.toString(16)} (encryption or others outside the profile)`, entry);
  if (entry.method !== METHOD_STORED) report('zip.entry.compressed', `compression method ${entry.method}, not STORED`, entry);
  else if (compressedSize !== entry.size) report('zip.entry.header-mismatch', 'a STORED entry whose compressed and uncompressed sizes differ', entry);
  const host = u16(cd, p + 4) >>> 8;
  const external = u32(cd, p + 38);
  const type = UNIX_HOSTS.has(host) ? (external >>> 16) & S_IFMT : 0;
  const directory = entry.name.endsWith('/') || type === 0o040000 || (host === 0 && (external & 0x10) !== 0);
  if (type === 0o120000) entry.kind = 'symlink';
  else if (type !== 0 && type !== 0o100000 && type !== 0o040000) entry.kind = 'other';
  else if (directory) {
    entry.kind = 'directory';
    if (entry.name.endsWith('/')) entry.name = entry.name.slice(0, -1);
    if (entry.size !== 0) report('zip.entry.malformed', 'a directory entry that holds data', entry);
  }
  return entry;
}

// One decoder for every name: `fatal` refuses what is not UTF-8, and a whole-input decode keeps no state.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeName(bytes: Uint8Array, flags: number): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) ascii = false;
  // ASCII is the same text in either encoding.
  if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  if ((flags & FLAG_UTF8) === 0) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes of the archive before the central directory, for the local header checks (see {@link windows}). */
interface Near {
  /**
   * The bytes [offset, offset + length) as a view, without a copy or a promise, when they are in memory (a
   * window read, or a range fetched for this entry); else undefined. A view is valid until the next `advance`.
   */
  peek(offset: number, length: number): Uint8Array | undefined;
  /** Reads what `peek(offset, length)` then answers, until the next `advance`. Checks stay `read`'s and `fill`'s. */
  fetch(offset: number, length: number): Promise<void>;
  /** The checks are at `offset` (the next entry's header): windows behind it go, the next ones are read ahead. */
  advance(offset: number): void;
}

/**
 * The bytes before `end` through aligned windows of WINDOW_BYTES, read ahead: local headers are checked in offset
 * order, so while one window is checked the next READ_AHEAD are already being read (from a file, on the thread
 * pool), and most headers are then checked straight from a window, with no copy and no promise (100,000 small
 * entries cost 300,000 promises and copies otherwise). With `fill` (a reader that reads into a buffer) the
 * windows reuse a few buffers: a fresh one for every window of the archive cost more than the copy out of the
 * page cache. A buffer is reused only after an `advance` let its window go, so no view `peek` gave is ever
 * written into while it is valid. A range across two windows is joined from both (a copy); one larger than a
 * window, past `end` or past the budget is read by itself. Either is kept until the next `advance`.
 *
 * Windows read at most twice the bytes before `end`: in offset order each is read once, but entries listed out of
 * order (a hostile archive may shuffle them) would cost a window or more each, a MiB per entry. Past that
 * budget, only the ranges asked for are read.
 */
function windows(read: Read, end: number, fill?: Fill): Near {
  const loaded = new Map<number, { bytes: Promise<Uint8Array>; buffer?: Uint8Array; ready?: Uint8Array }>();
  const spare: Uint8Array[] = [];
  let fetched: Array<{ offset: number; bytes: Uint8Array }> = [];
  let budget = 2 * end;
  const lengthOf = (index: number): number => Math.min(WINDOW_BYTES, end - index * WINDOW_BYTES);
  const available = (index: number): boolean => loaded.has(index) || budget >= lengthOf(index);
  const load = (index: number): Promise<Uint8Array> => {
    let window = loaded.get(index);
    if (window === undefined) {
      const length = lengthOf(index);
      budget -= length;
      const buffer = fill === undefined ? undefined : (spare.pop() ?? new Uint8Array(WINDOW_BYTES));
      const bytes = buffer === undefined ? read(index * WINDOW_BYTES, length) : fill!(buffer.subarray(0, length), index * WINDOW_BYTES);
      // Awaited when used; one read ahead and never used must not count as unhandled.
      bytes.catch(() => undefined);
      const entry: { bytes: Promise<Uint8Array>; buffer?: Uint8Array; ready?: Uint8Array } = buffer === undefined ? { bytes } : { bytes, buffer };
      void bytes.then((ready) => void (entry.ready = ready), () => undefined);
      window = entry;
      loaded.set(index, window);
    }
    return window.bytes;
  };
  const drop = (index: number): void => {
    const { bytes, buffer } = loaded.get(index)!;
    loaded.delete(index);
    if (buffer === undefined) return;
    // Spare once no read is writing into it.
    const keep = (): void => {
      if (spare.length <= READ_AHEAD) spare.push(buffer);
    };
    bytes.then(keep, keep);
  };
  // One window holds the whole range.
  const inOne = (offset: number, length: number): number | undefined => {
    const index = Math.floor(offset / WINDOW_BYTES);
    return length <= WINDOW_BYTES && offset + length <= end && offset + length <= (index + 1) * WINDOW_BYTES ? index : undefined;
  };
  return {
    peek(offset, length) {
      const index = inOne(offset, length);
      const ready = index === undefined ? undefined : loaded.get(index)?.ready;
      if (ready !== undefined) return ready.subarray(offset - index! * WINDOW_BYTES, offset - index! * WINDOW_BYTES + length);
      for (const f of fetched) if (f.offset === offset && f.bytes.length === length) return f.bytes;
      return undefined;
    },
    async fetch(offset, length) {
      const index = inOne(offset, length);
      if (index !== undefined && available(index)) {
        await load(index);
        return;
      }
      // Across an edge, from the two windows when they are read anyway: each byte is read once.
      const first = Math.floor(offset / WINDOW_BYTES);
      if (length <= WINDOW_BYTES && offset + length <= end && available(first) && available(first + 1)) {
        const split = (first + 1) * WINDOW_BYTES - offset;
        const joined = new Uint8Array(length);
        joined.set((await load(first)).subarray(offset - first * WINDOW_BYTES));
        joined.set((await load(first + 1)).subarray(0, length - split), split);
        fetched.push({ offset, bytes: joined });
        return;
      }
      fetched.push({ offset, bytes: await read(offset, length) });
    },
    advance(offset) {
      fetched = [];
      const index = Math.floor(offset / WINDOW_BYTES);
      // At most the windows from here to the read-ahead are kept (and those fetched for one entry, until the next):
      // entries whose descriptors lie far apart hold no more windows than that.
      for (const i of loaded.keys()) if (i < index || i > index + READ_AHEAD) drop(i);
      for (let i = index; i <= index + READ_AHEAD && i * WINDOW_BYTES < end && available(i); i++) void load(i);
    },
  };
}

/** The bytes a local header check needs next, which are not in memory yet. */
type Need = { offset: number; length: number };

/**
 * Compares an entry's local header (and data descriptor) with its central record; sets where its data lie.
 * Synchronous over what `near` holds: it answers the range it needs when that is not in memory, having reported
 * nothing, and is called again once the range is fetched. Every range it reads lies before `cdOffset`.
 */
function checkLocal(entry: Entry, cdOffset: number, near: Near, report: Report): Need | undefined {
  if (!Number.isSafeInteger(entry.offset)) return undefined;
  const headerEnd = entry.offset + LOCAL_HEADER_BYTES + entry.nameBytes.length;
  if (headerEnd > cdOffset) {
    report('zip.entry.header-mismatch', 'its local header offset points into or past the central directory', entry);
    return undefined;
  }
  const header = near.peek(entry.offset, LOCAL_HEADER_BYTES + entry.nameBytes.length);
  if (header === undefined) return { offset: entry.offset, length: LOCAL_HEADER_BYTES + entry.nameBytes.length };
  // Every byte this check reads, before it reports anything (so that a second call reports once): the extra
  // field and the descriptor only behind a header that is the entry's.
  const extraLength = u16(header, 28);
  const dataStart = headerEnd + extraLength;
  const dataEnd = dataStart + entry.size;
  const local = { crc: u32(header, 14), compressed: u32(header, 18), size: u32(header, 22) };
  const deferred = local.size === U32_SENTINEL || local.compressed === U32_SENTINEL;
  const width = entry.zip64Sizes ? 8 : 4;
  const descriptorLength = 4 + 4 + 2 * width;
  const matches = u32(header, 0) === SIG_LOCAL && headerMatches(header, entry);
  const sized = Number.isSafeInteger(entry.size);
  let extra: Uint8Array | undefined;
  let descriptor: Uint8Array | undefined;
  if (matches && sized) {
    if (deferred && dataStart <= cdOffset) {
      extra = near.peek(headerEnd, extraLength);
      if (extra === undefined) return { offset: headerEnd, length: extraLength };
    }
    if (entry.flags & FLAG_DESCRIPTOR && dataEnd + descriptorLength <= cdOffset) {
      descriptor = near.peek(dataEnd, descriptorLength);
      if (descriptor === undefined) return { offset: dataEnd, length: descriptorLength };
    }
  }

  if (u32(header, 0) !== SIG_LOCAL) {
    report('zip.entry.header-mismatch', `no local header at offset ${entry.offset}`, entry);
    return undefined;
  }
  if (!matches) {
    report('zip.entry.header-mismatch', 'the local header holds another name', entry);
    return undefined;
  }
  if (u16(header, 6) !== entry.flags || u16(header, 8) !== entry.method) report('zip.entry.header-mismatch', 'the local header has other flags or method', entry);
  if (!sized) return undefined;
  if (deferred) {
    // The local header defers its sizes to its own ZIP64 extra field (Info-ZIP writes one for large entries).
    const fields = extra ?? new Uint8Array(0);
    for (let q = 0; q + 4 <= fields.length; q += 4 + u16(fields, q + 2)) {
      if (u16(fields, q) === ZIP64_EXTRA_ID && q + 4 + 16 <= fields.length) {
        local.size = u64(fields, q + 4);
        local.compressed = u64(fields, q + 12);
      }
    }
  }
  let end = dataEnd;
  if (entry.flags & FLAG_DESCRIPTOR) {
    const zeroed = local.crc === 0 && local.compressed === 0 && local.size === 0;
    const agreeing = local.crc === entry.crc && local.compressed === entry.size && local.size === entry.size;
    if (!zeroed && !agreeing) report('zip.entry.header-mismatch', 'the local header has other sizes or CRC-32 than the central directory', entry);
    if (descriptor === undefined) {
      report('zip.entry.overlap', 'its data or data descriptor reach into the central directory', entry);
      return undefined;
    }
    const sizes = width === 8 ? [u64(descriptor, 8), u64(descriptor, 16)] : [u32(descriptor, 8), u32(descriptor, 12)];
    if (u32(descriptor, 0) !== SIG_DESCRIPTOR || u32(descriptor, 4) !== entry.crc || sizes[0] !== entry.size || sizes[1] !== entry.size) {
      report('zip.entry.header-mismatch', 'its data descriptor is missing or disagrees with the central directory', entry);
    }
    end += descriptorLength;
  } else if (local.crc !== entry.crc || local.compressed !== entry.size || local.size !== entry.size) {
    report('zip.entry.header-mismatch', 'the local header has other sizes or CRC-32 than the central directory', entry);
  }
  if (end > cdOffset) {
    report('zip.entry.overlap', 'its data reach into the central directory', entry);
    return undefined;
  }
  entry.dataStart = dataStart;
  entry.end = end;
  return undefined;
}

/** The local header's name is the central record's. */
function headerMatches(header: Uint8Array, entry: Entry): boolean {
  if (u16(header, 26) !== entry.nameBytes.length) return false;
  for (let i = 0; i < entry.nameBytes.length; i++) if (header[LOCAL_HEADER_BYTES + i] !== entry.nameBytes[i]) return false;
  return true;
}

/** Entries must tile the bytes before the central directory exactly: from offset 0, no gap, no overlap. */
function checkLayout(entries: Entry[], cdOffset: number, report: Report): void {
  const placed = entries.filter((e) => e.end !== undefined).sort((a, b) => a.offset - b.offset);
  const first = placed[0]?.offset ?? cdOffset;
  if (first > 0 && (placed.length > 0 || entries.length === 0)) report('zip.archive.prefix-data', `${first} bytes precede the first entry`);
  let previous: Entry | undefined;
  for (const entry of placed) {
    if (previous !== undefined) {
      if (entry.offset < previous.end!) {
        report('zip.entry.overlap', `its bytes overlap those of ${JSON.stringify(previous.name)}`, entry);
        report('zip.entry.overlap', `its bytes overlap those of ${JSON.stringify(entry.name)}`, previous);
      } else if (entry.offset > previous.end!) {
        report('zip.archive.gap', `${entry.offset - previous.end!} bytes between ${JSON.stringify(previous.name)} and ${JSON.stringify(entry.name)} belong to no entry`);
      }
    }
    if (previous === undefined || entry.end! > previous.end!) previous = entry;
  }
  if (previous !== undefined && previous.end! < cdOffset) {
    report('zip.archive.gap', `${cdOffset - previous.end!} bytes between the last entry and the central directory belong to no entry`);
  }
}

function limit(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
  return v;
}
