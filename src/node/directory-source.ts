import { promises as fsp, type Stats } from 'node:fs';
import type { BagEntry, BagSource } from '../bagit/bag-source.js';
import { LONE_SURROGATE } from '../encoding/json-common.js';
import { EvidenceBundleError } from '../errors.js';
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
  /** Bytes per read of `read`; 1 MiB by default, at most 4 MiB. */
  chunkSize?: number;
}

const MIB = 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const SLASH = Buffer.from('/');

/**
 * A {@link BagSource} over a directory: the one implementation the library uses to read bags from disk
 * (`openBundleDirectory` adds the tag-file commit view on top). Listing uses lstat and never follows symbolic
 * links: a link is listed as `symlink`, a FIFO, socket or device as `other`, and neither is ever opened or
 * descended into. `read` and `digest` refuse a path whose final component or any parent directory is a link,
 * and anything but a regular file. A name that is not valid UTF-8 on disk is listed with each byte above 0x7F
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
  // Parent directories already seen to be real directories: each is checked once, not once per file in it.
  const checked = new Set<string>();
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
    let names: Buffer[];
    try {
      names = await fsp.readdir(Buffer.concat([root, relBytes]), { encoding: 'buffer' });
    } catch (cause) {
      throw ioError(cause, relText === '' ? root.toString() : relText);
    }
    names.sort(Buffer.compare);
    const subdirectories: Array<[Buffer, string]> = [];
    // lstat a batch of names at once: one at a time, a directory of 100,000 small files costs a round trip
    // through libuv's thread pool per file.
    const stats: Array<{ childBytes: Buffer; path: string; stat: Stats }> = [];
    for (let i = 0; i < names.length; i += LSTAT_BATCH) {
      const batch = names.slice(i, i + LSTAT_BATCH).map(async (name) => {
        const childBytes = relBytes.length === 0 ? name : Buffer.concat([relBytes, SLASH, name]);
        const path = relText === '' ? decodeName(name) : `${relText}/${decodeName(name)}`;
        try {
          return { childBytes, path, stat: await fsp.lstat(Buffer.concat([root, childBytes])) };
        } catch (cause) {
          throw ioError(cause, path);
        }
      });
      pushAll(stats, await Promise.all(batch));
    }
    for (const { childBytes, path, stat } of stats) {
      if (stat.isSymbolicLink()) yield { path, kind: 'symlink', size: 0 };
      else if (stat.isDirectory()) {
        yield { path, kind: 'directory', size: 0 };
        subdirectories.push([childBytes, path]);
      } else if (stat.isFile()) yield { path, kind: 'file', size: stat.size };
      else yield { path, kind: 'other', size: 0 };
    }
    // Reverse so the stack visits directories in name order.
    pushAll(stack, subdirectories.reverse());
  }
}

/** UTF-8 names as they are; any other name with each byte above 0x7F as U+DC80-U+DCFF. */
function decodeName(name: Buffer): string {
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

/**
 * The absolute name of a bag path, after checking that it stays inside the root and that no parent directory
 * is a symbolic link (the final component is refused by O_NOFOLLOW when opened).
 */
async function resolveInside(root: Buffer, path: string, checked: Set<string>): Promise<Buffer> {
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
    throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(path)} is not a path inside the bag`);
  }
  let full = root;
  for (let i = 0; i < segments.length; i++) {
    full = i === 0 ? Buffer.concat([root, encodeName(segments[i]!)]) : Buffer.concat([full, SLASH, encodeName(segments[i]!)]);
    if (i === segments.length - 1) break;
    const parent = segments.slice(0, i + 1).join('/');
    if (checked.has(parent)) continue;
    let stat;
    try {
      stat = await fsp.lstat(full);
    } catch (cause) {
      throw ioError(cause, path);
    }
    if (!stat.isDirectory()) {
      throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${path}: ${parent} is not a directory`);
    }
    checked.add(parent);
  }
  return full;
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
