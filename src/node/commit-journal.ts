import { type Dirent, promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import { COMMIT_JOURNAL, isCommitProtocolPath, JOURNAL_TMP, PAYLOAD_DIR, PENDING_SUFFIX } from '../model/layout.js';
import { parseJson } from '../encoding/strict-json.js';
import { type ErrorCode, isEvidenceBundleError } from '../errors.js';
import { checkBundlePath, pathCollisionKey } from '../path/bundle-path.js';
import type { FindingCode } from '../report/codes.js';
import { readRegularFile } from './read-regular-file.js';

// The protocol's names are the core's (model/layout.ts): other forms must refuse what this one hides.
export { COMMIT_JOURNAL, JOURNAL_TMP, PENDING_SUFFIX };
/** Largest journal read (docs/format.md, "Atomic updates"); the journal names a handful of tag files. */
export const JOURNAL_MAX_BYTES = 64 * 1024;

/** Whether a bag path is one of the commit protocol's own files, which are not part of the bag. */
export const isProtocolFile = isCommitProtocolPath;

/**
 * One thing wrong with the commit protocol's files of a bundle directory. Each makes the bundle invalid: a
 * reader reports `finding`, a writer throws `error` and changes nothing.
 */
export interface CommitProblem {
  finding: FindingCode & ('bag.journal.invalid' | 'bag.journal.special-file');
  error: ErrorCode & ('ERR_BAG_INVALID' | 'ERR_PATH_UNSAFE');
  /** The bag path of the file at fault. */
  path: string;
  message: string;
}

/** The state of the commit protocol in a bundle directory, as {@link readCommitState} found it. */
export interface CommitState {
  /** The names a well-formed journal lists: a commit to complete. Undefined without a journal or with a bad one. */
  committed?: readonly string[];
  /** The names among `committed` whose `<name>.evb-new` is a regular file: readers see it instead of `<name>`. */
  pending: ReadonlySet<string>;
  /** The protocol's regular files other than the journal (`.evb-commit.tmp`, `*.evb-new` outside `data/`). */
  leftovers: readonly string[];
  problems: readonly CommitProblem[];
}

/**
 * Reads the commit protocol's files of a bundle directory: the one reader for every reader and writer of
 * bundle directories (docs/format.md, "Atomic updates"). The journal is opened without following a link and
 * without blocking, its size judged on the descriptor before reading (at most {@link JOURNAL_MAX_BYTES}), and
 * parsed strictly: exactly `{"files": [...]}`, a non-empty list of distinct replaceable tag files. Every other
 * protocol file must be a regular file. Never reads a file a link points to, never renames or removes anything.
 * Directories that cannot be listed are passed over here: listing the bag reports them. Never throws for what
 * the directory holds: every problem is in `problems`.
 */
export async function readCommitState(root: string): Promise<CommitState> {
  const problems: CommitProblem[] = [];
  const leftovers: string[] = [];
  await walkProtocolFiles(root, '', problems, leftovers);
  const journal = await readJournal(root);
  if (typeof journal === 'string') problems.unshift(journalProblem(journal));
  const committed = Array.isArray(journal) ? journal : undefined;
  const pending = new Set<string>();
  for (const name of committed ?? []) {
    const parent = await firstParentNotDirectory(root, name);
    if (parent !== undefined) {
      // The journal is refused as a whole: one finding, for the first such name.
      problems.unshift({ ...journalProblem(`names ${JSON.stringify(name)} through ${parent}, which is not a directory`), error: 'ERR_PATH_UNSAFE' });
      break;
    }
    const stat = await fsp.lstat(join(root, name + PENDING_SUFFIX)).catch(() => undefined);
    // A pending version that is not a regular file is reported by the walk and never read.
    if (stat?.isFile()) pending.add(name);
  }
  const valid = problems.length === 0;
  return { ...(valid && committed !== undefined ? { committed } : {}), pending: valid ? pending : new Set(), leftovers, problems };
}

/**
 * Why `name` may not be replaced by a commit, or undefined: it must be a safe bundle path outside `data/` and
 * none of the protocol's own files. Compared after case folding, as a case-insensitive file system would.
 */
export function replaceProblem(name: string): string | undefined {
  const problem = checkBundlePath(name);
  if (problem !== undefined) return problem;
  const key = pathCollisionKey(name);
  if (key === PAYLOAD_DIR || key.startsWith(`${PAYLOAD_DIR}/`)) return 'a payload file';
  if (key.endsWith(PENDING_SUFFIX) || key === COMMIT_JOURNAL || key === JOURNAL_TMP) return 'a file of the commit protocol';
  return undefined;
}

function journalProblem(why: string): CommitProblem {
  return { finding: 'bag.journal.invalid', error: 'ERR_BAG_INVALID', path: COMMIT_JOURNAL, message: `${COMMIT_JOURNAL} ${why}` };
}

/** The journal's names, undefined when there is none, or why it is refused. */
async function readJournal(root: string): Promise<string[] | string | undefined> {
  const path = join(root, COMMIT_JOURNAL);
  let bytes: Uint8Array | 'too-large';
  try {
    bytes = await readRegularFile(path, JOURNAL_MAX_BYTES, { name: COMMIT_JOURNAL });
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND')) return undefined;
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_REGULAR_FILE')) {
      return `is ${describeKind(await fsp.lstat(path).catch(() => undefined))}, not a regular file`;
    }
    return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (bytes === 'too-large') return `is larger than ${JOURNAL_MAX_BYTES} bytes`;
  let value: unknown;
  try {
    // Depth 2: the object and its one array.
    value = parseJson(bytes, { maxBytes: JOURNAL_MAX_BYTES, maxDepth: 2 });
  } catch (error) {
    return `is not strict JSON (${isEvidenceBundleError(error) ? error.code : 'unreadable'})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const extra = Object.keys(value).filter((k) => k !== 'files');
  if (extra.length > 0) return `has the member ${JSON.stringify(extra[0])}; only "files" is allowed`;
  const files = (value as { files?: unknown }).files;
  if (!Array.isArray(files)) return 'has no "files" array';
  if (files.length === 0) return 'lists no file';
  const seen = new Set<string>();
  for (const [i, name] of files.entries()) {
    if (typeof name !== 'string') return `files[${i}] is not a string`;
    const problem = replaceProblem(name);
    if (problem !== undefined) return `names ${JSON.stringify(name)}, which is not a replaceable tag file: ${problem}`;
    const key = pathCollisionKey(name);
    if (seen.has(key)) return `names ${JSON.stringify(name)} twice (compared after case folding)`;
    seen.add(key);
  }
  return files as string[];
}

/** Records every protocol file below `rel` other than the journal: regular ones as leftovers, others as problems. */
async function walkProtocolFiles(root: string, rel: string, problems: CommitProblem[], leftovers: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    if (path !== COMMIT_JOURNAL && isProtocolFile(path)) {
      if (e.isFile()) leftovers.push(path);
      else {
        problems.push({
          finding: 'bag.journal.special-file',
          error: 'ERR_BAG_INVALID',
          path,
          message: `${path} is ${describeKind(e)}: a file of the commit protocol must be a regular file`,
        });
      }
    }
    // Links are never followed; payload files are never written by a commit.
    if (e.isDirectory() && path !== PAYLOAD_DIR) await walkProtocolFiles(root, path, problems, leftovers);
  }
}

/**
 * The first parent directory of `name` inside `root` that exists but is not a real directory (a link, a file):
 * a rename through it would leave the bundle. Missing parents give undefined.
 */
export async function firstParentNotDirectory(root: string, name: string): Promise<string | undefined> {
  const segments = name.split('/');
  for (let i = 1; i < segments.length; i++) {
    const parent = segments.slice(0, i).join('/');
    const stat = await fsp.lstat(join(root, parent)).catch(() => undefined);
    if (stat === undefined) return undefined;
    if (!stat.isDirectory()) return parent;
  }
  return undefined;
}

function describeKind(entry: Dirent | Stats | undefined): string {
  if (entry === undefined) return 'of a kind that cannot be told';
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isDirectory()) return 'a directory';
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'a device';
  return 'a special file';
}
