import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { PAYLOAD_DIR } from '../bundle/layout.js';
import { checkBundlePath, pathCollisionKey } from '../path/bundle-path.js';
import { EvidenceBundleError } from '../errors.js';
import { utf8DecodeStrict, utf8Encode } from '../internal/bytes.js';
import { fsyncDirectory, writeFileDurable } from './fs-sync.js';
import { ioError } from './io-error.js';

/** Suffix of a tag file's next version while a commit is under way. */
export const PENDING_SUFFIX = '.evb-new';
/** The journal at the bundle root: its presence means the pending versions it lists are committed. */
export const COMMIT_JOURNAL = '.evb-commit';
const JOURNAL_TMP = `${COMMIT_JOURNAL}.tmp`;

/**
 * Replaces several tag files of a bundle directory as one atomic step (docs/format.md, "Atomic updates").
 * A crash or kill at any moment leaves either every old file or every new file visible to readers that
 * follow the protocol (`openBundleDirectory` does):
 *   1. finish any earlier interrupted commit;
 *   2. write every new version beside the old one as `<name>.evb-new` and flush it;
 *   3. write the journal `.evb-commit` naming them (through a flushed temporary file and a rename): the
 *      commit point;
 *   4. rename each new version over the old one, flush the directories;
 *   5. remove the journal.
 * Payload files are never touched: only paths outside `data/` may be replaced, and never through a parent
 * directory that is a symbolic link.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE`, `ERR_BAG_INVALID` (a journal left in the bundle is malformed),
 *   `ERR_IO`
 */
export async function commitTagFiles(root: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const name of files.keys()) {
    const problem = replaceProblem(name);
    if (problem !== undefined) throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${JSON.stringify(name)} is not a replaceable tag file: ${problem}`);
  }
  try {
    await recover(root);
    const names = [...files.keys()].sort();
    for (const name of names) {
      await assertRealParents(root, name);
      const pending = join(root, name + PENDING_SUFFIX);
      await fsp.mkdir(dirname(pending), { recursive: true });
      await fsp.rm(pending, { force: true });
      await writeFileDurable(pending, files.get(name)!);
    }
    for (const dir of new Set(names.map((n) => dirname(join(root, n))))) await fsyncDirectory(dir);
    const journal = join(root, COMMIT_JOURNAL);
    const journalTmp = join(root, JOURNAL_TMP);
    await fsp.rm(journalTmp, { force: true });
    await writeFileDurable(journalTmp, utf8Encode(JSON.stringify({ files: names }) + '\n'));
    await fsp.rename(journalTmp, journal);
    await fsyncDirectory(root);
    await applyJournal(root, names);
  } catch (cause) {
    throw cause instanceof EvidenceBundleError ? cause : ioError(cause, root);
  }
}

/**
 * Completes a commit that a crash interrupted after its commit point, or discards the leftovers of one that
 * never reached it. Returns what it did. A journal is read like everything else in a bundle that may come from
 * someone else: it may only name replaceable tag files, reached through real directories.
 * @throws EvidenceBundleError `ERR_BAG_INVALID` (a malformed journal, or one naming a payload or protocol file),
 *   `ERR_PATH_UNSAFE` (a journal naming a file behind a symbolic link), `ERR_SOURCE_NOT_FOUND`, `ERR_IO`
 */
export async function recoverInterruptedCommit(root: string): Promise<'none' | 'completed' | 'discarded'> {
  try {
    return await recover(root);
  } catch (cause) {
    throw cause instanceof EvidenceBundleError ? cause : ioError(cause, root);
  }
}

async function recover(root: string): Promise<'none' | 'completed' | 'discarded'> {
  const names = await readCommitJournal(root);
  if (names !== undefined) {
    await applyJournal(root, names);
    return 'completed';
  }
  const leftovers = await findPendingFiles(root);
  await fsp.rm(join(root, JOURNAL_TMP), { force: true });
  for (const file of leftovers) await fsp.rm(join(root, file), { force: true });
  return leftovers.length > 0 ? 'discarded' : 'none';
}

/**
 * The names a committed-but-unfinished journal lists, or undefined when there is no journal.
 * @throws EvidenceBundleError `ERR_BAG_INVALID` for a journal that is not one this protocol writes.
 */
export async function readCommitJournal(root: string): Promise<string[] | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(join(root, COMMIT_JOURNAL));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
  let files: unknown;
  try {
    files = (JSON.parse(utf8DecodeStrict(bytes)) as { files?: unknown } | null)?.files;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_BAG_INVALID', `${COMMIT_JOURNAL} is malformed`, { cause });
  }
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string' && replaceProblem(f) === undefined)) {
    throw new EvidenceBundleError('ERR_BAG_INVALID', `${COMMIT_JOURNAL} is malformed or names a file it may not replace`);
  }
  return files;
}

/**
 * Why `name` may not be replaced by a commit, or undefined: it must be a safe bundle path outside `data/` and
 * none of the protocol's own files. Compared after case folding, as a case-insensitive file system would.
 */
function replaceProblem(name: string): string | undefined {
  const problem = checkBundlePath(name);
  if (problem !== undefined) return problem;
  const key = pathCollisionKey(name);
  if (key === PAYLOAD_DIR || key.startsWith(`${PAYLOAD_DIR}/`)) return 'a payload file';
  if (key.endsWith(PENDING_SUFFIX) || key === COMMIT_JOURNAL || key === JOURNAL_TMP) return 'a file of the commit protocol';
  return undefined;
}

/**
 * Refuses a name whose parent directories inside `root` include anything but a real directory: a symbolic
 * link there would carry the write or rename outside the bundle. Missing parents are fine (created as
 * directories).
 */
async function assertRealParents(root: string, name: string): Promise<void> {
  const segments = name.split('/');
  let dir = root;
  for (let i = 0; i < segments.length - 1; i++) {
    dir = join(dir, segments[i]!);
    let stat;
    try {
      stat = await fsp.lstat(dir);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw cause;
    }
    if (!stat.isDirectory()) {
      throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${name}: ${segments.slice(0, i + 1).join('/')} is not a directory`);
    }
  }
}

async function applyJournal(root: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await assertRealParents(root, name);
    try {
      await fsp.rename(join(root, name + PENDING_SUFFIX), join(root, name));
    } catch (cause) {
      // Already renamed before the interruption: nothing left to do for this file.
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
  }
  for (const dir of new Set(names.map((n) => dirname(join(root, n))))) await fsyncDirectory(dir);
  await fsp.rm(join(root, COMMIT_JOURNAL), { force: true });
  await fsyncDirectory(root);
}

/** Pending versions left outside `data/` (payload files are never written this way). */
async function findPendingFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await fsp.readdir(join(root, rel), { withFileTypes: true });
    for (const e of entries) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (path !== PAYLOAD_DIR) await walk(path);
      } else if (e.name.endsWith(PENDING_SUFFIX)) {
        out.push(path);
      }
    }
  };
  await walk('');
  return out;
}
