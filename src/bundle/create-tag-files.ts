import { serializeBagDeclaration } from '../bagit/bag-declaration.js';
import { serializeBagInfo } from '../bagit/bag-info.js';
import { compareCodePoints, serializeManifest } from '../bagit/manifest.js';
import { formatPayloadOxum, payloadOxumOf } from '../bagit/payload-oxum.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestBackend, type DigestSet } from '../digest/algorithms.js';
import { createMultiDigest, normaliseAlgorithms } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { utf8Encode } from '../internal/bytes.js';
import { assertBundlePath, assertWritablePath } from '../path/bundle-path.js';
import { PAYLOAD_DIR } from '../model/layout.js';
import { findTreeCollisions } from './tree-collisions.js';
import { pushAll } from '../internal/arrays.js';

/** One payload file as packed: its bag path (`data/...`), size, and a digest for every algorithm of the bag. */
export interface PayloadFile {
  path: string;
  size: number;
  digests: DigestSet;
}

/** What {@link createTagFiles} writes into bag-info.txt (docs/format.md, "Container layout"). */
export interface BagInfoFields {
  /** The manifest's `bundleId`, written as `External-Identifier`. */
  bundleId: string;
  /** The creator's name, written as `Source-Organization` (white space runs become one space). */
  sourceOrganization: string;
  /** `YYYY-MM-DD`, the UTC date of `createdAt`, written as `Bagging-Date`. */
  baggingDate: string;
  /** Written as `Bag-Software-Agent`; `evidence-bundle` by default. */
  softwareAgent?: string;
}

/** Input of {@link createTagFiles}. */
export interface CreateTagFilesOptions {
  payload: readonly PayloadFile[];
  /** Digest algorithms of the bag: one payload and one tag manifest each. SHA-256 is always included. */
  algorithms: readonly DigestAlgorithm[];
  /** The bundle's own tag files (`evidence/manifest.json`...), with their bytes. */
  tagFiles: ReadonlyArray<readonly [string, Uint8Array]>;
  bagInfo: BagInfoFields;
  /** Hash implementation for the tag files; @noble/hashes by default. */
  backend?: DigestBackend;
}

const TAG_MANIFEST = /^tagmanifest-[^/]+\.txt$/;
// Names the BagIt layer writes itself (RFC 8493 sections 2.1 and 2.2): a caller's tag file may not take them.
const RESERVED = /^(bagit\.txt|bag-info\.txt|fetch\.txt|(tag)?manifest-[^/]+\.txt)$/;
const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/**
 * Creates every BagIt tag file of a new bundle (RFC 8493; docs/format.md, "Container layout"): bagit.txt
 * (BagIt 1.0, UTF-8), bag-info.txt (Bagging-Date, Payload-Oxum, External-Identifier, Source-Organization,
 * Bag-Software-Agent), `manifest-<alg>.txt` for each algorithm, the given tag files, and `tagmanifest-<alg>.txt`
 * covering all of those. The output is deterministic: manifest lines sorted by path in code-point order, LF line
 * ends, paths percent-encoded as BagIt 1.0 requires. Payload files are not returned (they are already written).
 * @returns `[path, bytes]` pairs to write: bagit.txt, bag-info.txt, the payload manifests, the given tag files
 *   (sorted by path), then the tag manifests.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE` for a path the bundle path rules refuse or that cannot be
 *   created on Windows (device names, trailing dots or spaces, `<>:"|?*`), `ERR_PATH_COLLISION`
 *   for two paths (or a path and the directory of another) that collide after case folding, or a file that is
 *   also the directory of another path, `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; `TypeError` for a payload
 *   path outside `data/`, a tag file under `data/` or with a BagIt name, a missing or malformed digest, a bad
 *   `baggingDate`, an empty `bundleId`; `RangeError` for a size that is not a non-negative safe integer.
 * @example
 * const files = createTagFiles({
 *   payload: [{ path: 'data/chat/export.json', size: 1024, digests: { sha256: '9f86…' } }],
 *   algorithms: ['sha256'],
 *   tagFiles: [['evidence/manifest.json', manifestBytes]],
 *   bagInfo: { bundleId, sourceOrganization: 'Supreme People\'s Procuracy', baggingDate: '2026-10-06' },
 * });
 * for (const [path, bytes] of files) await write(path, bytes);
 */
export function createTagFiles(options: CreateTagFilesOptions): Array<[string, Uint8Array]> {
  const algorithms = normaliseAlgorithms(options.algorithms);
  const payload = [...options.payload];
  for (const file of payload) {
    assertWritablePath(file.path);
    if (!file.path.startsWith(`${PAYLOAD_DIR}/`)) throw new TypeError(`payload path ${JSON.stringify(file.path)} is not under data/`);
    if (!Number.isSafeInteger(file.size) || file.size < 0) throw new RangeError(`size of ${file.path} is not a non-negative safe integer`);
    for (const alg of algorithms) {
      const digest = (file.digests as Record<string, unknown>)[alg];
      if (typeof digest !== 'string' || digest.length !== DIGEST_ALGORITHMS[alg].outputBytes * 2 || !/^[0-9a-f]+$/.test(digest)) {
        throw new TypeError(`${file.path} has no lower-case hex ${alg} digest`);
      }
    }
  }
  const given = [...options.tagFiles].sort(([a], [b]) => compareCodePoints(a, b));
  for (const [path] of given) {
    assertWritablePath(path);
    if (path.startsWith(`${PAYLOAD_DIR}/`) || path === PAYLOAD_DIR) throw new TypeError(`tag file ${JSON.stringify(path)} is in data/`);
    if (RESERVED.test(path)) throw new TypeError(`tag file ${JSON.stringify(path)} has a name BagIt reserves`);
  }
  const collisions = findTreeCollisions([...payload.map((f) => f.path), ...given.map(([path]) => path)]);
  if (collisions.length > 0) {
    const [a, b] = collisions[0]!;
    throw new EvidenceBundleError('ERR_PATH_COLLISION', `paths ${JSON.stringify(a)} and ${JSON.stringify(b)} collide`);
  }

  const files = createBagDeclarationFiles(options.bagInfo, payload.map((f) => f.size));
  for (const alg of algorithms) {
    const lines = payload.map((f) => ({ path: f.path, digest: (f.digests as Record<string, string>)[alg]! }));
    files.push([`manifest-${DIGEST_ALGORITHMS[alg].bagitName}.txt`, utf8Encode(serializeManifest(lines))]);
  }
  pushAll(files, given.map(([path, bytes]): [string, Uint8Array] => [path, bytes]));
  const tagManifests = buildTagManifests(files, algorithms, options.backend === undefined ? {} : { backend: options.backend });
  return [...files, ...tagManifests];
}

/**
 * bagit.txt and bag-info.txt of a new bag, as {@link createTagFiles} writes them, from the payload's sizes alone:
 * a streaming writer puts them first in the ZIP order, before the payload is hashed. Internal: not exported from
 * the package.
 * @returns `[path, bytes]` for bagit.txt, then bag-info.txt
 * @throws TypeError for a bad `baggingDate` or an empty `bundleId`
 */
export function createBagDeclarationFiles(bagInfo: BagInfoFields, sizes: readonly number[]): Array<[string, Uint8Array]> {
  return [
    ['bagit.txt', utf8Encode(serializeBagDeclaration())],
    ['bag-info.txt', utf8Encode(serializeBagInfo(bagInfoEntries(bagInfo, sizes)))],
  ];
}

/**
 * Builds the tag manifests (`tagmanifest-<alg>.txt`, RFC 8493 section 2.2.1) over the given tag files, which
 * include bagit.txt, bag-info.txt and the payload manifests when they are in the list. Tag manifests in the list
 * are left out, as a tag manifest never lists one. Used when packing and whenever a tag file changes (a new
 * signature, a custody event). Lines sorted by path in code-point order, LF line ends.
 * @returns the bytes of one tag manifest per algorithm (SHA-256 always), by file name, SHA-256 first.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE`, `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; `TypeError` for a path
 *   under `data/` or given twice.
 * @example
 * const manifests = buildTagManifests([['bagit.txt', bagit], ['evidence/manifest.json', manifest]], ['sha256']);
 * manifests.get('tagmanifest-sha256.txt'); // Uint8Array
 */
export function buildTagManifests(
  tagFiles: ReadonlyArray<readonly [string, Uint8Array]>,
  algorithms: readonly DigestAlgorithm[],
  options: { backend?: DigestBackend } = {},
): Map<string, Uint8Array> {
  const algs = normaliseAlgorithms(algorithms);
  const hashed: Array<{ path: string; digests: DigestSet }> = [];
  for (const [path, bytes] of tagFiles) {
    if (TAG_MANIFEST.test(path)) continue;
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`the bytes of ${JSON.stringify(path)} are not a Uint8Array`);
    const multi = createMultiDigest(algs, options.backend === undefined ? {} : { backend: options.backend });
    multi.update(bytes);
    hashed.push({ path, digests: multi.digest() });
  }
  return serializeTagManifests(hashed, algs);
}

/**
 * The tag manifests of {@link buildTagManifests} from digests already computed, for a caller that hashed the tag
 * files as it streamed them. Tag manifests in the list are left out. Internal: not exported from the package.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE`, `ERR_DIGEST_UNSUPPORTED_ALGORITHM`; `TypeError` for a path
 *   under `data/` or given twice, or a missing digest.
 */
export function serializeTagManifests(
  files: ReadonlyArray<{ path: string; digests: DigestSet }>,
  algorithms: readonly DigestAlgorithm[],
): Map<string, Uint8Array> {
  const algs = normaliseAlgorithms(algorithms);
  const listed = files.filter((f) => !TAG_MANIFEST.test(f.path));
  for (const { path } of listed) {
    assertBundlePath(path);
    if (path.startsWith(`${PAYLOAD_DIR}/`)) throw new TypeError(`${JSON.stringify(path)} is a payload file, not a tag file`);
  }
  const out = new Map<string, Uint8Array>();
  for (const alg of algs) {
    const lines = listed.map(({ path, digests }) => {
      const digest = (digests as Record<string, string | undefined>)[alg];
      if (digest === undefined) throw new TypeError(`${JSON.stringify(path)} has no ${alg} digest`);
      return { path, digest };
    });
    // serializeManifest sorts, and refuses a path given twice.
    out.set(`tagmanifest-${DIGEST_ALGORITHMS[alg].bagitName}.txt`, utf8Encode(serializeManifest(lines)));
  }
  return out;
}

function bagInfoEntries(info: BagInfoFields, sizes: readonly number[]): Array<[string, string]> {
  if (typeof info.bundleId !== 'string' || info.bundleId.trim() === '' || /\s/.test(info.bundleId)) {
    throw new TypeError('bundleId must be a non-empty string without white space');
  }
  if (typeof info.baggingDate !== 'string' || !DATE.test(info.baggingDate)) throw new TypeError('baggingDate must be YYYY-MM-DD');
  // bag-info.txt is one line per value; the creator's name is informative there (the signed manifest holds it).
  const organization = oneLine(info.sourceOrganization);
  const agent = oneLine(info.softwareAgent ?? 'evidence-bundle');
  return [
    ['Bagging-Date', info.baggingDate],
    ['Payload-Oxum', formatPayloadOxum(payloadOxumOf(sizes))],
    ['External-Identifier', info.bundleId],
    ...(organization !== '' ? [['Source-Organization', organization] as [string, string]] : []),
    ...(agent !== '' ? [['Bag-Software-Agent', agent] as [string, string]] : []),
  ];
}

function oneLine(value: string): string {
  // Line breaks of every kind (and other white space) become single spaces: bag-info.txt values are one line.
  return String(value).replace(/[\s\u0085\u2028\u2029]+/gu, ' ').trim();
}
