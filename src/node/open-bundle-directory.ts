import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { BagEntry, BagSource } from '../bagit/bag-source.js';
import { EvidenceBundleError } from '../errors.js';
import { COMMIT_JOURNAL, PENDING_SUFFIX, readCommitJournal } from './commit-tag-files.js';
import type { DigestPool } from './digest-pool.js';
import { openDirectorySource } from './directory-source.js';
import { ioError } from './io-error.js';

/**
 * Opens a bundle directory for reading (verification, inspection). Reading never writes: when a tag-file
 * update was interrupted after its commit point, the reader sees the committed new versions; before it, the
 * old ones (docs/format.md, "Atomic updates"). The protocol's own files are hidden from the bag.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND` when the directory does not exist, `ERR_IO` when it
 *   cannot be reached (permission denied) or read, `ERR_BAG_INVALID` when it is not a directory.
 */
export async function openBundleDirectory(dir: string, options: { pool?: DigestPool } = {}): Promise<BagSource> {
  let stat;
  try {
    stat = await fsp.stat(dir);
  } catch (cause) {
    // A directory that cannot be reached for want of permission exists: ERR_IO, not "no such bundle".
    throw ioError(cause, dir);
  }
  if (!stat.isDirectory()) throw new EvidenceBundleError('ERR_BAG_INVALID', `${dir} is not a bundle directory`);
  const pool = options.pool;
  const base = openDirectorySource(dir, pool ? { digest: (path, algorithms) => pool.digestFile(join(dir, path), algorithms) } : {});
  // Committed tag files whose new version has not been renamed into place yet (an interrupted update).
  const pending = new Set<string>();
  let committed: string[] = [];
  try {
    committed = (await readCommitJournal(dir)) ?? [];
  } catch {
    // A journal that cannot be read was never completed as a commit: its pending files are ignored.
  }
  for (const name of committed) {
    const st = await fsp.lstat(join(dir, name + PENDING_SUFFIX)).catch(() => undefined);
    if (st?.isFile()) pending.add(name);
  }
  return withCommitView(base, pending);
}

/** Hides the update protocol's files and resolves committed-but-unrenamed tag files to their new versions. */
function withCommitView(base: BagSource, pending: ReadonlySet<string>): BagSource {
  const isProtocolFile = (path: string): boolean =>
    !path.startsWith('data/') && (path === COMMIT_JOURNAL || path === `${COMMIT_JOURNAL}.tmp` || path.endsWith(PENDING_SUFFIX));
  const resolvePath = (path: string): string => (pending.has(path) ? path + PENDING_SUFFIX : path);
  const view: BagSource = {
    async *list() {
      const entries: BagEntry[] = [];
      const newVersions = new Map<string, BagEntry>();
      for await (const entry of base.list()) {
        if (!isProtocolFile(entry.path)) entries.push(entry);
        else if (entry.path.endsWith(PENDING_SUFFIX) && pending.has(entry.path.slice(0, -PENDING_SUFFIX.length))) {
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
    read: (path) => base.read(resolvePath(path)),
  };
  if (base.digest !== undefined) {
    const digest = base.digest.bind(base);
    view.digest = (path, algorithms) => digest(resolvePath(path), algorithms);
  }
  return view;
}
