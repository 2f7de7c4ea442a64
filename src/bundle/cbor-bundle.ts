// The CBOR form of a bundle (docs/format.md, "CBOR form"): the bag's files, by bag path, in one deterministic
// CBOR data item. Pure functions over bytes; opening and writing files is the containers' business.
import { decodeDeterministicCbor } from '../encoding/cbor/decode.js';
import { encodeDeterministicCbor } from '../encoding/cbor/encode.js';
import { EvidenceBundleError } from '../errors.js';
import { LIMITS } from '../model/layout.js';
import { assertBundlePath } from '../path/bundle-path.js';
import { CBOR_BUNDLE_MAGIC, CBOR_BUNDLE_MAX_BYTES, detectBundleForm } from './bundle-form.js';
import { findTreeCollisions } from './tree-collisions.js';

/** The `format` member of every CBOR bundle. */
export const CBOR_BUNDLE_FORMAT = 'evidence-bundle-cbor';
/** The only `version` this library reads and writes. */
export const CBOR_BUNDLE_VERSION = 1;
/** The document under the tag: the top-level map and the `files` map. */
const DOCUMENT_DEPTH = 2;
const MEMBERS = ['files', 'format', 'version'];

/** Options of {@link encodeCborBundle} and {@link decodeCborBundle}. */
export interface CborBundleOptions {
  /** Largest bundle in bytes, tag included; default {@link CBOR_BUNDLE_MAX_BYTES}. */
  maxBytes?: number;
}

/**
 * Encodes a bag's files as a CBOR bundle: tag 55799 over the deterministic CBOR (RFC 8949 section 4.2.1) map
 * `{"files": {path: bytes, ...}, "format": "evidence-bundle-cbor", "version": 1}`. Every file is carried as its
 * exact bytes (the manifest as its JCS bytes, so the signatures over it stay valid); the same files give the
 * same bytes, whatever the order of the map.
 * @param files the bag's files by bag path (`bagit.txt`, `data/...`, `evidence/manifest.json`, ...)
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE` for a path the path rules refuse; `ERR_PATH_COLLISION` for two
 *   paths equal after case folding or a file that is also another path's directory; `ERR_LIMIT_EXCEEDED` when the
 *   bundle would be larger than `maxBytes` or hold more than `LIMITS.bagEntries` files
 * @throws TypeError when a file's content is not a Uint8Array; RangeError for `maxBytes` out of range
 * @example const bytes = encodeCborBundle(new Map([['bagit.txt', utf8Encode('BagIt-Version: 1.0\n...')]]));
 */
export function encodeCborBundle(files: ReadonlyMap<string, Uint8Array>, options: CborBundleOptions = {}): Uint8Array {
  const maxBytes = checkMaxBytes(options.maxBytes);
  if (files.size > LIMITS.bagEntries) throw tooManyFiles(files.size);
  const entries: Record<string, Uint8Array> = Object.create(null);
  let payloadBytes = 0;
  for (const [path, content] of files) {
    if (!(content instanceof Uint8Array)) throw new TypeError(`the content of ${JSON.stringify(path)} is not a Uint8Array`);
    assertBundlePath(path);
    entries[path] = content;
    payloadBytes += content.length;
  }
  assertNoCollisions(files.keys());
  // Refuse before copying anything when the contents alone are over the limit.
  if (payloadBytes > maxBytes) throw tooLarge(payloadBytes, maxBytes);
  const body = encodeDeterministicCbor(
    { files: entries, format: CBOR_BUNDLE_FORMAT, version: CBOR_BUNDLE_VERSION },
    { maxDepth: DOCUMENT_DEPTH },
  );
  const size = CBOR_BUNDLE_MAGIC.length + body.length;
  if (size > maxBytes) throw tooLarge(size, maxBytes);
  const out = new Uint8Array(size);
  out.set(CBOR_BUNDLE_MAGIC);
  out.set(body, CBOR_BUNDLE_MAGIC.length);
  return out;
}

/**
 * Decodes a CBOR bundle into the bag's files, by bag path (their order carries no meaning). The input must be the exact
 * encoding {@link encodeCborBundle} writes: strict deterministic CBOR (see `decodeDeterministicCbor`), exactly
 * the three members, this format and version, byte strings only, and paths the path rules accept. What the files
 * say is not checked here: that is validation's work, which turns it into findings.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` for input longer than `maxBytes` or of more than
 *   `LIMITS.bagEntries` files; `ERR_DOCUMENT_INVALID` when the
 *   input does not start with tag 55799 or the document is not a CBOR bundle of version 1 (a member missing,
 *   extra or of the wrong type, another format or version); `ERR_CBOR_MALFORMED`, `ERR_CBOR_NOT_DETERMINISTIC`,
 *   `ERR_CBOR_UNSUPPORTED_VALUE` as `decodeDeterministicCbor` throws them; `ERR_PATH_UNSAFE` and
 *   `ERR_PATH_COLLISION` for file paths as in {@link encodeCborBundle}
 * @throws TypeError when `bytes` is not a Uint8Array; RangeError for `maxBytes` out of range
 * @example const files = decodeCborBundle(bytes); files.get('evidence/manifest.json')
 */
export function decodeCborBundle(bytes: Uint8Array, options: CborBundleOptions = {}): Map<string, Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeCborBundle expects a Uint8Array');
  const maxBytes = checkMaxBytes(options.maxBytes);
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
  if (detectBundleForm(bytes) !== 'cbor') throw invalid('it does not start with tag 55799 (self-described CBOR)');
  const document = decodeDeterministicCbor(bytes.subarray(CBOR_BUNDLE_MAGIC.length), {
    maxBytes,
    maxDepth: DOCUMENT_DEPTH,
  });
  if (!isMap(document)) throw invalid('the tagged item is not a map');
  const members = Object.keys(document);
  if (members.length !== MEMBERS.length || !MEMBERS.every((m) => m in document)) {
    throw invalid(`its members are ${JSON.stringify(members)}, not ${JSON.stringify(MEMBERS)}`);
  }
  if (document.format !== CBOR_BUNDLE_FORMAT) throw invalid(`"format" is not "${CBOR_BUNDLE_FORMAT}"`);
  if (document.version !== CBOR_BUNDLE_VERSION) {
    throw invalid(`"version" is ${JSON.stringify(document.version)}; this reader knows ${CBOR_BUNDLE_VERSION}`);
  }
  const filesMap = document.files;
  if (!isMap(filesMap)) throw invalid('"files" is not a map');
  const paths = Object.keys(filesMap);
  if (paths.length > LIMITS.bagEntries) throw tooManyFiles(paths.length);
  const files = new Map<string, Uint8Array>();
  for (const path of paths) {
    const content = filesMap[path];
    if (!(content instanceof Uint8Array)) throw invalid(`the file ${JSON.stringify(path)} is not a byte string`);
    assertBundlePath(path);
    files.set(path, content);
  }
  assertNoCollisions(files.keys());
  return files;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function checkMaxBytes(maxBytes: number | undefined): number {
  const limit = maxBytes ?? CBOR_BUNDLE_MAX_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('maxBytes must be a positive integer');
  return limit;
}

function assertNoCollisions(paths: Iterable<string>): void {
  const [collision] = findTreeCollisions(paths);
  if (collision !== undefined) {
    throw new EvidenceBundleError(
      'ERR_PATH_COLLISION',
      `file paths ${JSON.stringify(collision[0])} and ${JSON.stringify(collision[1])} collide in a CBOR bundle`,
    );
  }
}

function invalid(why: string): EvidenceBundleError {
  return new EvidenceBundleError('ERR_DOCUMENT_INVALID', `not a CBOR evidence bundle: ${why}`);
}

// The bundle's entry limit, which its bag check would apply anyway: refused before each path is checked.
function tooManyFiles(count: number): EvidenceBundleError {
  return new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `a CBOR bundle of ${count} files, more than a bundle holds (${LIMITS.bagEntries})`);
}

function tooLarge(size: number, maxBytes: number): EvidenceBundleError {
  return new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `a CBOR bundle of ${size} bytes or more, more than ${maxBytes}`);
}
