import { compareCodePoints } from '../bagit/manifest.js';
import type { DigestAlgorithm, DigestBackend, DigestSet } from '../digest/algorithms.js';
import { iterateBytes, type ByteSource } from '../digest/digest-stream.js';
import { createMultiDigest, normaliseAlgorithms } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { mapWithConcurrency } from '../internal/map-with-concurrency.js';
import { commitManifest, type CommitItemsOptions } from '../disclosure/commit-items.js';
import { DISCLOSURES_FILE, LIMITS, MANIFEST_FILE, payloadPath, SIGNATURES_FILE } from '../model/layout.js';
import type { Manifest } from '../model/manifest.js';
import { assertWritablePath } from '../path/bundle-path.js';
import { serializeSignatureFile } from '../sign/signature-file.js';
import { isSignatureRole, signDetached, SIGNATURE_ROLES } from '../sign/sign-detached.js';
import type { Signer } from '../sign/signer.js';
import type { BagData, BagSink } from './bag-sink.js';
import { buildManifest, type BundleMetadata, type BuiltItem, type ItemDescription } from './build-manifest.js';
import { createBagDeclarationFiles, createTagFiles } from './create-tag-files.js';
import { findTreeCollisions } from './tree-collisions.js';

/** One present item for {@link packBundleTo}: what the manifest says of it, and its bytes with their size. */
export interface PackSourceItem extends ItemDescription {
  /** The item's path inside `data/` (forward slashes, NFC). */
  path: string;
  /**
   * Exact number of bytes `data` gives; for an ordered sink (ZIP) bag-info.txt (Payload-Oxum) is written from it
   * before any byte is read, so it is required there. Without it, the size is what `data` gives.
   */
  size?: number;
  /**
   * The bytes, or a function opening them when their turn comes (so that not every file is open at once). A chunk
   * once yielded must not be reused by the source (see {@link BagData}).
   */
  data: ByteSource | (() => ByteSource);
  /**
   * Where a sink that copies by itself ({@link BagSink.copy}, a directory on disk) can take the same bytes
   * without them passing through this thread; `data` is used by any other sink. Its digests are then the sink's.
   */
  copySource?: unknown;
}

/** An item whose existence is declared but whose bytes are not disclosed. */
export interface WithheldItem extends ItemDescription {
  withheld: { reason: string; legalBasis?: string };
  size?: number;
  digests?: DigestSet;
}

/** Input of {@link packBundleTo}. */
export interface PackToOptions {
  /** Everything the manifest says besides the items: creator, case, legal basis, handling, actors. */
  metadata: BundleMetadata;
  items: readonly PackSourceItem[];
  withheld?: readonly WithheldItem[];
  /** Extra digest algorithms; SHA-256 is always computed. */
  algorithms?: readonly DigestAlgorithm[];
  /** Signatures made at packing time, in order (for example packager, then certifier); roles of `SIGNATURE_ROLES`. */
  signers?: ReadonlyArray<{ signer: Signer; role: string }>;
  /** A random UUID by default. */
  bundleId?: string;
  /** Now by default. */
  createdAt?: Date;
  /** Hash implementation for the payload and the tag files; @noble/hashes by default. */
  backend?: DigestBackend;
  /**
   * Called as bytes pass: the item at hand, its bytes so far, and the total bytes so far (a file a sink copies by
   * itself may be reported once, when copied: the small files of a directory).
   */
  onProgress?: (progress: { item: string; bytes: number; totalBytes: number }) => void;
  /**
   * Writes format 1.2 (docs/format.md, "Selective disclosure"): the manifest commits to the items (salted leaves
   * of a Merkle tree) and the items travel in `evidence/disclosures.json`, so that items can later be withheld
   * (`redactBundleTo`) or proven one by one while the signatures stay valid. `true` for fresh random salts; an
   * object to fix them (tests, worked examples). Off by default: readers of format 1.0 and 1.1 cannot read 1.2.
   */
  selectiveDisclosure?: boolean | CommitItemsOptions;
  /**
   * Stops the pack: the sink is aborted and the call rejects with the signal's `reason`. Checked at every chunk
   * (and passed to a sink's own copy, which stops with it).
   */
  signal?: AbortSignal;
}

/** Files and directories outside data/ that a bundle can hold: declaration, bag-info, manifests, evidence/. */
const TAG_ENTRIES_AT_MOST = 16;

/**
 * Packs evidence into a new bag written to `sink` (docs/format.md, "Container layout"), in one pass over each
 * item's bytes: they are hashed as they stream into the sink. Files reach the sink in the bag's ZIP order
 * (ascending UTF-8 bytes: bag-info.txt, bagit.txt, data/..., evidence/..., manifest-*.txt, tagmanifest-*.txt);
 * bag-info.txt comes first, so its Payload-Oxum is computed from the declared sizes and its Bagging-Date from
 * `createdAt`. A sink taking several files at once (a directory) gets the payload that many at a time, and for an
 * unordered sink an item may leave its size undeclared (bag-info.txt is then written after the payload). On any
 * failure, or an abort, the sink is aborted before the call rejects.
 * @returns the manifest written
 * @throws TypeError when a signer's role is not one of `SIGNATURE_ROLES`, or an item has no size for an ordered
 *   sink; RangeError for a size that is not a non-negative safe integer (all before the sink receives anything)
 * @throws EvidenceBundleError `ERR_SOURCE_CHANGED` when an item gives more or fewer bytes than its `size`;
 *   `ERR_PATH_UNSAFE`, `ERR_PATH_COLLISION`, `ERR_LIMIT_EXCEEDED`, `ERR_MANIFEST_INVALID`; what
 *   {@link signDetached} throws (`ERR_X509_*`, `ERR_SIGNER_OUTPUT`) and what the sink throws; the `reason` of
 *   `signal` when it aborts
 * @example
 * const sink = memorySink();
 * await packBundleTo(sink, { metadata, items: [{ id: 'log', path: 'logs/a.log', mediaType: 'text/plain', size: bytes.length, data: [bytes] }] });
 */
export async function packBundleTo(sink: BagSink, options: PackToOptions): Promise<{ manifest: Manifest }> {
  const { signal } = options;
  // Whatever is refused, the sink is aborted: the caller opened it (a temporary file) and expects it gone.
  try {
    signal?.throwIfAborted();
    const algorithms = normaliseAlgorithms(options.algorithms ?? []);
    for (const item of options.items) {
      if (item.size !== undefined && (!Number.isSafeInteger(item.size) || item.size < 0)) {
        throw new RangeError(`size of ${JSON.stringify(item.path)} is not a non-negative safe integer`);
      }
    }
    checkPackInput(options.items.map((i) => i.path), options.signers ?? []);
    const bundleId = (options.bundleId ?? crypto.randomUUID()).toLowerCase();
    const createdAt = options.createdAt ?? new Date();
    const bagInfo = {
      bundleId,
      sourceOrganization: options.metadata.creator.name,
      baggingDate: createdAt.toISOString().slice(0, 10),
    };
    const sizesKnown = options.items.every((i) => i.size !== undefined);
    if (sink.ordered && !sizesKnown) throw new TypeError('every item needs its size to be packed into an ordered sink (ZIP)');
    // First in the ZIP order (bag-info.txt < bagit.txt < data/): before the payload when the sizes are declared.
    const early = sizesKnown ? createBagDeclarationFiles(bagInfo, options.items.map((i) => i.size!)) : [];
    for (const [path, bytes] of sortedByPath(early)) await sink.add(path, bytes, bytes.length);
    const streamed = await streamPayload(sink, algorithms, options);
    signal?.throwIfAborted();
    const described: BuiltItem[] = options.items.map((item, i) => {
      const { data: _data, copySource: _copySource, ...rest } = item;
      return { ...rest, ...streamed[i]! };
    });
    for (const { withheld, ...rest } of options.withheld ?? []) described.push({ ...rest, withheld });
    let { manifest, bytes: manifestBytes } = buildManifest(options.metadata, described, { bundleId, createdAt });
    const tagFiles: Array<[string, Uint8Array]> = [];
    if (options.selectiveDisclosure !== undefined && options.selectiveDisclosure !== false) {
      const chosen = options.selectiveDisclosure === true ? {} : options.selectiveDisclosure;
      const committed = commitManifest(manifest, { ...(options.backend !== undefined ? { backend: options.backend } : {}), ...chosen });
      ({ manifest, bytes: manifestBytes } = committed);
      tagFiles.push([DISCLOSURES_FILE, committed.disclosuresBytes]);
    }
    tagFiles.unshift([MANIFEST_FILE, manifestBytes]);
    if (options.signers !== undefined && options.signers.length > 0) {
      const signatures = [];
      for (const { signer, role } of options.signers) signatures.push(await signDetached(manifestBytes, signer, { role }));
      tagFiles.push([SIGNATURES_FILE, serializeSignatureFile({ signatures })]);
    }
    const files = createTagFiles({
      payload: options.items.map((item, i) => ({ path: payloadPath(item.path), ...streamed[i]! })),
      algorithms,
      tagFiles,
      bagInfo,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    });
    // bagit.txt and bag-info.txt, when added first, are the same bytes: the sizes were checked.
    const declared = new Set(early.map(([path]) => path));
    for (const [path, bytes] of sortedByPath(files.filter(([path]) => !declared.has(path)))) await sink.add(path, bytes, bytes.length);
    signal?.throwIfAborted();
    await sink.commit();
    return { manifest };
  } catch (error) {
    await sink.abort().catch(() => undefined);
    // An abort may surface wrapped (as the I/O error of the write it interrupted): the caller asked to stop.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** An item with its place in the caller's list and its path in the bag. */
interface Ordered {
  item: PackSourceItem;
  i: number;
  bagPath: string;
}

/**
 * Streams every item into the sink, hashing as the bytes pass, or has the sink copy it ({@link BagSink.copy});
 * the digests come back in the items' order.
 */
async function streamPayload(
  sink: BagSink,
  algorithms: DigestAlgorithm[],
  options: PackToOptions,
): Promise<Array<{ size: number; digests: DigestSet }>> {
  const order: Ordered[] = options.items.map((item, i) => ({ item, i, bagPath: payloadPath(item.path) }));
  order.sort((a, b) => compareCodePoints(a.bagPath, b.bagPath));
  const results = new Array<{ size: number; digests: DigestSet }>(order.length);
  let totalBytes = 0;
  const copy = sink.copy?.bind(sink);
  // A copy by the sink itself; false when the sink declines the file, which then streams.
  const copyOne = async ({ item, i, bagPath }: Ordered): Promise<boolean> => {
    options.signal?.throwIfAborted();
    // A sink may report the bytes of a copy as they pass (a large file); the rest is counted when it returns.
    let reported = 0;
    const progress = (bytes: number): void => {
      totalBytes += bytes - reported;
      reported = bytes;
      options.onProgress?.({ item: item.id, bytes, totalBytes });
    };
    const { signal } = options;
    const result = await copy!(bagPath, item.copySource, item.size, algorithms, { ...(signal ? { signal } : {}), onProgress: progress });
    if (result === undefined) return false;
    if (item.size !== undefined && result.size !== item.size) throw changed(item, String(result.size));
    if (reported !== result.size) progress(result.size);
    results[i] = { size: result.size, digests: result.digests };
    return true;
  };
  const streamOne = async ({ item, i, bagPath }: Ordered): Promise<void> => {
    const multi = createMultiDigest(algorithms, options.backend === undefined ? {} : { backend: options.backend });
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      const source = typeof item.data === 'function' ? item.data() : item.data;
      for await (const chunk of iterateBytes(source)) {
        options.signal?.throwIfAborted();
        if (!(chunk instanceof Uint8Array)) throw new TypeError(`the bytes of ${JSON.stringify(item.path)} are not Uint8Arrays`);
        // Checked before the chunk passes: a sink never receives a byte beyond the declared size.
        if (item.size !== undefined && multi.size + chunk.length > item.size) throw changed(item, 'more');
        multi.update(chunk);
        totalBytes += chunk.length;
        options.onProgress?.({ item: item.id, bytes: multi.size, totalBytes });
        yield chunk;
      }
      if (item.size !== undefined && multi.size !== item.size) throw changed(item, String(multi.size));
    };
    await sink.add(bagPath, counted(), item.size);
    results[i] = { size: multi.size, digests: multi.digest() };
  };
  const copies = (entry: Ordered): boolean => copy !== undefined && entry.item.copySource !== undefined;
  if (sink.ordered) {
    // One file at a time, in the bag's order: copied where the sink copies it, streamed otherwise. The sink is
    // told the copies to come first, so that it can read ahead.
    sink.planCopies?.(order.filter(copies).map(({ item, bagPath }) => ({ path: bagPath, source: item.copySource, size: item.size })), algorithms);
    for (const entry of order) if (!(copies(entry) && (await copyOne(entry)))) await streamOne(entry);
    return results;
  }
  // Copies first, many at a time (each is a message to another thread, not bytes in memory here); then the
  // files that stream, fewer at a time (each holds a chunk here).
  const streamed = order.filter((entry) => !copies(entry));
  await mapWithConcurrency(order.filter(copies), sink.copyConcurrency ?? sink.concurrency, async (entry) => {
    if (!(await copyOne(entry))) streamed.push(entry);
  });
  await mapWithConcurrency(streamed, sink.concurrency, streamOne);
  return results;
}

const changed = (item: PackSourceItem, got: string): EvidenceBundleError =>
  new EvidenceBundleError('ERR_SOURCE_CHANGED', `${JSON.stringify(item.path)} gave ${got} bytes, not the ${item.size} declared`);

const sortedByPath = (files: ReadonlyArray<[string, Uint8Array]>): Array<[string, Uint8Array]> =>
  [...files].sort(([a], [b]) => compareCodePoints(a, b));

/**
 * What {@link packBundleTo} refuses before anything is read, for a caller that has sources to open first: item
 * paths and signer roles. Internal.
 * @throws TypeError for a signer role not in `SIGNATURE_ROLES`; EvidenceBundleError `ERR_PATH_UNSAFE`,
 *   `ERR_PATH_COLLISION`, `ERR_LIMIT_EXCEEDED` (more files and directories than readers accept)
 */
export function checkPackInput(paths: readonly string[], signers: ReadonlyArray<{ role: string }>): void {
  // Before any byte is read: a wrong role would only be found after hashing every item.
  for (const { role } of signers) {
    if (!isSignatureRole(role)) throw new TypeError(`signers: role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(role)}`);
  }
  // Portable too: a bundle is sent abroad, and the receiver may have to extract it on Windows.
  for (const path of paths) assertWritablePath(path);
  // Directories count: `A` beside `a/b` would make a bundle its own verifier refuses.
  const collisions = findTreeCollisions(paths);
  if (collisions.length > 0) {
    const [a, b] = collisions[0]!;
    throw new EvidenceBundleError('ERR_PATH_COLLISION', `item paths ${JSON.stringify(a)} and ${JSON.stringify(b)} collide`);
  }
  // Every file and directory of the bundle counts against the reader's limit: data/, the items' directories
  // and files, and the tag directory with its files (a dozen at most).
  const directories = new Set<string>();
  for (const path of paths) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) directories.add(path.slice(0, i));
  }
  const entries = 1 + directories.size + paths.length + TAG_ENTRIES_AT_MOST;
  if (entries > LIMITS.bagEntries) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the bundle would hold ${entries} files and directories; readers accept at most ${LIMITS.bagEntries}`);
  }
}
