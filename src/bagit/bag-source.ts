import { isEvidenceBundleError } from '../errors.js';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import type { FindingCode } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';

/** One entry below the root of a bag, as a {@link BagSource} lists it. */
export interface BagEntry {
  /** Relative to the bag root, `/`-separated. A source may report a hostile path; the validator checks it. */
  path: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
  /**
   * Size in bytes of a regular file; 0 otherwise. -1 for a payload file (under `data/`) that the source lists
   * without a stat (the directory source): its size is the one its digest reads. A tag file's size must be known,
   * for the validator refuses one that is too large before reading it.
   */
  size: number;
}

/** Options of {@link BagSource.read}. */
export interface BagReadOptions {
  /**
   * The caller reads the file whole and wants at most this many bytes (a tag file). A source should refuse a
   * longer file before reading it, by throwing EvidenceBundleError `ERR_LIMIT_EXCEEDED`, and need not yield more
   * than `maxBytes + 1` bytes of a file that grows while it is read. A source that ignores it is still safe: the
   * caller counts what it gets.
   */
  maxBytes?: number;
}

/** Something wrong with a source's own container that its listing cannot show, for the validator to report. */
export interface BagSourceProblem {
  /** A finding code of the report tables (docs/format.md, "Finding codes"). */
  code: FindingCode;
  /** The bag path of the file at fault; absent when the container as a whole is (a ZIP's end records, say). */
  path?: string;
  message: string;
}

/**
 * Where the bytes of a bag come from: a directory (`openDirectorySource` in `evidence-bundle/node`), a ZIP,
 * memory, a browser `FileSystemDirectoryHandle`. The validator trusts nothing a source reports.
 */
export interface BagSource {
  /** Every entry below the bag root (recursively), relative paths with '/' separators. Must not follow symlinks. */
  list(): AsyncIterable<BagEntry>;
  /** Bytes of one regular file, in chunks. */
  read(path: string, options?: BagReadOptions): AsyncIterable<Uint8Array>;
  /**
   * Optional fast path (a Node worker pool, a ZIP's entries): digests of one file for several algorithms in one
   * pass. `problems` are what the pass found wrong in the container about these bytes (a ZIP entry whose CRC-32
   * is not the one recorded): each becomes a finding, and the digests, those of the bytes read, are still
   * compared with the manifests, so that altered bytes are reported as altered, not as missing.
   */
  digest?(
    path: string,
    algorithms: readonly DigestAlgorithm[],
  ): Promise<{ digests: DigestSet; size: number; problems?: readonly BagSourceProblem[] }>;
  /**
   * Optional fast path for many files at once (a directory on a Node worker pool): the digests of every file of
   * `paths` for exactly `algorithms` (registry algorithms, SHA-256 first), packed. A file that cannot be digested
   * (missing, not a regular file any more, an unsafe path) is in `errors` with what its `digest` would have
   * thrown, and the others are digested all the same; the call itself throws only when the source cannot work
   * at all (`ERR_IO`). Problems of the container about those bytes come back in `problems`, as from `digest`.
   */
  digestFiles?(paths: readonly string[], algorithms: readonly DigestAlgorithm[]): Promise<BagFilesDigests>;
  /**
   * Optional: problems the source found in its own container that `list` cannot show, such as the files a
   * container's update protocol hides from the bag (a bundle directory's commit journal, docs/format.md "Atomic
   * updates"). The validator asks once, before listing, and reports each as a finding with its code's own
   * severity; a code outside the finding tables, or a call that fails, is reported as `bag.entry.unreadable`.
   */
  problems?(): Promise<readonly BagSourceProblem[]>;
}

/** What {@link BagSource.digestFiles} computed for a list of files, packed: no object per file. */
export interface BagFilesDigests {
  /** Bytes read of each file, in the order of the paths; -1 for a file in `errors`. */
  sizes: Float64Array;
  /**
   * Each file's digests one after the other, each algorithm's bytes in the order asked: file `i` starts at
   * `i` times the sum of the algorithms' output lengths.
   */
  digests: Uint8Array;
  /** The files that could not be digested, by index in the paths, in increasing order, with the error. */
  errors: ReadonlyArray<{ index: number; error: unknown }>;
  /**
   * What the pass found wrong in the container about these files' bytes, as {@link BagSource.digest}'s
   * `problems` (a ZIP entry whose CRC-32 is not the one recorded): each becomes a finding, and the digests, those
   * of the bytes read, are still compared with the manifests.
   */
  problems?: readonly BagSourceProblem[];
}

/** Size and digests of one file of a validated bag. */
export interface BagFileDigests {
  size: number;
  /** SHA-256 always, plus every registry algorithm a manifest of the same kind (payload or tag) uses. */
  digests: DigestSet;
}

/** What {@link validateBag} found: the verdict, every finding, and the digests it computed on the way. */
export interface BagValidation {
  /** True when no finding has severity `error`. */
  valid: boolean;
  /** The declared BagIt version (`1.0`, `0.97`...), when bagit.txt could be read. */
  version?: string;
  findings: Finding[];
  /** Every regular file under `data/` with a safe path that could be read, by bag path. */
  payload: Map<string, BagFileDigests>;
  /** Every regular file outside `data/` with a safe path that could be read, by bag path. */
  tagFiles: Map<string, BagFileDigests>;
  /** bag-info.txt as ordered label/value pairs (repeated labels kept); empty when absent. */
  bagInfo: Array<[string, string]>;
  /**
   * Every tag manifest whose algorithm this validator implements, by file name, with the paths it lists: what a
   * profile that requires each tag manifest to cover every tag file checks against `tagFiles`.
   */
  tagManifests: Map<string, ReadonlySet<string>>;
  /** Registry algorithms of the usable payload manifests (SHA-256 first when present). */
  algorithms: DigestAlgorithm[];
}

/**
 * An I/O error of the source (`ERR_IO`: permission denied, a failing disk) says nothing about the bundle: it is
 * thrown, so the caller hears "cannot read" rather than a verdict of INVALID on bytes nobody could see.
 * Everything else a source throws (missing, not a regular file, unsafe path) is about the bag, and a finding.
 */
export function rethrowIoError(error: unknown): void {
  if (isEvidenceBundleError(error, 'ERR_IO')) throw error;
}
