import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fsp, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BagData, BagSink } from '../bundle/bag-sink.js';
import { itemIdsFromPaths } from '../bundle/item-id.js';
import { checkPackInput, packBundleTo, type PackSourceItem } from '../bundle/pack-to.js';
import { parseJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { mapWithConcurrency } from '../internal/map-with-concurrency.js';
import { PAYLOAD_DIR } from '../model/layout.js';
import type { Manifest } from '../model/manifest.js';
import { pathCollisionKey } from '../path/bundle-path.js';
import { createCopyPool, type CopyPool, type StatedFile } from './copy-pool.js';
import { nodeBackend, nodeCryptoHashes } from './digest-backend.js';
import { fsyncDirectory, fsyncFile, fsyncTree, writeFileDurable } from './fs-sync.js';
import { ioError } from './io-error.js';
import { guessMediaType } from './media-type.js';
import type { PackItem, PackOptions } from './pack-bundle.js';
import { sourceBytes } from './source-bytes.js';

/** Prefix of the staging directory an in-place pack keeps inside the directory it packs. */
export const IN_PLACE_STAGING_PREFIX = '.evb-in-place-';
/** The staging directory's marker (written first) and journal (written before the first move). */
const MARKER = 'marker';
// What the marker says: a directory of the user's that happens to have the staging name and a file named
// `marker` is never taken for a staging directory (recovery would remove it).
const markerText = (pid: number): string => `evidence-bundle in-place pack, process ${pid}\n`;
const MARKER_TEXT = /^evidence-bundle in-place pack, process ([1-9][0-9]{0,9})\n$/;
const JOURNAL = 'journal.json';
const TAGS = 'tags';
// The only names a staging directory holds.
const STAGING_ENTRIES: ReadonlySet<string> = new Set([MARKER, JOURNAL, TAGS, PAYLOAD_DIR]);
const STAGING_NAME = /^\.evb-in-place-[0-9a-f]{16}$/;

/** Options of {@link packBundleInPlace}: those of {@link packBundle}, the items described (not sourced) by path. */
export interface PackInPlaceOptions extends Omit<PackOptions, 'items' | 'form'> {
  /**
   * What the manifest says of some of the files (matched by `path`, relative to the directory); every regular
   * file under the directory is an item, with an id derived from its path when none is given here. A description
   * of a path the directory does not hold is passed over, as `evb pack FOLDER` does.
   */
  items?: ReadonlyArray<Omit<PackItem, 'source' | 'size'>>;
}

/** Test-only hooks (not exported from the package): fail at a chosen step. */
export interface InPlaceTestHooks {
  /** Called before each step: `stage` (tag files written), `journal`, `rename:N` (before the Nth rename, 0-based), `commit`. */
  step?: (name: string) => void | Promise<void>;
}

/**
 * Turns an existing directory into a directory bundle in place (docs/format.md, "Packing in place"), as
 * bagit.py does: every top-level entry of `dir` is moved (renamed, never copied: the evidence bytes and inode
 * numbers are untouched) under `data/`, and the tag files are added beside it. Every file is hashed where it
 * lies first; the tag files are written and flushed into a staging directory `dir/.evb-in-place-<hex>/`; a
 * journal listing the moves is flushed; then one rename per top-level entry and per tag file; then the journal
 * is removed (the commit point) and the staging directory with it. A run interrupted before the commit point is
 * rolled back by the next call on the same directory (before anything else), leaving it as it was.
 * Refused before anything changes: a directory holding `bagit.txt` or `data`, a symbolic link, special file or
 * other file system below it, an empty directory (a bag cannot list it), a name the bundle path rules refuse,
 * more entries than readers accept.
 * @returns the manifest written and the bundle path (`dir`)
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS` (already a bag), `ERR_SOURCE_NOT_REGULAR_FILE`, `ERR_PATH_UNSAFE`,
 *   `ERR_PATH_COLLISION`, `ERR_LIMIT_EXCEEDED`, `ERR_SOURCE_CHANGED`, `ERR_MANIFEST_INVALID`, `ERR_IO`, and what
 *   {@link packBundle} throws for signers
 * @example
 * await packBundleInPlace('production-17', { metadata, signers: [{ role: 'packager', signer }] });
 */
export async function packBundleInPlace(dir: string, options: PackInPlaceOptions): Promise<{ path: string; manifest: Manifest }> {
  return packInPlace(dir, options, {});
}

/** {@link packBundleInPlace} with test hooks. Internal. */
export async function packInPlace(dir: string, options: PackInPlaceOptions, hooks: InPlaceTestHooks): Promise<{ path: string; manifest: Manifest }> {
  const root = resolve(dir);
  options.signal?.throwIfAborted();
  await recoverInPlace(root);
  const rootStat = await lstatOrThrow(root);
  if (!rootStat.isDirectory()) throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${dir} is not a directory`);
  const { files, topLevel } = await listTree(root, rootStat);
  const paths = files.map((f) => f.path);
  checkPackInput(paths, options.signers ?? []);
  // As packBundle: the copy workers hash with node:crypto; with an algorithm it lacks (BLAKE3) or a caller's own
  // backend, the bytes stream through this thread instead.
  const hashable = options.backend === undefined && nodeCryptoHashes(options.algorithms ?? []);
  const items = describe(files, options.items ?? [], hashable);

  const staging = join(root, IN_PLACE_STAGING_PREFIX + randomBytes(8).toString('hex'));
  try {
    await fsp.mkdir(staging);
    // The marker names the process: a run still going (here or in another process) is never rolled back.
    await writeFileDurable(join(staging, MARKER), new TextEncoder().encode(markerText(process.pid)));
    running.add(staging);
    await fsp.mkdir(join(staging, TAGS));
    await fsp.mkdir(join(staging, PAYLOAD_DIR));
    await fsyncDirectory(root);
  } catch (cause) {
    await fsp.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw ioError(cause, dir);
  }
  let manifest: Manifest;
  const tagNames = new Set<string>();
  try {
    const { items: _items, signal, ...rest } = options;
    ({ manifest } = await packBundleTo(stagingSink(join(staging, TAGS), tagNames), {
      ...rest,
      ...(signal === undefined ? {} : { signal }),
      items,
      bundleId: options.bundleId ?? randomUUID(),
      backend: options.backend ?? nodeBackend,
    }));
    await hooks.step?.('stage');
    options.signal?.throwIfAborted();
  } catch (error) {
    await fsp.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    running.delete(staging);
    if (options.signal?.aborted) throw options.signal.reason;
    throw error instanceof EvidenceBundleError || error instanceof TypeError || error instanceof RangeError ? error : ioError(error, dir);
  }
  // From the journal on, a failure rolls back here, or (after a crash) at the next call.
  const journal = { entries: topLevel, tags: [...tagNames].sort() };
  try {
    await hooks.step?.('journal');
    await writeFileDurable(join(staging, JOURNAL), new TextEncoder().encode(JSON.stringify(journal)));
    await fsyncDirectory(staging);
    await hooks.step?.('rename:0');
    await fsp.rename(join(staging, PAYLOAD_DIR), join(root, PAYLOAD_DIR));
    // The top-level entries, many at a time (100,000 files side by side are 100,000 renames, each waiting on the
    // journal); after a failure none starts and those in flight settle before the roll-back. Every one is done
    // before a tag file takes its place at the top: a user's file may bear a tag file's name.
    await mapWithConcurrency(
      topLevel.map((name, i) => ({ name, i })),
      RENAMES_IN_FLIGHT,
      async ({ name, i }) => {
        await hooks.step?.(`rename:${1 + i}`);
        await fsp.rename(join(root, name), join(root, PAYLOAD_DIR, name));
      },
    );
    let n = 1 + topLevel.length;
    for (const name of journal.tags) {
      await hooks.step?.(`rename:${n++}`);
      await fsp.rename(join(staging, TAGS, name), join(root, name));
    }
    // Three flushes at once share a journal commit.
    await Promise.all([fsyncDirectory(join(root, PAYLOAD_DIR)), fsyncDirectory(join(staging, TAGS)), fsyncDirectory(root)]);
    await hooks.step?.('commit');
  } catch (error) {
    await rollBack(root, staging, journal).catch(() => undefined);
    running.delete(staging);
    throw error instanceof EvidenceBundleError ? error : ioError(error, dir);
  }
  // The commit point: without the journal, the moves stand.
  await fsp.unlink(join(staging, JOURNAL));
  await fsyncDirectory(staging);
  await fsp.rm(staging, { recursive: true, force: true });
  await fsyncDirectory(root);
  running.delete(staging);
  return { path: root, manifest };
}

/**
 * Rolls back an in-place pack interrupted before its commit point (its staging directory holds a journal), or
 * removes the staging directory left by one interrupted before its first move or after its commit point. Only
 * directories named `.evb-in-place-<16 hex>` holding the marker file are touched. Called by
 * {@link packBundleInPlace} first; idempotent, so a crash during the roll-back is rolled back again.
 * @returns the staging directories found (none for a directory no in-place pack touched)
 * @throws EvidenceBundleError `ERR_BAG_INVALID` for a journal that is not one this library wrote; `ERR_IO`
 */
export async function recoverInPlace(dir: string): Promise<string[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch (cause) {
    throw ioError(cause, dir);
  }
  const found: string[] = [];
  for (const name of names.filter((n) => STAGING_NAME.test(n)).sort()) {
    const staging = join(root, name);
    const stat = await fsp.lstat(staging);
    if (!stat.isDirectory() || !(await fsp.lstat(join(staging, MARKER)).catch(() => undefined))?.isFile()) continue;
    const marker = MARKER_TEXT.exec(await fsp.readFile(join(staging, MARKER), 'latin1').catch(() => ''));
    // Not ours: left alone (packing then refuses the reserved name, changing nothing).
    if (marker === null || !(await fsp.readdir(staging)).every((n) => STAGING_ENTRIES.has(n))) continue;
    const owner = Number(marker[1]);
    if (running.has(staging) || (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && processRuns(owner))) {
      throw new EvidenceBundleError('ERR_TARGET_EXISTS', `an in-place pack (process ${owner}) is still running in ${dir}; if that process is gone, run again`);
    }
    found.push(name);
    const journalStat = await fsp.lstat(join(staging, JOURNAL)).catch(() => undefined);
    if (journalStat !== undefined) {
      if (!journalStat.isFile() || journalStat.size > 16 * 1024 * 1024) throw badJournal(name);
      const journal = readJournal(await fsp.readFile(join(staging, JOURNAL)), name);
      await rollBack(root, staging, journal);
    } else {
      await fsp.rm(staging, { recursive: true, force: true });
      await fsyncDirectory(root);
    }
  }
  return found;
}

/** Staging directories of runs in progress in this process. */
const running = new Set<string>();

/** Forgets the runs in progress here, as a crash would: for tests only. Internal. */
export function forgetRunningInPlace(): void {
  running.clear();
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

interface Journal {
  entries: string[];
  tags: string[];
}

function readJournal(bytes: Uint8Array, name: string): Journal {
  let value: unknown;
  try {
    value = parseJson(bytes);
  } catch {
    throw badJournal(name);
  }
  const j = value as Journal;
  const plain = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((n) => typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\\') && !n.includes('\0'));
  if (typeof j !== 'object' || j === null || !plain(j.entries) || !plain(j.tags)) throw badJournal(name);
  return j;
}

const badJournal = (name: string): EvidenceBundleError =>
  new EvidenceBundleError('ERR_BAG_INVALID', `the in-place journal in ${name} is not one evb wrote; nothing was changed`);

/** Moves back what the journal lists (each move only if it happened), then removes the staging directory. */
async function rollBack(root: string, staging: string, journal: Journal): Promise<void> {
  for (const name of journal.tags) await moveBack(join(root, name), join(staging, TAGS, name));
  const data = join(root, PAYLOAD_DIR);
  for (const name of journal.entries) await moveBack(join(data, name), join(root, name));
  // data/ is the staging's own (created empty): empty now, it goes back to be removed with the staging.
  if ((await fsp.lstat(data).catch(() => undefined))?.isDirectory() && (await fsp.lstat(join(staging, PAYLOAD_DIR)).catch(() => undefined)) === undefined) {
    await fsp.rmdir(data);
  }
  await fsyncDirectory(root);
  await fsp.unlink(join(staging, JOURNAL)).catch(() => undefined);
  await fsp.rm(staging, { recursive: true, force: true });
  await fsyncDirectory(root);
}

async function moveBack(from: string, to: string): Promise<void> {
  const there = await fsp.lstat(from).catch(() => undefined);
  const back = await fsp.lstat(to).catch(() => undefined);
  if (there !== undefined && back === undefined) await fsp.rename(from, to);
}

interface ListedFile {
  path: string;
  full: string;
  stat: Stats;
}

/** Every regular file below `root`, each lstat'ed; refuses anything a rename-only bundle cannot hold. */
async function listTree(root: string, rootStat: Stats): Promise<{ files: ListedFile[]; topLevel: string[] }> {
  let top: string[];
  try {
    top = (await fsp.readdir(root)).sort();
  } catch (cause) {
    throw ioError(cause, root);
  }
  for (const name of top) {
    const key = pathCollisionKey(name);
    if (key === pathCollisionKey('bagit.txt') || key === pathCollisionKey(PAYLOAD_DIR)) {
      throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${root} already holds ${JSON.stringify(name)}: it is a bag already, or collides with one`);
    }
    if (name.toLowerCase().startsWith(IN_PLACE_STAGING_PREFIX)) {
      throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(name)} is a name in-place packing reserves for itself`);
    }
  }
  const files: ListedFile[] = [];
  const walk = async (dir: string, prefix: string, names: string[]): Promise<void> => {
    if (names.length === 0 && prefix !== '') {
      throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(prefix)} is an empty directory, which a bag cannot list`);
    }
    const stats = await mapWithConcurrency(names, 64, (name) => lstatOrThrow(join(dir, name)));
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const stat = stats[i]!;
      const path = prefix === '' ? name : `${prefix}/${name}`;
      const full = join(dir, name);
      if (stat.dev !== rootStat.dev) throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${full} is on another file system`);
      if (stat.isDirectory()) {
        let inner: string[];
        try {
          inner = (await fsp.readdir(full)).sort();
        } catch (cause) {
          throw ioError(cause, full);
        }
        await walk(full, path, inner);
      } else if (stat.isFile()) {
        if (path !== path.normalize('NFC')) throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(path)} is not in NFC; a rename-only pack cannot rename it`);
        files.push({ path, full, stat });
      } else {
        throw new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', `${full} is not a regular file or directory (links and special files are not packed)`);
      }
    }
  };
  await walk(root, '', top);
  return { files, topLevel: top };
}

async function lstatOrThrow(path: string): Promise<Stats> {
  try {
    return await fsp.lstat(path);
  } catch (cause) {
    throw ioError(cause, path);
  }
}

function describe(files: ListedFile[], descriptions: ReadonlyArray<Omit<PackItem, 'source' | 'size'>>, hashable: boolean): PackSourceItem[] {
  const byPath = new Map(descriptions.map((d) => [d.path.normalize('NFC'), d]));
  const given = descriptions.flatMap((d) => (typeof d.id === 'string' ? [d.id] : []));
  const unnamed = files.filter((f) => typeof byPath.get(f.path)?.id !== 'string');
  const derived = itemIdsFromPaths(unnamed.map((u) => u.path), given);
  const ids = new Map(unnamed.map((f, i) => [f.path, derived[i]!]));
  return files.map((f) => {
    const { mediaType, ...rest } = (byPath.get(f.path) ?? { path: f.path }) as Omit<PackItem, 'source' | 'size'>;
    return {
      ...rest,
      id: rest.id ?? ids.get(f.path)!,
      path: f.path,
      mediaType: mediaType ?? guessMediaType(f.path),
      size: f.stat.size,
      data: () => sourceBytes(f.full, f.stat),
      ...(hashable ? { copySource: { path: f.full, ino: f.stat.ino, dev: f.stat.dev, size: f.stat.size, mtimeMs: f.stat.mtimeMs } satisfies StatedFile } : {}),
    } as PackSourceItem;
  });
}

/**
 * A sink that hashes the payload where it lies and writes the tag files to `tags`. A file named by a
 * {@link StatedFile} `copySource` is hashed by the copy workers (`copy` writes nothing: a 'hash' job, with the
 * checks of a copy), a message per batch of files; any other is read through this thread (packBundleTo hashes it
 * as it passes).
 */
function stagingSink(tags: string, topNames: Set<string>): BagSink {
  let hasher: CopyPool | undefined;
  const written: string[] = [];
  const stop = async (): Promise<void> => {
    const pool = hasher;
    hasher = undefined;
    await pool?.close();
  };
  return {
    ordered: false,
    concurrency: 4,
    copyConcurrency: HASHES_IN_FLIGHT,
    async copy(path, source, _size, algorithms) {
      if (!path.startsWith(`${PAYLOAD_DIR}/`)) throw new TypeError(`only payload files are hashed in place, not ${JSON.stringify(path)}`);
      const file = source as StatedFile;
      if (typeof file?.path !== 'string') throw new TypeError(`the source of ${JSON.stringify(path)} is not a stated file`);
      hasher ??= createCopyPool();
      return hasher.hash(file, algorithms);
    },
    async add(path: string, data: BagData) {
      if (path.startsWith(`${PAYLOAD_DIR}/`)) {
        if (data instanceof Uint8Array) return;
        for await (const _chunk of data) {
          // The bytes stay where they are: they were only read to be hashed.
        }
        return;
      }
      const bytes = data instanceof Uint8Array ? data : await collect(data);
      const target = join(tags, path);
      await fsp.mkdir(dirname(target), { recursive: true });
      // Flushed at commit, all at once: one after another, each waited on a journal commit of its own.
      await fsp.writeFile(target, bytes, { flag: 'wx', mode: 0o644 });
      written.push(target);
      topNames.add(path.split('/')[0]!);
    },
    async commit() {
      await stop();
      await Promise.all(written.map((file) => fsyncFile(file)));
      await fsyncTree(tags);
    },
    async abort() {
      await stop();
    },
  };
}

/** Renames of top-level entries under way at the same time. */
const RENAMES_IN_FLIGHT = 16;

/** Files asked of the hashing workers at the same time: messages, not bytes, wait here. */
const HASHES_IN_FLIGHT = 512;

async function collect(data: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of data) {
    chunks.push(c.slice());
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
