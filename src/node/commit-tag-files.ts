import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { EvidenceBundleError } from '../errors.js';
import { utf8Encode } from '../internal/bytes.js';
import {
  COMMIT_JOURNAL,
  type CommitState,
  firstParentNotDirectory,
  JOURNAL_TMP,
  PENDING_SUFFIX,
  readCommitState,
  replaceProblem,
} from './commit-journal.js';
import { fsyncDirectory, writeFileDurable } from './fs-sync.js';
import { ioError } from './io-error.js';

export { COMMIT_JOURNAL, PENDING_SUFFIX } from './commit-journal.js';

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
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE`, `ERR_BAG_INVALID` (a journal or another protocol file left in
 *   the bundle is one its readers report, see `readCommitState`), `ERR_IO`
 * @throws RangeError for an empty `files`: the journal of a commit lists at least one file
 */
export async function commitTagFiles(root: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  if (files.size === 0) throw new RangeError('commitTagFiles needs at least one file');
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
 * @throws EvidenceBundleError `ERR_BAG_INVALID` (a malformed journal, one naming a payload or protocol file, or a
 *   protocol file that is not a regular file), `ERR_PATH_UNSAFE` (a journal naming a file behind a symbolic link), `ERR_SOURCE_NOT_FOUND`, `ERR_IO`
 */
export async function recoverInterruptedCommit(root: string): Promise<'none' | 'completed' | 'discarded'> {
  try {
    return await recover(root);
  } catch (cause) {
    throw cause instanceof EvidenceBundleError ? cause : ioError(cause, root);
  }
}

async function recover(root: string): Promise<'none' | 'completed' | 'discarded'> {
  const state = await readCommitState(root);
  assertNoCommitProblem(state);
  if (state.committed !== undefined) {
    await applyJournal(root, state.committed);
    return 'completed';
  }
  for (const file of state.leftovers) await fsp.rm(join(root, file), { force: true });
  return state.leftovers.some((f) => f.endsWith(PENDING_SUFFIX)) ? 'discarded' : 'none';
}

/**
 * Throws for the first problem {@link readCommitState} found, so that a writer changes nothing in a bundle whose
 * protocol files its readers report (`bag.journal.*`).
 * @throws EvidenceBundleError `ERR_BAG_INVALID`, or `ERR_PATH_UNSAFE` for a journal naming a file behind a link
 */
export function assertNoCommitProblem(state: CommitState): void {
  const first = state.problems[0];
  if (first === undefined) return;
  const more = state.problems.length > 1 ? ` (and ${state.problems.length - 1} more problem(s) with the commit protocol's files)` : '';
  throw new EvidenceBundleError(first.error, `${first.message}${more}`);
}

/**
 * Refuses a name whose parent directories inside `root` include anything but a real directory: a symbolic
 * link there would carry the write or rename outside the bundle. Missing parents are fine (created as
 * directories).
 */
async function assertRealParents(root: string, name: string): Promise<void> {
  const parent = await firstParentNotDirectory(root, name);
  if (parent !== undefined) throw new EvidenceBundleError('ERR_PATH_UNSAFE', `${name}: ${parent} is not a directory`);
}

async function applyJournal(root: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await assertRealParents(root, name);
    const pending = join(root, name + PENDING_SUFFIX);
    // Absent: already renamed before the interruption, nothing left to do for this file. Anything but a regular
    // file is never moved into the bag (readCommitState reports it; this holds if it was swapped in since).
    const stat = await fsp.lstat(pending).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return undefined;
      throw cause;
    });
    if (stat === undefined) continue;
    if (!stat.isFile()) throw new EvidenceBundleError('ERR_BAG_INVALID', `${name}${PENDING_SUFFIX} is not a regular file`);
    await fsp.rename(pending, join(root, name));
  }
  for (const dir of new Set(names.map((n) => dirname(join(root, n))))) await fsyncDirectory(dir);
  await fsp.rm(join(root, COMMIT_JOURNAL), { force: true });
  await fsyncDirectory(root);
}
