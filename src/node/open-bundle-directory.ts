import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { BagEntry, BagSource } from '../bagit/bag-source.js';
import { EvidenceBundleError } from '../errors.js';
import { type CommitState, isProtocolFile, PENDING_SUFFIX, readCommitState } from './commit-journal.js';
import { assertNoCommitProblem } from './commit-tag-files.js';
import type { DigestPool } from './digest-pool.js';
import { openDirectorySource } from './directory-source.js';
import { ioError } from './io-error.js';

/**
 * Opens a bundle directory for reading (verification, inspection). Reading never writes: when a tag-file
 * update was interrupted after its commit point, the reader sees the committed new versions; before it, the
 * old ones (docs/format.md, "Atomic updates"). The protocol's own files are hidden from the bag; a journal that
 * is not one the protocol writes, or a protocol file that is not a regular file, is never acted on (the reader
 * sees the old versions) and is handed to the validator through the source's `problems`
 * (`bag.journal.invalid`, `bag.journal.special-file`), which makes the bundle invalid.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND` when the directory does not exist, `ERR_IO` when it
 *   cannot be reached (permission denied) or read, `ERR_BAG_INVALID` when it is not a directory.
 */
export async function openBundleDirectory(dir: string, options: { pool?: DigestPool } = {}): Promise<BagSource> {
  return (await open(dir, options)).source;
}

/**
 * {@link openBundleDirectory} for a writer (sign, custody append, timestamp): refuses, before anything is read
 * or written, a bundle whose commit-protocol files its readers report, so that writers and `verify` apply one
 * rule.
 * @throws EvidenceBundleError `ERR_BAG_INVALID` (or `ERR_PATH_UNSAFE` for a journal naming a file behind a
 *   link), and what {@link openBundleDirectory} throws
 */
export async function openBundleDirectoryForUpdate(dir: string): Promise<BagSource> {
  const { source, state } = await open(dir, {});
  assertNoCommitProblem(state);
  return source;
}

async function open(dir: string, options: { pool?: DigestPool }): Promise<{ source: BagSource; state: CommitState }> {
  let stat;
  try {
    stat = await fsp.stat(dir);
  } catch (cause) {
    // A directory that cannot be reached for want of permission exists: ERR_IO, not "no such bundle".
    throw ioError(cause, dir);
  }
  if (!stat.isDirectory()) throw new EvidenceBundleError('ERR_BAG_INVALID', `${dir} is not a bundle directory`);
  const pool = options.pool;
  const base = openDirectorySource(
    dir,
    pool ? { digest: (path, algorithms) => pool.digestFile(join(dir, path), algorithms), digestFiles: (root, names, algorithms) => pool.digestFiles(root, names, algorithms) } : {},
  );
  const state = await readCommitState(dir);
  return { source: withCommitView(base, state), state };
}

/** Hides the update protocol's files and resolves committed-but-unrenamed tag files to their new versions. */
function withCommitView(base: BagSource, state: CommitState): BagSource {
  const { pending } = state;
  const resolvePath = (path: string): string => (pending.has(path) ? path + PENDING_SUFFIX : path);
  const view: BagSource = {
    async *list() {
      const entries: BagEntry[] = [];
      const newVersions = new Map<string, BagEntry>();
      for await (const entry of base.list()) {
        if (!isProtocolFile(entry.path)) entries.push(entry);
        else if (entry.kind === 'file' && entry.path.endsWith(PENDING_SUFFIX) && pending.has(entry.path.slice(0, -PENDING_SUFFIX.length))) {
          newVersions.set(entry.path.slice(0, -PENDING_SUFFIX.length), entry);
        }
      }
      for (const entry of entries) {
        const next = newVersions.get(entry.path);
        newVersions.delete(entry.path);
        yield next ? { ...next, path: entry.path } : entry;
      }
      // A committed file that did not exist before (a first signature, say) appears under its own name.
      for (const [name, entry] of newVersions) yield { ...entry, path: name };
    },
    read: (path, options) => base.read(resolvePath(path), options),
    problems: () => Promise.resolve(state.problems.map(({ finding, path, message }) => ({ code: finding, path, message }))),
  };
  if (base.digest !== undefined) {
    const digest = base.digest.bind(base);
    view.digest = (path, algorithms) => digest(resolvePath(path), algorithms);
  }
  if (base.digestFiles !== undefined) {
    const digestFiles = base.digestFiles.bind(base);
    view.digestFiles = (paths, algorithms) => digestFiles(pending.size === 0 ? paths : paths.map(resolvePath), algorithms);
  }
  return view;
}
