import { z } from 'zod';
import type { BagSource } from '../bagit/bag-source.js';
import { digestStream } from '../digest/digest-stream.js';
import type { DigestBackend, DigestSet } from '../digest/algorithms.js';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { base64DecodeStrict, compareBytes, toHex, utf8Encode } from '../internal/bytes.js';
import { ARCHIVE_TIMESTAMPS_FILE, LIMITS } from '../model/layout.js';
import type { Hash } from '../x509/verify-signature.js';
import { MAX_TIMESTAMP_TOKEN_BYTES } from './token-limit.js';

/** Digest algorithms of an archive timestamp, with the RFC 3161 imprint hash each asks the TSA for. */
export const ARCHIVE_DIGESTS = { sha256: 'SHA-256', sha512: 'SHA-512' } as const satisfies Record<string, Hash>;

/** A digest algorithm an archive timestamp may use. */
export type ArchiveDigest = keyof typeof ARCHIVE_DIGESTS;

const TAG_MANIFEST = /^tagmanifest-[^/]+\.txt$/;

/** One link of the archive-timestamp chain: a TimeStampToken over the archive input of its algorithm. */
export const ArchiveTimestampSchema = z.strictObject({
  digestAlgorithm: z.enum(Object.keys(ARCHIVE_DIGESTS) as [ArchiveDigest, ...ArchiveDigest[]]),
  token: z.string().min(1).max(Math.ceil(MAX_TIMESTAMP_TOKEN_BYTES / 3) * 4).meta({ description: 'Base64 DER RFC 3161 TimeStampToken.' }),
});

/** `evidence/archive-timestamps.json` (docs/format.md, "Archive timestamps"): the chain, oldest link first. */
export const ArchiveTimestampsSchema = z.strictObject({
  archiveTimestampsVersion: z.literal('1.0'),
  chain: z.array(ArchiveTimestampSchema).min(1).max(LIMITS.archiveTimestamps),
});

/** A parsed archive-timestamp chain. */
export type ArchiveTimestamps = z.infer<typeof ArchiveTimestampsSchema>;

/**
 * Parses `evidence/archive-timestamps.json`: strict JSON (no duplicate keys), the strict schema, every token
 * strict base64.
 * @throws EvidenceBundleError `ERR_JSON_*` for bytes that are not strict JSON, `ERR_BAG_INVALID` for a document
 *   that does not match the schema
 * @example
 * const { chain } = parseArchiveTimestamps(bytes);
 */
export function parseArchiveTimestamps(bytes: Uint8Array): ArchiveTimestamps {
  const value = parseJson(bytes, { maxBytes: LIMITS.archiveTimestampsBytes });
  const parsed = ArchiveTimestampsSchema.safeParse(value);
  if (!parsed.success) throw new EvidenceBundleError('ERR_BAG_INVALID', `${ARCHIVE_TIMESTAMPS_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  parsed.data.chain.forEach((link, i) => {
    if (base64DecodeStrict(link.token) === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${ARCHIVE_TIMESTAMPS_FILE}: chain.${i}.token is not strict base64`);
  });
  return parsed.data;
}

/**
 * The bytes of `evidence/archive-timestamps.json`: RFC 8785 canonical JSON and a newline.
 * @example
 * const bytes = serializeArchiveTimestamps({ archiveTimestampsVersion: '1.0', chain });
 */
export function serializeArchiveTimestamps(value: ArchiveTimestamps): Uint8Array {
  const json = canonicalizeToBytes(ArchiveTimestampsSchema.parse(value));
  const out = new Uint8Array(json.length + 1);
  out.set(json);
  out[json.length] = 0x0a;
  return out;
}

/** Options of {@link archiveInput}. */
export interface ArchiveInputOptions {
  /** Digests already computed from the same bytes (the bag check's), by bag path: reused, not recomputed. */
  known?: ReadonlyMap<string, { digests: DigestSet }>;
  backend?: DigestBackend;
}

/**
 * The files an archive timestamp covers, with their digests (docs/format.md, "Archive timestamps"): every
 * regular file of the bag but the tag manifests and `evidence/archive-timestamps.json` (which change when a link
 * is added), sorted by the UTF-8 bytes of their paths, each hashed with `digestAlgorithm` (or taken from
 * `options.known`). Computed once per algorithm, it serves every link of that algorithm ({@link archiveInput}).
 * @throws what the source throws when a file cannot be read (`ERR_IO`, `ERR_SOURCE_*`)
 * @example
 * const files = await archiveFiles(source, 'sha256');
 */
export async function archiveFiles(source: BagSource, digestAlgorithm: ArchiveDigest, options: ArchiveInputOptions = {}): Promise<Array<[string, string]>> {
  const paths: string[] = [];
  for await (const entry of source.list()) {
    if (entry.kind !== 'file' || entry.path === ARCHIVE_TIMESTAMPS_FILE || TAG_MANIFEST.test(entry.path)) continue;
    paths.push(entry.path);
  }
  paths.sort((a, b) => compareBytes(utf8Encode(a), utf8Encode(b)));
  // Pairs, not an object keyed by path: a bag path such as `__proto__` must stay data.
  const files: Array<[string, string]> = [];
  for (const path of paths) {
    const known = options.known?.get(path)?.digests[digestAlgorithm];
    files.push([path, known ?? (await digestStream(source.read(path), { algorithms: [digestAlgorithm], ...(options.backend ? { backend: options.backend } : {}) })).digests[digestAlgorithm]!]);
  }
  return files;
}

/**
 * The bytes an archive timestamp covers (docs/format.md, "Archive timestamps"): the RFC 8785 canonical JSON of
 * `{ archiveInput: "1.0", digestAlgorithm, files: [[<bag path>, <hex digest>], ...], timestamps: [<hex digest
 * of each earlier link's token DER>] }`, `files` as {@link archiveFiles} gives them. So a link covers the payload,
 * the manifest, the signatures, the custody log, the validation data, bag-info and the payload manifests, and
 * the chain before it, each hashed afresh with its own algorithm.
 * @example
 * const data = await archiveInput(await archiveFiles(source, 'sha256'), 'sha256', earlierTokens);
 * const token = await requestTimestamp(tsaUrl, data);
 */
export async function archiveInput(
  files: ReadonlyArray<readonly [string, string]>,
  digestAlgorithm: ArchiveDigest,
  earlierTokens: readonly Uint8Array[],
): Promise<Uint8Array> {
  const hash = ARCHIVE_DIGESTS[digestAlgorithm];
  const timestamps: string[] = [];
  for (const token of earlierTokens) timestamps.push(toHex(new Uint8Array(await globalThis.crypto.subtle.digest(hash, new Uint8Array(token)))));
  return canonicalizeToBytes({ archiveInput: '1.0', digestAlgorithm, files, timestamps });
}
