import { isEvidenceBundleError } from '../errors.js';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import type { Finding } from '../report/finding-type.js';

/** One entry below the root of a bag, as a {@link BagSource} lists it. */
export interface BagEntry {
  /** Relative to the bag root, `/`-separated. A source may report a hostile path; the validator checks it. */
  path: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Size in bytes of a regular file; 0 otherwise. */
  size: number;
}

/**
 * Where the bytes of a bag come from: a directory (`openDirectorySource` in `evidence-bundle/node`), a ZIP,
 * memory, a browser `FileSystemDirectoryHandle`. The validator trusts nothing a source reports.
 */
export interface BagSource {
  /** Every entry below the bag root (recursively), relative paths with '/' separators. Must not follow symlinks. */
  list(): AsyncIterable<BagEntry>;
  /** Bytes of one regular file, in chunks. */
  read(path: string): AsyncIterable<Uint8Array>;
  /** Optional fast path (a Node worker pool): digests of one file for several algorithms in one pass. */
  digest?(path: string, algorithms: readonly DigestAlgorithm[]): Promise<{ digests: DigestSet; size: number }>;
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
