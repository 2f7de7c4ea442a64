import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createTagFiles } from '../bundle/create-tag-files.js';
import { buildManifest, type BundleMetadata, type BuiltItem, type ItemDescription } from '../bundle/build-manifest.js';
import { LIMITS, MANIFEST_FILE, payloadPath, SIGNATURES_FILE } from '../model/layout.js';
import { findTreeCollisions } from '../bundle/tree-collisions.js';
import type { DigestAlgorithm, DigestBackend, DigestSet } from '../digest/algorithms.js';
import { digestStream, iterateBytes, type ByteSource } from '../digest/digest-stream.js';
import { normaliseAlgorithms } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { assertWritablePath } from '../path/bundle-path.js';
import type { Manifest } from '../model/manifest.js';
import { serializeSignatureFile } from '../sign/signature-file.js';
import { isSignatureRole, signDetached, SIGNATURE_ROLES } from '../sign/sign-detached.js';
import type { Signer } from '../sign/signer.js';
import { copyAndHash, statSource } from './copy-and-hash.js';
import { nodeBackend } from './digest-backend.js';
import { fsyncDirectory, fsyncTree, writeAll, writeFileDurable } from './fs-sync.js';
import { ioError } from './io-error.js';
import { guessMediaType } from './media-type.js';

/** One piece of evidence to pack: where its bytes come from and what the manifest says of it. */
export interface PackItem extends Omit<ItemDescription, 'mediaType'> {
  /** The item's path inside `data/` (forward slashes, NFC). */
  path: string;
  /** A file to copy (never followed through a symbolic link), or a function returning the bytes as a stream. */
  source: string | (() => ByteSource);
  /** Defaults to a guess from the file extension. */
  mediaType?: string;
}

/** An item whose existence is declared but whose bytes are not disclosed. */
export interface WithheldItem extends ItemDescription {
  withheld: { reason: string; legalBasis?: string };
  size?: number;
  digests?: DigestSet;
}

export interface PackOptions {
  /** Everything the manifest says besides the items: creator, case, legal basis, handling, actors. */
  metadata: BundleMetadata;
  items: readonly PackItem[];
  withheld?: readonly WithheldItem[];
  /** Extra digest algorithms; SHA-256 is always computed. */
  algorithms?: readonly DigestAlgorithm[];
  /** Signatures made at packing time, in order (for example packager, then certifier); roles of `SIGNATURE_ROLES`. */
  signers?: ReadonlyArray<{ signer: Signer; role: string }>;
  bundleId?: string;
  createdAt?: Date;
  /** Hash implementation for the payload and the tag files; node:crypto by default. */
  backend?: DigestBackend;
  /** Called as bytes are copied: the item being copied and the total bytes so far. */
  onProgress?: (progress: { item: string; bytes: number; totalBytes: number }) => void;
  /**
   * Stops the pack (Ctrl-C in `evb pack`): the temporary directory is removed and the call rejects with the
   * signal's `reason`, as `fetch` does. Checked between steps and as bytes are copied.
   */
  signal?: AbortSignal;
}

/**
 * Packs evidence into a new bundle directory, a BagIt 1.0 bag (docs/format.md). Each source byte is read
 * once: copied into `data/` and hashed in the same pass. Everything is written into a temporary directory
 * beside `output` and renamed into place at the end, so a failure or a kill never leaves a half bundle under
 * the target name; sources are only read. The temporary directory, `.<name>.partial-<pid>-<random>`, is
 * removed on any failure and on abort; one left by a pack that was killed (its process no longer exists) is
 * removed by the next pack to the same target, while one whose process still runs is left alone.
 * @returns the manifest written and the bundle path.
 * @throws TypeError when a signer's role is not one of `SIGNATURE_ROLES`
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS`, `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`,
 *   `ERR_SOURCE_CHANGED`, `ERR_PATH_UNSAFE`, `ERR_PATH_COLLISION`, `ERR_MANIFEST_INVALID`, `ERR_IO`, and what
 *   {@link signDetached} throws for a signature that would not verify (`ERR_X509_*`, `ERR_SIGNER_OUTPUT`);
 *   the `reason` of `signal` when it aborts
 * @example
 * await packBundle('out/case-42', { metadata, items: [{ id: 'chat', path: 'chat/export.json', source: 'export.json' }] });
 */
export async function packBundle(output: string, options: PackOptions): Promise<{ path: string; manifest: Manifest }> {
  const target = resolve(output);
  const signal = options.signal;
  signal?.throwIfAborted();
  const algorithms = normaliseAlgorithms(options.algorithms ?? []);
  checkItemPaths(options.items);
  // Before any byte is copied: a wrong role would only be found after hashing every item.
  for (const { role } of options.signers ?? []) {
    if (!isSignatureRole(role)) throw new TypeError(`signers: role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(role)}`);
  }
  if (await exists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
  // Every source is checked before anything is written, many at a time: one lstat after another cost seconds
  // for 100,000 files.
  const files = options.items.flatMap((item) => (typeof item.source === 'string' ? [item.source] : []));
  await mapWithConcurrency(files, STAT_CONCURRENCY, async (file) => void (await statSource(file)));

  const parent = dirname(target);
  await fsp.mkdir(parent, { recursive: true }).catch((cause: unknown) => {
    throw ioError(cause, parent);
  });
  await removeStalePartials(parent, basename(target));
  const temp = await fsp.mkdtemp(join(parent, `${partialPrefix(basename(target))}${process.pid}-`)).catch((cause: unknown) => {
    throw ioError(cause, parent);
  });
  try {
    const packed = await copyItems(temp, algorithms, options);
    signal?.throwIfAborted();
    const { manifest, bytes: manifestBytes } = buildManifest(options.metadata, packed.described, {
      bundleId: options.bundleId ?? randomUUID(),
      createdAt: options.createdAt ?? new Date(),
    });
    const tagFiles: Array<[string, Uint8Array]> = [[MANIFEST_FILE, manifestBytes]];
    if (options.signers !== undefined && options.signers.length > 0) {
      const signatures = [];
      for (const { signer, role } of options.signers) signatures.push(await signDetached(manifestBytes, signer, { role }));
      tagFiles.push([SIGNATURES_FILE, serializeSignatureFile({ signatures })]);
    }
    const files = await createTagFiles({
      payload: packed.payload,
      algorithms,
      tagFiles,
      // The payload manifests of 100,000 files are megabytes: @noble/hashes, the default, took a third of a second.
      backend: options.backend ?? nodeBackend,
      bagInfo: {
        bundleId: manifest.bundleId,
        sourceOrganization: manifest.creator.name,
        baggingDate: manifest.createdAt.slice(0, 10),
      },
    });
    for (const [path, bytes] of files) {
      await fsp.mkdir(dirname(join(temp, path)), { recursive: true });
      await writeFileDurable(join(temp, path), bytes);
    }
    await fsyncTree(temp);
    signal?.throwIfAborted();
    // rename(2) fails rather than replace a directory that appeared meanwhile with content.
    await fsp.rename(temp, target).catch((cause: unknown) => {
      throw ioError(cause, output);
    });
    await fsyncDirectory(parent);
    return { path: target, manifest };
  } catch (error) {
    await fsp.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    // An abort may surface wrapped (as the I/O error of the copy it interrupted): the caller asked to stop.
    if (signal?.aborted) throw signal.reason;
    throw error instanceof EvidenceBundleError ? error : ioError(error, output);
  }
}

const partialPrefix = (name: string): string => `.${name}.partial-`;

/**
 * Removes the temporary directories of earlier packs to the same target whose process is gone (killed, or the
 * machine crashed). The pid in the name tells: a directory whose process still runs may be a concurrent pack
 * and is left alone, as is one without a pid (older versions) or one whose pid is reused by another process.
 * Pids are those of this machine: packs from other hosts into one shared directory are not told apart.
 */
async function removeStalePartials(parent: string, name: string): Promise<void> {
  const prefix = partialPrefix(name);
  let entries: string[];
  try {
    entries = await fsp.readdir(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(entry.slice(prefix.length))?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    await fsp.rm(join(parent, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function checkItemPaths(items: readonly PackItem[]): void {
  // Portable too: a bundle is sent abroad, and the receiver may have to extract it on Windows.
  for (const item of items) assertWritablePath(item.path);
  // Directories count: `A` beside `a/b` would make a bundle its own verifier refuses.
  const collisions = findTreeCollisions(items.map((i) => i.path));
  if (collisions.length > 0) {
    const [a, b] = collisions[0]!;
    throw new EvidenceBundleError('ERR_PATH_COLLISION', `item paths ${JSON.stringify(a)} and ${JSON.stringify(b)} collide`);
  }
  // Every file and directory of the bundle counts against the reader's limit: data/, the items' directories
  // and files, and the tag directory with its files (a dozen at most).
  const directories = new Set<string>();
  for (const item of items) {
    for (let i = item.path.indexOf('/'); i !== -1; i = item.path.indexOf('/', i + 1)) directories.add(item.path.slice(0, i));
  }
  const entries = 1 + directories.size + items.length + TAG_ENTRIES_AT_MOST;
  if (entries > LIMITS.bagEntries) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the bundle would hold ${entries} files and directories; readers accept at most ${LIMITS.bagEntries}`);
  }
}

/** Files and directories outside data/ that a bundle can hold: declaration, bag-info, manifests, evidence/. */
const TAG_ENTRIES_AT_MOST = 16;

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Files copied and hashed at the same time while packing. */
const PACK_CONCURRENCY = 16;
/** Sources checked at the same time before packing. */
const STAT_CONCURRENCY = 64;

/**
 * Maps `items` with at most `limit` calls in flight; the results keep the items' order. After a failure no new
 * call starts, and the first error is thrown only once every call in flight has settled, so that the caller's
 * clean-up never races a write still going on.
 */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const rejection = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejection !== undefined) throw rejection.reason;
  return results;
}

async function copyItems(
  temp: string,
  algorithms: DigestAlgorithm[],
  options: PackOptions,
): Promise<{ payload: Array<{ path: string; size: number; digests: DigestSet }>; described: BuiltItem[] }> {
  const backend = options.backend ?? nodeBackend;
  const payload: Array<{ path: string; size: number; digests: DigestSet }> = [];
  const described: BuiltItem[] = [];
  const made = new Set<string>();
  let totalBytes = 0;
  const packOne = async (item: PackItem): Promise<{ path: string; size: number; digests: DigestSet }> => {
    const bagPath = payloadPath(item.path);
    const dest = join(temp, bagPath);
    const dir = dirname(dest);
    if (!made.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    let reported = 0;
    const onProgress = (bytes: number): void => {
      // Called after each chunk: the copy stops within one chunk of an abort.
      options.signal?.throwIfAborted();
      totalBytes += bytes - reported;
      reported = bytes;
      options.onProgress?.({ item: item.id, bytes, totalBytes });
    };
    const result =
      typeof item.source === 'string'
        ? await copyAndHash(item.source, dest, { algorithms, backend, onProgress })
        : await writeStream(item.source(), dest, algorithms, backend, onProgress);
    return { path: bagPath, ...result };
  };
  // Several files at a time: for small files the cost is the latency of open, write and fsync, which overlap;
  // a large file keeps its own read/hash/write pipeline. Results stay in item order.
  const results = await mapWithConcurrency(options.items, PACK_CONCURRENCY, packOne);
  options.items.forEach((item, i) => {
    const result = results[i]!;
    payload.push(result);
    const { source: _source, mediaType, ...rest } = item;
    described.push({ ...rest, mediaType: mediaType ?? guessMediaType(item.path), size: result.size, digests: result.digests });
  });
  for (const item of options.withheld ?? []) {
    const { withheld, ...rest } = item;
    described.push({ ...rest, withheld });
  }
  return { payload, described };
}

/** Writes a caller-supplied stream into the bundle, hashing the bytes as they pass. */
async function writeStream(
  source: ByteSource,
  dest: string,
  algorithms: DigestAlgorithm[],
  backend: DigestBackend,
  onProgress: (bytes: number) => void,
): Promise<{ digests: DigestSet; size: number }> {
  const handle = await fsp.open(dest, 'wx', 0o444);
  try {
    const tee = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of iterateBytes(source)) {
        yield chunk;
        // The chunk is hashed before this resumes; it is written before the next one is requested.
        await writeAll(handle, chunk);
      }
    };
    const result = await digestStream(tee(), { algorithms, backend, onProgress });
    await handle.sync();
    return result;
  } finally {
    await handle.close();
  }
}
