import { isAscii } from 'node:buffer';
import { type Dirent, promises as fsp, type Stats } from 'node:fs';
import type { BagEntry, BagFilesDigests, BagSource } from '../bagit/bag-source.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm } from '../digest/algorithms.js';
import { LONE_SURROGATE } from '../encoding/json-common.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { digestFile } from './digest-file.js';
import { ioError } from './io-error.js';
import { openRegularFile } from './open-regular-file.js';
import { pushAll } from '../internal/arrays.js';

/** Options of {@link openDirectorySource}. */
export interface DirectorySourceOptions {
  /**
   * How the validator digests a file in one pass: by default {@link digestFile} (node:crypto, never following a
   * link); a worker pool's `digestFile` to hash several files in parallel; `false` for none, so the validator
   * reads through `read` with its own backend.
   */
  digest?: BagSource['digest'] | false;
  /**
   * Digests many files at once, packed: a worker pool's `digestFiles`, given the root and the names of files
   * below it. The source gives it only names it checked as `read` does (inside the root, no parent directory a
   * link); the function must refuse a final link and anything but a regular file, as the pool does.
   */
  digestFiles?: (root: string, names: readonly string[], algorithms: readonly DigestAlgorithm[]) => Promise<BagFilesDigests>;
  /** Bytes per read of `read`; 1 MiB by default, at most 4 MiB. */
  chunkSize?: number;
}

const MIB = 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const SLASH = Buffer.from('/');

/**
 * A {@link BagSource} over a directory: the one implementation the library uses to read bags from disk
 * (`openBundleDirectory` adds the tag-file commit view on top). Listing never follows symbolic links: a link
 * is listed as `symlink`, a FIFO, socket or device as `other`, and neither is ever opened or descended into.
 * Under `data/` the kinds are the directory's own (readdir with file types, no lstat per file) and files are
 * listed with size -1: their size is the one read. Outside it (tag files) each entry is lstat'ed for its size.
 * `read`, `digest` and `digestFiles` refuse a path whose final component or any parent directory is a link, and
 * anything but a regular file, judged on the descriptor that is read: a file whose type changed since the
 * listing (now a link, a FIFO, a directory) is refused, never followed. A name that is not valid UTF-8 on disk is listed with each byte above 0x7F
 * as a lone surrogate U+DC80-U+DCFF (PEP 383), which the bag path rules refuse, so validation fails instead of
 * crashing or silently renaming.
 * @throws RangeError for a bad `chunkSize`. Iterating `list` throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`
 *   or `ERR_IO`; `read` and `digest` throw `ERR_PATH_UNSAFE` for a path that leaves the root,
 *   `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_IO`; `read` with `maxBytes` throws
 *   `ERR_LIMIT_EXCEEDED` for a longer file before reading it, and stops one byte past `maxBytes`.
 * @example
 * const bag = await validateBag(openDirectorySource('case-42'));
 */
export function openDirectorySource(root: string, options: DirectorySourceOptions = {}): BagSource {
  const chunkSize = options.chunkSize ?? MIB;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > 4 * MIB) {
    throw new RangeError('chunkSize must be an integer from 1 byte to 4 MiB');
  }
  const rootBytes = Buffer.from(root.endsWith('/') ? root : `${root}/`);
  // Parent directories, each checked once, not once per file in it: the promise is kept, not its result, so
  // files of one directory asked for at the same time share one lstat.
  const checked = new Map<string, Promise<void>>();
  const resolve = (path: string) => resolveInside(rootBytes, path, checked);
  const source: BagSource = {
    list: () => listTree(rootBytes),
    read: (path, readOptions) => readFile(resolve, path, chunkSize, readOptions?.maxBytes),
  };
  const given = options.digest;
  // A digest takes a string name, which cannot carry the raw bytes of a name that is not UTF-8 (listed with lone
  // surrogates U+DC80-U+DCFF): such a name is refused, whoever digests it. A surrogate pair (U+1F480 is
  // D83D DC80) is one code point and passes.
  const resolveForDigest = async (path: string): Promise<Buffer> => {
    if (LONE_SURROGATE.test(path)) throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(path)} is not valid UTF-8`);
    return resolve(path);
  };
  if (options.digestFiles !== undefined) {
    const digestFiles = options.digestFiles;
    source.digestFiles = (paths, algorithms) => digestMany(rootBytes, root, checked, paths, algorithms, digestFiles);
  }
  if (given === undefined) {
    source.digest = async (path, algorithms) => digestFile((await resolveForDigest(path)).toString('utf8'), { algorithms });
  } else if (given !== false) {
    // The same containment checks as `read`, before the caller's digest opens anything.
    source.digest = async (path, algorithms) => {
      await resolveForDigest(path);
      return given(path, algorithms);
    };
  }
  return source;
}

/** Entries whose lstat runs at the same time while listing. */
const LSTAT_BATCH = 64;

async function* listTree(root: Buffer): AsyncGenerator<BagEntry> {
  const stack: Array<[Buffer, string]> = [[Buffer.alloc(0), '']];
  while (stack.length > 0) {
    const [relBytes, relText] = stack.pop()!;
    let dirents: Array<Dirent<Buffer>>;
    try {
      dirents = await fsp.readdir(Buffer.concat([root, relBytes]), { encoding: 'buffer', withFileTypes: true });
    } catch (cause) {
      throw ioError(cause, relText === '' ? root.toString() : relText);
    }
    dirents.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirectories: Array<[Buffer, string]> = [];
    const childBytes = (name: Buffer): Buffer => (relBytes.length === 0 ? name : Buffer.concat([relBytes, SLASH, name]));
    const childPath = (name: Buffer): string => (relText === '' ? decodeName(name) : `${relText}/${decodeName(name)}`);
    // The payload's kinds come from the directory itself (Node lstat's an entry whose file system gives no
    // type): one lstat per file costs a round trip through libuv's thread pool, and its size is read anyway.
    const inPayload = relText === 'data' || relText.startsWith('data/');
    if (inPayload) {
      for (const dirent of dirents) {
        const path = childPath(dirent.name);
        if (dirent.isSymbolicLink()) yield { path, kind: 'symlink', size: 0 };
        else if (dirent.isDirectory()) {
          yield { path, kind: 'directory', size: 0 };
          subdirectories.push([childBytes(dirent.name), path]);
        } else if (dirent.isFile()) yield { path, kind: 'file', size: -1 };
        else yield { path, kind: 'other', size: 0 };
      }
      pushAll(stack, subdirectories.reverse());
      continue;
    }
    // Tag files are few and the validator judges them by size before reading: lstat a batch at once.
    const stats: Array<{ bytes: Buffer; path: string; stat: Stats }> = [];
    for (let i = 0; i < dirents.length; i += LSTAT_BATCH) {
      const batch = dirents.slice(i, i + LSTAT_BATCH).map(async ({ name }) => {
        const bytes = childBytes(name);
        const path = childPath(name);
        try {
          return { bytes, path, stat: await fsp.lstat(Buffer.concat([root, bytes])) };
        } catch (cause) {
          throw ioError(cause, path);
        }
      });
      pushAll(stats, await Promise.all(batch));
    }
    for (const { bytes, path, stat } of stats) {
      if (stat.isSymbolicLink()) yield { path, kind: 'symlink', size: 0 };
      else if (stat.isDirectory()) {
        yield { path, kind: 'directory', size: 0 };
        subdirectories.push([bytes, path]);
      } else if (stat.isFile()) yield { path, kind: 'file', size: stat.size };
      else yield { path, kind: 'other', size: 0 };
    }
    // Reverse so the stack visits directories in name order.
    pushAll(stack, subdirectories.reverse());
  }
}

/** UTF-8 names as they are; any other name with each byte above 0x7F as U+DC80-U+DCFF. */
function decodeName(name: Buffer): string {
  if (isAscii(name)) return name.toString('latin1');
  try {
    return strictUtf8.decode(name);
  } catch {
    let out = '';
    for (const byte of name) out += String.fromCharCode(byte < 0x80 ? byte : 0xdc00 + byte);
    return out;
  }
}

/**
 * The inverse of {@link decodeName} for one segment. Any other lone surrogate names nothing a listing gives:
 * encoded as UTF-8 it would become U+FFFD and name another file, so it is refused.
 */
function encodeName(segment: string): Buffer {
  if (!LONE_SURROGATE.test(segment)) return Buffer.from(segment, 'utf8');
  const bytes: number[] = [];
  for (const c of segment) {
    const code = c.charCodeAt(0);
    if (code >= 0xdc80 && code <= 0xdcff) bytes.push(code - 0xdc00);
    else if (c.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(segment)} holds a lone surrogate no file name has`);
    } else pushAll(bytes, Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** The segments of a bag path, or ERR_PATH_UNSAFE when it does not name something inside the root. */
function segmentsOf(path: string): string[] {
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
    throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(path)} is not a path inside the bag`);
  }
  return segments;
}

/**
 * Checks once that the directory `parent` (a bag path) and each directory above it are real directories, not
 * links; the check's promise is cached, so that a directory is lstat'ed once however many files in it are
 * asked for at once, and a refused one is refused for every file in it.
 */
function checkDirectory(root: Buffer, parent: string, checked: Map<string, Promise<void>>): Promise<void> {
  let check = checked.get(parent);
  if (check === undefined) {
    const slash = parent.lastIndexOf('/');
    const above = slash < 0 ? Promise.resolve() : checkDirectory(root, parent.slice(0, slash), checked);
    check = above.then(async () => {
      let stat;
      try {
        stat = await fsp.lstat(Buffer.concat([root, ...parent.split('/').flatMap((s, i) => (i === 0 ? [encodeName(s)] : [SLASH, encodeName(s)]))]));
      } catch (cause) {
        throw ioError(cause, parent);
      }
      if (!stat.isDirectory()) throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${parent} is not a directory`);
    });
    checked.set(parent, check);
    // A refusal is not kept: a later call looks again (the directory may have been created since). The callers
    // waiting now share it, and handle it where they await it.
    check.catch(() => {
      if (checked.get(parent) === check) checked.delete(parent);
    });
  }
  return check;
}

/**
 * The absolute name of a bag path, after checking that it stays inside the root and that no parent directory
 * is a symbolic link (the final component is refused by O_NOFOLLOW when opened).
 */
async function resolveInside(root: Buffer, path: string, checked: Map<string, Promise<void>>): Promise<Buffer> {
  const segments = segmentsOf(path);
  const full = Buffer.concat([root, ...segments.flatMap((s, i) => (i === 0 ? [encodeName(s)] : [SLASH, encodeName(s)]))]);
  if (segments.length > 1) {
    try {
      await checkDirectory(root, segments.slice(0, -1).join('/'), checked);
    } catch (error) {
      if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_REGULAR_FILE')) throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${path}: ${error.message}`);
      throw error;
    }
  }
  return full;
}

/**
 * {@link BagSource.digestFiles} of a directory: each path checked as `read` checks it (inside the root, valid
 * UTF-8, parent directories real, each once), then every safe one handed to `digestFiles` in one call. An
 * unsafe path or a refused parent is an error of that file alone; an I/O error of a parent (permission) is an
 * error of its files, which the validator rethrows.
 */
async function digestMany(
  rootBytes: Buffer,
  root: string,
  checked: Map<string, Promise<void>>,
  paths: readonly string[],
  algorithms: readonly DigestAlgorithm[],
  digestFiles: NonNullable<DirectorySourceOptions['digestFiles']>,
): Promise<BagFilesDigests> {
  const refused: Array<{ index: number; error: unknown }> = [];
  if (!Array.isArray(paths)) throw new TypeError('paths must be an array');
  // The distinct parents of this call: one promise per directory, not per file.
  const parents = new Map<string, number[]>();
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    try {
      // isWellFormed: false for a lone surrogate, as LONE_SURROGATE says, without a regular expression per file.
      if (typeof path !== 'string' || !(path as unknown as { isWellFormed(): boolean }).isWellFormed()) {
        throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(path)} is not valid UTF-8`);
      }
      segmentsOf(path);
    } catch (error) {
      refused.push({ index: i, error });
      continue;
    }
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? '' : path.slice(0, slash);
    let group = parents.get(parent);
    if (group === undefined) parents.set(parent, (group = []));
    group.push(i);
  }
  const checks = await Promise.allSettled([...parents.keys()].map((parent) => (parent === '' ? Promise.resolve() : checkDirectory(rootBytes, parent, checked))));
  const safe: number[] = [];
  [...parents.values()].forEach((group, k) => {
    const check = checks[k]!;
    if (check.status === 'fulfilled') pushAll(safe, group);
    else for (const index of group) refused.push({ index, error: check.reason });
  });
  if (refused.length === 0) return digestFiles(root, paths, algorithms);
  safe.sort((a, b) => a - b);
  const done = await digestFiles(root, safe.map((i) => paths[i]!), algorithms);
  const stride = algorithms.reduce((sum, a) => sum + DIGEST_ALGORITHMS[a].outputBytes, 0);
  const sizes = new Float64Array(paths.length).fill(-1);
  const digests = new Uint8Array(paths.length * stride);
  safe.forEach((index, k) => {
    sizes[index] = done.sizes[k]!;
    digests.set(done.digests.subarray(k * stride, (k + 1) * stride), index * stride);
  });
  const errors = [...refused, ...done.errors.map(({ index, error }) => ({ index: safe[index]!, error }))];
  errors.sort((a, b) => a.index - b.index);
  return { sizes, digests, errors };
}

async function* readFile(
  resolve: (path: string) => Promise<Buffer>,
  path: string,
  chunkSize: number,
  maxBytes: number | undefined,
): AsyncGenerator<Uint8Array> {
  // openRegularFile refuses a symbolic link or a FIFO swapped in after listing.
  const { handle, stat } = await openRegularFile(await resolve(path), path);
  try {
    // Judged on the descriptor before reading: a sparse file of 100 GB costs nothing to refuse.
    if (maxBytes !== undefined && stat.size > maxBytes) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path} is larger than ${maxBytes} bytes`);
    }
    // Small files get small buffers; a file that grows after the stat is still read to its end, or to one byte
    // past maxBytes, which tells the caller it grew past its limit.
    let left = maxBytes !== undefined ? maxBytes + 1 : Number.POSITIVE_INFINITY;
    const size = Math.max(1, Math.min(chunkSize, stat.size, left));
    while (left > 0) {
      // A fresh buffer per chunk: the consumer may keep it while the next one is read.
      const buffer = new Uint8Array(size);
      let bytesRead;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, Math.min(size, left), null));
      } catch (cause) {
        throw ioError(cause, path);
      }
      if (bytesRead === 0) return;
      left -= bytesRead;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}
