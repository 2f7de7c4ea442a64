import { DIGEST_ALGORITHM_NAMES, DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestBackend, type DigestSet, isDigestAlgorithm } from '../digest/algorithms.js';
import { checkBundlePath, findPathCollisions, pathCollisionKey } from '../path/bundle-path.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { constantTimeEqual } from '../internal/bytes.js';
import { type BagAlgorithmName, bagAlgorithm, createBagHasher } from './bag-algorithms.js';
import { parseBagDeclaration } from './bag-declaration.js';
import { parseBagInfo } from './bag-info.js';
import { rethrowIoError, type BagEntry, type BagFileDigests, type BagFilesDigests, type BagSource, type BagValidation } from './bag-source.js';
import { readBounded } from './read-bounded.js';
import { problemFinding, sourceFindings } from './source-findings.js';
import { isLegacyVersion } from './entry-path.js';
import { type FetchEntry, parseFetchFile } from './fetch-file.js';
import { compareCodePoints, type ManifestEntry, parseManifest } from './manifest.js';
import { parsePayloadOxum } from './payload-oxum.js';
import { decodeTagText } from './tag-text.js';
import { pushAll } from '../internal/arrays.js';
import { bagManifestBytes } from '../model/layout.js';

export type { BagValidation } from './bag-source.js';

/** Default limits of {@link validateBag} (docs/format.md, "Limits"). */
export const BAG_LIMITS = {
  /** Entries (files and directories) in a bag. */
  entries: 2_000_000,
  /**
   * Bytes of one tag file the validator reads whole, other than a payload or tag manifest (which is sized by
   * the entries it may list: `bagManifestBytes(hexLength, maxEntries)`, docs/format.md "Limits").
   */
  tagFileBytes: 64 * 1024 * 1024,
  /**
   * Bytes of bag-info.txt and of fetch.txt, whose every line the validator keeps: 64 MiB of `A: b` lines are
   * 13 million pairs, 1.3 GB of memory. Their content is a few lines of metadata.
   */
  listFileBytes: 1024 * 1024,
} as const;

/** Options of {@link validateBag}. */
export interface ValidateBagOptions {
  /** Most entries (files and directories) accepted before validation stops; {@link BAG_LIMITS} by default. */
  maxEntries?: number;
  /**
   * Largest tag file the validator reads: parsed (bagit.txt, bag-info.txt, manifests, fetch.txt) or only hashed;
   * 64 MiB by default, and for a payload or tag manifest `bagManifestBytes(hexLength, maxEntries)` (a line per
   * entry) unless this is given. Judged by size before reading: a larger file is `bag.tagfile.too-large` and
   * never read.
   */
  maxTagFileBytes?: number;
  /**
   * Other limits for tag files the validator only hashes, by bag path: a bundle's manifest may be larger than
   * `maxTagFileBytes`, its signature file is smaller.
   */
  tagFileLimits?: ReadonlyMap<string, number>;
  /** Hash implementation for registry algorithms when the source has no `digest`; @noble/hashes by default. */
  backend?: DigestBackend;
  /** Called as bytes are hashed, with the total hashed so far. */
  onProgress?: (bytes: number) => void;
  /** Files hashed at the same time: 64 when the source has a digest fast path, else 4. */
  concurrency?: number;
  /**
   * Called once, when the payload's hashing has been handed to the source's `digestFiles` (or, without it, when
   * the tag files are about to be read): the moment for a caller to start its own work on this thread, which
   * then overlaps the hashing instead of delaying it. Not called when validation stops before (an unlistable bag).
   */
  onHashingStarted?: () => void;
}

const PAYLOAD_PREFIX = 'data/';
const MANIFEST_NAME = /^(tag)?manifest-([^/]+)\.txt$/;
// Files operating systems create on their own (Finder, Explorer); RFC 8493 section 6.1 warns about them.
const SYSTEM_FILES = /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini|\._[^/]*)$/i;

interface Manifest {
  file: string;
  tag: boolean;
  algorithm?: BagAlgorithmName;
  entries: ManifestEntry[];
}

interface Computed {
  size: number;
  digests: Record<string, string>;
}

/** An entry as listed, and its place among the payload files (-1 for every other entry). */
interface Listed extends BagEntry {
  payloadIndex: number;
}

/**
 * Validates a BagIt bag (RFC 8493, and the 0.96/0.97 rules for bags that declare them) read through a
 * {@link BagSource}: the declaration, every payload and tag manifest line, completeness (every payload file listed
 * in every payload manifest, every listed file present, Payload-Oxum, fetch.txt), every digest, and the bundle
 * path rules (no symlinks, special files, unsafe or colliding paths). Each file is read once for all the
 * algorithms that apply to it, a few files at a time, in chunks: memory does not grow with file sizes. Tag files
 * the validator parses are read whole up to `maxTagFileBytes` (bag-info.txt and fetch.txt up to
 * `BAG_LIMITS.listFileBytes`, 1 MiB). Hostile or corrupt input never throws: every
 * problem is a finding with a `bag.*` code (docs/format.md, "Finding codes").
 * @throws TypeError when `source` is not a BagSource; RangeError for a limit that is not a positive integer.
 * @example
 * const bag = await validateBag(openDirectorySource('case-42'));
 * if (!bag.valid) for (const f of bag.findings) console.log(f.code, f.path, f.message);
 */
export async function validateBag(source: BagSource, options: ValidateBagOptions = {}): Promise<BagValidation> {
  if (typeof source?.list !== 'function' || typeof source.read !== 'function') throw new TypeError('source is not a BagSource');
  const maxEntries = positive(options.maxEntries ?? BAG_LIMITS.entries, 'maxEntries');
  const maxTagFileBytes = positive(options.maxTagFileBytes ?? BAG_LIMITS.tagFileBytes, 'maxTagFileBytes');
  // A digest fast path (a worker pool) batches what is in flight: give it enough files to fill its batches.
  const concurrency = positive(options.concurrency ?? (source.digest !== undefined ? 64 : 4), 'concurrency');
  const findings: Finding[] = [];
  const result = (version?: string, extra: Partial<BagValidation> = {}): BagValidation => ({
    valid: !findings.some((f) => f.severity === 'error'),
    ...(version !== undefined ? { version } : {}),
    findings,
    payload: new Map(),
    tagFiles: new Map(),
    tagManifests: new Map(),
    bagInfo: [],
    algorithms: [],
    ...extra,
  });
  let hashed = 0;
  const progress = (bytes: number): void => {
    hashed += bytes;
    options.onProgress?.(hashed);
  };

  // 0. What the source knows about its own container and cannot list (a commit journal it hides, say).
  findings.push(...(await sourceFindings(source)));

  // 1. Every entry, before anything is read: a bag that is too large is refused without hashing anything.
  const entries: Listed[] = [];
  try {
    for await (const entry of source.list()) {
      if (entries.length >= maxEntries) {
        findings.push(makeFinding('bag.limit.entries', `the bag holds more than ${maxEntries} entries`, {}, { limit: maxEntries }));
        return result();
      }
      entries.push({ path: String(entry?.path), kind: entry?.kind, size: Number(entry?.size) || 0, payloadIndex: -1 });
    }
  } catch (error) {
    rethrowIoError(error);
    findings.push(makeFinding('bag.entry.unreadable', `the bag cannot be listed: ${describe(error)}`, {}, { detail: describe(error) }));
    return result();
  }
  entries.sort((a, b) => compareCodePoints(a.path, b.path));
  // The first entry of a path counts; a repeated one (next to it, in this order) is reported below.
  const byPath = new Map<string, Listed>();
  for (let i = 0; i < entries.length; i++) if (i === 0 || entries[i]!.path !== entries[i - 1]!.path) byPath.set(entries[i]!.path, entries[i]!);

  // Tag files are hashed as they are read, for SHA-256 and every algorithm of a tag manifest the listing shows,
  // so their bytes need not be kept once parsed.
  const tagAlgorithms = unique<BagAlgorithmName>([
    'sha256',
    ...entries.flatMap((e) => {
      const match = e.kind === 'file' ? MANIFEST_NAME.exec(e.path) : null;
      const algorithm = match?.[1] === 'tag' ? bagAlgorithm(match[2]!) : undefined;
      return algorithm !== undefined ? [algorithm.name] : [];
    }),
  ]);
  // What was read of each tag file, by path; of each payload file, by its payloadIndex (no map of 100,000 paths).
  const computed = new Map<string, Computed>();
  const readTag = async (path: string, limit = maxTagFileBytes): Promise<Uint8Array | undefined> => {
    const bytes = await readWhole(source, path, limit, findings);
    if (bytes === undefined) return undefined;
    const hasher = createBagHasher(tagAlgorithms, options.backend);
    hasher.update(bytes);
    computed.set(path, { size: bytes.length, digests: hasher.digest() });
    progress(bytes.length);
    return bytes;
  };

  // 2. The declaration decides the rules for everything else.
  let version: string | undefined;
  let encoding = 'UTF-8';
  if (byPath.get('bagit.txt')?.kind !== 'file') {
    findings.push(makeFinding('bag.declaration.missing', 'the bag has no bagit.txt (as a regular file)', { path: 'bagit.txt' }));
  } else {
    const bytes = await readTag('bagit.txt');
    if (bytes !== undefined) {
      const parsed = parseBagDeclaration(bytes);
      pushAll(findings, parsed.findings);
      version = parsed.version;
      encoding = parsed.declaration?.encoding ?? encoding;
    }
  }
  const legacy = isLegacyVersion(version);
  const versionOption = version !== undefined ? { version } : {};

  // 3. Entries: kinds, paths, collisions; split into payload and tag files.
  const payloadFiles: Listed[] = [];
  const tagFiles: Listed[] = [];
  for (const entry of entries) {
    const where = { path: entry.path };
    if (byPath.get(entry.path) !== entry) {
      findings.push(makeFinding('bag.path.collision', `${JSON.stringify(entry.path)} is listed twice`, where, { path: entry.path, other: entry.path }));
      continue;
    }
    const problem = checkBundlePath(entry.path);
    if (problem === 'not-nfc' && legacy) {
      findings.push(makeFinding('bag.path.not-nfc', `${JSON.stringify(entry.path)} is not in Unicode NFC`, where, { path: entry.path }));
    } else if (problem !== undefined) {
      findings.push(makeFinding('bag.path.unsafe', `${JSON.stringify(entry.path)}: ${problem}`, where, { path: entry.path, detail: problem }));
      continue;
    }
    if (entry.kind === 'symlink') {
      findings.push(makeFinding('bag.entry.symlink', `${entry.path} is a symbolic link`, where, { path: entry.path }));
    } else if (entry.kind === 'directory') {
      // Directories carry nothing to check beyond their path.
    } else if (entry.kind !== 'file') {
      findings.push(makeFinding('bag.entry.special', `${entry.path} is not a regular file or directory`, where, { path: entry.path }));
    } else if (entry.path.startsWith(PAYLOAD_PREFIX)) {
      entry.payloadIndex = payloadFiles.length;
      payloadFiles.push(entry);
    } else {
      tagFiles.push(entry);
    }
  }
  // A source may list files without their directories (a ZIP often does): data/ exists when files are under it.
  const dataEntry = byPath.get('data');
  if (dataEntry !== undefined ? dataEntry.kind !== 'directory' : payloadFiles.length === 0) {
    findings.push(makeFinding('bag.payload.no-directory', 'the bag has no data/ directory', { path: 'data' }));
  }
  for (const [first, second] of findPathCollisions(byPath.keys())) {
    findings.push(
      legacy
        ? makeFinding('bag.path.alias', `${second} and ${first} name the same file on some file systems`, { path: second }, { path: second, other: first })
        : makeFinding('bag.path.collision', `${second} collides with ${first} after case folding`, { path: second }, { path: second, other: first }),
    );
  }

  // Hashing of the payload starts now, beside the parsing of the tag files, when the source digests many files
  // at once: its algorithms are those the listing shows payload manifests for (SHA-256 always). One that turns
  // out unusable only costs a digest nobody compares.
  const payloadComputed = new Array<Computed | undefined>(payloadFiles.length);
  const listedPayloadAlgorithms = unique<BagAlgorithmName>([
    'sha256',
    ...tagFiles.flatMap((t) => {
      const match = MANIFEST_NAME.exec(t.path);
      const algorithm = match !== null && match[1] !== 'tag' ? bagAlgorithm(match[2]!) : undefined;
      return algorithm !== undefined ? [algorithm.name] : [];
    }),
  ]);
  const batchAlgorithms = listedPayloadAlgorithms.filter(isDigestAlgorithm);
  const payloadHashing =
    source.digestFiles !== undefined && batchAlgorithms.length === listedPayloadAlgorithms.length && payloadFiles.length > 0
      ? digestInBatches(source, payloadFiles.map((f) => f.path), batchAlgorithms, (i, c) => (payloadComputed[i] = c), progress, findings, options.onHashingStarted)
      : undefined;
  // Awaited in step 6; until then a failure must not count as unhandled.
  payloadHashing?.catch(() => undefined);
  if (payloadHashing === undefined) options.onHashingStarted?.();

  // 4. Tag files the validator parses, read whole (bounded) and decoded in the declared encoding.
  let encodingReported = false;
  const text = async (path: string, limit = maxTagFileBytes): Promise<string | undefined> => {
    const bytes = await readTag(path, limit);
    if (bytes === undefined) return undefined;
    const decoded = decodeTagText(bytes, encoding);
    if (!decoded.ok && decoded.reason === 'invalid') {
      findings.push(makeFinding('bag.encoding.invalid', `${path} is not valid ${encoding}`, { path }, { path, encoding }));
      return undefined;
    }
    if (!decoded.ok) {
      // Said once, where the encoding is declared: no tag file after bagit.txt can be read.
      if (!encodingReported) {
        encodingReported = true;
        findings.push(makeFinding('bag.encoding.unsupported', `tag files in ${encoding} cannot be decoded`, { path: 'bagit.txt', line: 2 }, { encoding }));
      }
      return undefined;
    }
    if (decoded.bom) {
      findings.push(makeFinding('bag.tagfile.bom', `${path} starts with a byte-order mark`, { path }, { path }));
    }
    return decoded.text;
  };
  const tagPaths = new Set(tagFiles.map((t) => t.path));
  const isTag = (path: string): boolean => tagPaths.has(path);

  const manifests: Manifest[] = [];
  for (const { path } of tagFiles) {
    const match = MANIFEST_NAME.exec(path);
    if (match === null) continue;
    const tag = match[1] === 'tag';
    const algorithm = bagAlgorithm(match[2]!);
    if (algorithm === undefined) {
      // Not parsed: its lines could not be checked anyway, and the number of such files is unbounded.
      manifests.push({ file: path, tag, entries: [] });
      continue;
    }
    // Sized by the entries it may list: a line per file of a bag at maxEntries (bagManifestBytes).
    const body = await text(path, options.tagFileLimits?.get(path) ?? options.maxTagFileBytes ?? bagManifestBytes(algorithm.hexLength, maxEntries));
    if (body === undefined) continue;
    const parsed = parseManifest(body, { file: path, ...versionOption, hexLength: algorithm.hexLength });
    pushAll(findings, parsed.findings);
    const kept = parsed.entries.filter((e) => {
      const inPayload = e.path.startsWith(PAYLOAD_PREFIX);
      if (tag && inPayload) {
        findings.push(makeFinding('bag.tagmanifest.payload-entry', `${e.path} is a payload file`, { path, line: e.line }, { path: e.path }));
      } else if (!tag && !inPayload) {
        findings.push(makeFinding('bag.manifest.outside-payload', `${JSON.stringify(e.path)} is not under data/`, { path, line: e.line }, { path: e.path }));
      }
      return tag !== inPayload;
    });
    manifests.push({ file: path, tag, algorithm: algorithm.name, entries: kept });
    if (algorithm.weak) findings.push(makeFinding('bag.manifest.weak-algorithm', `${path} uses ${algorithm.name}`, { path }, { manifest: path, algorithm: algorithm.name }));
  }
  const payloadManifests = manifests.filter((m) => !m.tag);
  const tagManifests = manifests.filter((m) => m.tag);
  if (!tagFiles.some((t) => manifestKind(t.path) === 'payload')) {
    findings.push(makeFinding('bag.manifest.missing', 'the bag has no payload manifest'));
  }
  reportUnsupported(payloadManifests, findings, true);
  reportUnsupported(tagManifests, findings, false);

  // 5. bag-info.txt and fetch.txt.
  let bagInfo: Array<[string, string]> = [];
  if (isTag('bag-info.txt')) {
    const body = await text('bag-info.txt', Math.min(maxTagFileBytes, BAG_LIMITS.listFileBytes));
    if (body !== undefined) {
      const parsed = parseBagInfo(body, versionOption);
      pushAll(findings, parsed.findings);
      bagInfo = parsed.entries;
    }
  }
  const fetched: FetchEntry[] = [];
  if (isTag('fetch.txt')) {
    findings.push(makeFinding('bag.fetch.present', 'the bag has a fetch.txt', { path: 'fetch.txt' }));
    const body = await text('fetch.txt', Math.min(maxTagFileBytes, BAG_LIMITS.listFileBytes));
    if (body !== undefined) {
      const parsed = parseFetchFile(body, versionOption);
      pushAll(findings, parsed.findings);
      pushAll(fetched, parsed.entries);
    }
  }

  // 6. Digests: each file read once for SHA-256 and every usable algorithm of its kind.
  const payloadAlgorithms = unique<BagAlgorithmName>(['sha256', ...payloadManifests.flatMap((m) => (m.algorithm !== undefined ? [m.algorithm] : []))]);
  const tagBatched = source.digestFiles !== undefined && tagAlgorithms.every(isDigestAlgorithm);
  const jobs: Array<[Listed, BagAlgorithmName[]]> = [
    ...(payloadHashing !== undefined ? [] : payloadFiles.map((f): [Listed, BagAlgorithmName[]] => [f, payloadAlgorithms])),
    ...(tagBatched ? [] : tagFiles.filter((f) => !computed.has(f.path)).map((f): [Listed, BagAlgorithmName[]] => [f, tagAlgorithms])),
  ];
  const unreadable = new Set(findings.filter((f) => f.code === 'bag.entry.unreadable' || f.code === 'bag.tagfile.too-large').map((f) => f.path));
  // A tag file is refused by its listed size before anything reads it (a sparse file of 100 GB costs nothing).
  for (const file of tagFiles) {
    const limit = options.tagFileLimits?.get(file.path) ?? maxTagFileBytes;
    if (!computed.has(file.path) && !unreadable.has(file.path) && file.size > limit) {
      findings.push(makeFinding('bag.tagfile.too-large', `${file.path} is larger than ${limit} bytes`, { path: file.path }, { path: file.path, limit }));
      unreadable.add(file.path);
    }
  }
  const tagJobs = tagBatched ? tagFiles.filter((f) => !computed.has(f.path) && !unreadable.has(f.path)).map((f) => f.path) : [];
  const tagHashing = tagJobs.length > 0 ? digestInBatches(source, tagJobs, tagAlgorithms as DigestAlgorithm[], (i, c) => computed.set(tagJobs[i]!, c), progress, findings) : undefined;
  const [payloadFailures, tagFailures] = await Promise.all([
    payloadHashing,
    tagHashing,
    eachLimit(
      jobs.filter(([file]) => !unreadable.has(file.path)),
      concurrency,
      async ([file, algorithms]) => {
        const { path } = file;
        try {
          const digested = await digestOne(source, path, algorithms, options.backend, progress, findings);
          if (file.payloadIndex >= 0) payloadComputed[file.payloadIndex] = digested;
          else computed.set(path, digested);
        } catch (error) {
          rethrowIoError(error);
          findings.push(makeFinding('bag.entry.unreadable', `${path} cannot be read: ${describe(error)}`, { path }, { detail: describe(error) }));
        }
      },
    ),
  ]);
  for (const { path, error } of [...(payloadFailures ?? []), ...(tagFailures ?? [])]) {
    rethrowIoError(error);
    findings.push(makeFinding('bag.entry.unreadable', `${path} cannot be read: ${describe(error)}`, { path }, { detail: describe(error) }));
  }

  // 7. Payload: every manifest entry against the files, every file against the manifests.
  // Only bags before 1.0 look up another spelling; the key of every path is not computed for the others.
  const aliases = new Map<string, Listed>();
  if (legacy) for (const file of payloadFiles) aliases.set(pathCollisionKey(file.path), file);
  const fetchedPaths = new Set(fetched.map((e) => e.path));
  const reported = new Set<string>();
  // The payload files each manifest covers, by payloadIndex: one byte per file and manifest.
  const coveredBy = payloadManifests.map(() => new Uint8Array(payloadFiles.length));
  for (const [m, manifest] of payloadManifests.entries()) {
    const covered = coveredBy[m]!;
    for (const entry of manifest.entries) {
      const where = { path: entry.path, line: entry.line };
      let target: Listed | undefined = byPath.get(entry.path);
      if (target === undefined || target.payloadIndex < 0) {
        // Bags before 1.0 were often made on case-insensitive or normalising file systems (the conformance
        // suite's warning/ cases): there, another spelling of an existing file is only a warning.
        target = legacy ? aliases.get(pathCollisionKey(entry.path)) : undefined;
        if (target !== undefined) {
          if (!reported.has(`alias:${entry.path}`)) {
            reported.add(`alias:${entry.path}`);
            findings.push(makeFinding('bag.path.alias', `${manifest.file} lists ${entry.path}, found as ${target.path}`, where, { path: entry.path, other: target.path }));
          }
        } else if (!reported.has(entry.path)) {
          reported.add(entry.path);
          findings.push(missingPayload(entry.path, where, fetchedPaths.has(entry.path), byPath.get(entry.path)));
        }
      }
      if (target === undefined) continue;
      covered[target.payloadIndex] = 1;
      const actual = manifest.algorithm !== undefined ? payloadComputed[target.payloadIndex]?.digests[manifest.algorithm] : undefined;
      if (actual !== undefined && !constantTimeEqual(actual, entry.digest)) {
        findings.push(
          makeFinding('bag.payload.digest-mismatch', `${target.path}: ${manifest.algorithm} is ${actual}, ${manifest.file} records ${entry.digest}`, {
            path: target.path,
            line: entry.line,
          }, { path: target.path, algorithm: String(manifest.algorithm), actual, manifest: manifest.file, expected: entry.digest }),
        );
      }
    }
  }
  const checkable = payloadManifests.flatMap((manifest, m) => (manifest.algorithm !== undefined ? [{ manifest, covered: coveredBy[m]! }] : []));
  for (const [i, file] of payloadFiles.entries()) {
    const where = { path: file.path };
    if (SYSTEM_FILES.test(file.path)) findings.push(makeFinding('bag.payload.system-file', `${file.path} is operating-system metadata`, where, { path: file.path }));
    let inAny = false;
    for (const covered of coveredBy) inAny ||= covered[i] === 1;
    if (!inAny) {
      // Without a manifest that could be read, bag.manifest.missing or no-usable-algorithm already says why.
      if (checkable.length > 0) findings.push(makeFinding('bag.payload.undeclared', `${file.path} is in no payload manifest`, where, { path: file.path }));
      continue;
    }
    for (const { manifest, covered } of checkable) {
      if (covered[i] === 0) {
        findings.push(makeFinding('bag.manifest.incomplete', `${file.path} is missing from ${manifest.file}`, where, { path: file.path, manifest: manifest.file }));
      }
    }
  }
  // The paths the payload manifests list, for fetch.txt's few lines only.
  const listed = new Set(fetched.length > 0 ? payloadManifests.flatMap((m) => m.entries.map((e) => e.path)) : []);
  for (const entry of fetched) {
    if (!listed.has(entry.path) && checkable.length > 0) {
      findings.push(makeFinding('bag.fetch.unlisted', `fetch.txt names ${entry.path}, which no payload manifest lists`, { path: 'fetch.txt', line: entry.line }, { path: entry.path }));
    }
  }
  // A file that could not be read counts by its listed size, when the listing knew it (-1: it did not).
  checkOxum(bagInfo, payloadFiles.map((f) => payloadComputed[f.payloadIndex]?.size ?? Math.max(0, f.size)), findings);

  // 8. Tag manifests.
  const covered = new Set<string>();
  for (const manifest of tagManifests) {
    for (const entry of manifest.entries) {
      covered.add(entry.path);
      if (!isTag(entry.path)) {
        if (!reported.has(entry.path) && !byPath.has(entry.path)) {
          reported.add(entry.path);
          findings.push(makeFinding('bag.tagfile.missing', `${manifest.file} lists ${entry.path}, which is not in the bag`, { path: entry.path, line: entry.line }, { manifest: manifest.file, path: entry.path }));
        }
        continue;
      }
      const actual = manifest.algorithm !== undefined ? computed.get(entry.path)?.digests[manifest.algorithm] : undefined;
      if (actual !== undefined && !constantTimeEqual(actual, entry.digest)) {
        findings.push(
          makeFinding('bag.tagmanifest.digest-mismatch', `${entry.path}: ${manifest.algorithm} is ${actual}, ${manifest.file} records ${entry.digest}`, {
            path: entry.path,
            line: entry.line,
          }, { path: entry.path, algorithm: String(manifest.algorithm), actual, manifest: manifest.file, expected: entry.digest }),
        );
      }
    }
  }
  if (!tagFiles.some((t) => manifestKind(t.path) === 'tag')) {
    findings.push(makeFinding('bag.tagmanifest.absent', 'the bag has no tag manifest'));
  } else {
    for (const { path } of tagFiles) {
      if (!covered.has(path) && manifestKind(path) !== 'tag') {
        findings.push(makeFinding('bag.tagfile.unlisted', `${path} is in no tag manifest`, { path }, { path }));
      }
    }
  }

  return result(version, {
    payload: digestsOf(payloadFiles, (f) => payloadComputed[f.payloadIndex]),
    tagFiles: digestsOf(tagFiles, (f) => computed.get(f.path)),
    tagManifests: new Map(tagManifests.filter((m) => m.algorithm !== undefined).map((m) => [m.file, new Set(m.entries.map((e) => e.path))])),
    bagInfo,
    // In registry order (SHA-256 first), whatever the order of the manifest files.
    algorithms: DIGEST_ALGORITHM_NAMES.filter((alg) => payloadManifests.some((m) => m.algorithm === alg)),
  });
}

function manifestKind(path: string): 'payload' | 'tag' | undefined {
  const match = MANIFEST_NAME.exec(path);
  return match === null ? undefined : match[1] === 'tag' ? 'tag' : 'payload';
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function reportUnsupported(list: Manifest[], findings: Finding[], payload: boolean): void {
  const unsupported = list.filter((m) => m.algorithm === undefined);
  if (unsupported.length === 0) return;
  if (payload && unsupported.length === list.length) {
    findings.push(makeFinding('bag.manifest.no-usable-algorithm', `no payload manifest uses an algorithm this validator implements`));
    return;
  }
  for (const m of unsupported) {
    findings.push(makeFinding('bag.manifest.unsupported-algorithm', `${m.file} uses an algorithm this validator does not implement`, { path: m.file }, { manifest: m.file }));
  }
}

function missingPayload(path: string, where: { path: string; line: number }, inFetch: boolean, entry?: BagEntry): Finding {
  if (inFetch) return makeFinding('bag.fetch.unfetched', `${path} is listed in fetch.txt but not present`, where, { path });
  const what = entry === undefined ? 'not in the bag' : `a ${entry.kind}, not a regular file`;
  return makeFinding('bag.payload.missing', `${path} is listed in a payload manifest but is ${what}`, where, { path });
}

function checkOxum(bagInfo: Array<[string, string]>, sizes: number[], findings: Finding[]): void {
  for (const [label, value] of bagInfo) {
    if (label.toLowerCase() !== 'payload-oxum') continue;
    const oxum = parsePayloadOxum(value);
    if (oxum === undefined) {
      findings.push(makeFinding('bag.oxum.malformed', `Payload-Oxum ${JSON.stringify(value)} is not "<octets>.<streams>"`, { path: 'bag-info.txt' }, { value }));
      continue;
    }
    const octets = sizes.reduce((a, b) => a + b, 0);
    if (oxum.octets !== octets || oxum.streams !== sizes.length) {
      findings.push(
        makeFinding('bag.oxum.mismatch', `Payload-Oxum says ${value}, the payload is ${octets}.${sizes.length}`, { path: 'bag-info.txt' }, { value, actual: `${octets}.${sizes.length}` }),
      );
    }
  }
}

function digestsOf(files: Listed[], computedOf: (file: Listed) => Computed | undefined): Map<string, BagFileDigests> {
  const out = new Map<string, BagFileDigests>();
  for (const file of files) {
    const { path } = file;
    const c = computedOf(file);
    if (c === undefined) continue;
    // Only registry algorithms leave the BagIt layer: legacy ones (MD5...) are checked here and nowhere else.
    // The usual case hands on the validator's own record of the file: no second object per file.
    let registryOnly = true;
    for (const alg in c.digests) registryOnly &&= isDigestAlgorithm(alg);
    if (registryOnly) out.set(path, c as BagFileDigests);
    else out.set(path, { size: c.size, digests: Object.fromEntries(Object.entries(c.digests).filter(([alg]) => isDigestAlgorithm(alg))) as DigestSet });
  }
  return out;
}

/** Reads a whole file up to `limit` bytes; undefined (with a finding) when it is too large or unreadable. */
async function readWhole(source: BagSource, path: string, limit: number, findings: Finding[]): Promise<Uint8Array | undefined> {
  let bytes: Uint8Array | 'too-large';
  try {
    bytes = await readBounded(source, path, limit);
  } catch (error) {
    rethrowIoError(error);
    findings.push(makeFinding('bag.entry.unreadable', `${path} cannot be read: ${describe(error)}`, { path }, { detail: describe(error) }));
    return undefined;
  }
  if (bytes === 'too-large') {
    findings.push(makeFinding('bag.tagfile.too-large', `${path} is larger than ${limit} bytes`, { path }, { path, limit }));
    return undefined;
  }
  return bytes;
}

/** Digests one file: through the source's fast path when every algorithm is a registry one, else by reading it. */
async function digestOne(
  source: BagSource,
  path: string,
  algorithms: BagAlgorithmName[],
  backend: DigestBackend | undefined,
  progress: (bytes: number) => void,
  findings: Finding[],
): Promise<Computed> {
  // A registry algorithm's BagIt name is its registry name.
  const registry = algorithms.filter(isDigestAlgorithm);
  if (source.digest !== undefined && registry.length === algorithms.length) {
    const { digests, size, problems = [] } = await source.digest(path, registry);
    const record = digests as Record<string, string | undefined>;
    if (!Number.isSafeInteger(size) || registry.some((a) => typeof record[a] !== 'string') || !Array.isArray(problems)) {
      throw new TypeError('the source digest gave no answer for every algorithm');
    }
    for (const problem of problems) findings.push(problemFinding(problem));
    progress(size);
    return { size, digests: digests as Record<string, string> };
  }
  const hasher = createBagHasher(algorithms, backend);
  for await (const chunk of source.read(path)) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('the source yielded something other than bytes');
    hasher.update(chunk);
    progress(chunk.length);
  }
  return { size: hasher.size, digests: hasher.digest() };
}

// Payload files per digestFiles call, and calls in flight: enough queued work that the workers hash on while
// this thread parses the manifests; few enough that the lists the workers hold stay small.
const BATCH_FILES = 4096;
// The first call is small: its answer, which lets the caller start its own work, comes back at once.
const FIRST_BATCH_FILES = 256;
const BATCHES_IN_FLIGHT = 32;

/**
 * Digests the payload through the source's `digestFiles`, a few thousand files per call: each result goes
 * straight to `store`, by its index in `paths`, with no promise or object per file in flight; the source's
 * problems about those bytes go to `findings`. Returns the files that could not be digested,
 * in path order, with their errors (an `ERR_IO` among them is for the caller to rethrow).
 */
async function digestInBatches(
  source: BagSource,
  paths: readonly string[],
  algorithms: readonly DigestAlgorithm[],
  store: (index: number, computed: Computed) => void,
  progress: (bytes: number) => void,
  findings: Finding[],
  started?: () => void,
): Promise<Array<{ path: string; error: unknown }>> {
  // The caller's own work on this thread (a JSON manifest's parse) waits for the first answer: by then every
  // call in flight has been handed to the workers, which hash on however long this thread is busy.
  let first = started;
  const tell = (): void => {
    first?.();
    first = undefined;
  };
  const lengths = algorithms.map((a) => DIGEST_ALGORITHMS[a].outputBytes);
  const stride = lengths.reduce((a, b) => a + b, 0);
  const failures: Array<{ start: number; list: Array<{ path: string; error: unknown }> }> = [];
  const one = async (start: number, count: number): Promise<void> => {
    const slice = paths.slice(start, start + count);
    const list: Array<{ path: string; error: unknown }> = [];
    failures.push({ start, list });
    let answer: BagFilesDigests;
    try {
      answer = await source.digestFiles!(slice, algorithms);
      if (!(answer?.sizes instanceof Float64Array) || answer.sizes.length !== slice.length || !(answer.digests instanceof Uint8Array) || answer.digests.length !== slice.length * stride || !Array.isArray(answer.errors)) {
        throw new TypeError('the source digestFiles gave no answer for every file');
      }
      if (answer.problems !== undefined) {
        if (!Array.isArray(answer.problems)) throw new TypeError('the source digestFiles gave problems that are not a list');
        for (const problem of answer.problems.map(problemFinding)) findings.push(problem);
      }
    } catch (error) {
      tell();
      for (const path of slice) list.push({ path, error });
      return;
    }
    tell();
    const failed = new Map<number, unknown>();
    for (const { index, error } of answer.errors) failed.set(index, error);
    // The hex of every digest of the call is one string; each file's is a slice of it (V8 keeps a slice as a
    // reference into its parent): no rope of pieces and no copy per digest.
    const hex = hexOf(answer.digests);
    let bytes = 0;
    for (let i = 0; i < slice.length; i++) {
      const size = answer.sizes[i]!;
      if (failed.has(i) || !Number.isSafeInteger(size) || size < 0) {
        list.push({ path: slice[i]!, error: failed.get(i) ?? new TypeError('the source digestFiles gave no size') });
        continue;
      }
      const digests: Record<string, string> = {};
      let at = 2 * i * stride;
      for (let k = 0; k < algorithms.length; k++) {
        digests[algorithms[k]!] = hex.slice(at, at + 2 * lengths[k]!);
        at += 2 * lengths[k]!;
      }
      store(start + i, { size, digests });
      bytes += size;
    }
    progress(bytes);
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      const start = next;
      const count = start === 0 ? FIRST_BATCH_FILES : BATCH_FILES;
      next += count;
      await one(start, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, 1 + Math.ceil(paths.length / BATCH_FILES)) }, lane));
  failures.sort((a, b) => a.start - b.start);
  return failures.flatMap((f) => f.list);
}

const HEX_PAIRS = (() => {
  const digits = '0123456789abcdef';
  const pairs = new Uint16Array(256);
  const probe = new Uint8Array(new Uint16Array([0x0102]).buffer);
  const littleEndian = probe[0] === 0x02;
  for (let b = 0; b < 256; b++) {
    const hi = digits.charCodeAt(b >> 4);
    const lo = digits.charCodeAt(b & 15);
    pairs[b] = littleEndian ? (lo << 8) | hi : (hi << 8) | lo;
  }
  return pairs;
})();
const asciiDecoder = new TextDecoder();

/** Lower-case hex of `bytes` as one flat string, built as ASCII bytes and decoded once. */
function hexOf(bytes: Uint8Array): string {
  const out = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = HEX_PAIRS[bytes[i]!]!;
  return asciiDecoder.decode(out);
}

/** Runs `task` over `items` with at most `limit` at a time; `task` must not throw. */
async function eachLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

