import { EvidenceBundleError } from '../errors.js';
import { ARCHIVE_TIMESTAMPS_FILE, LIMITS } from '../model/layout.js';
import { ARCHIVE_DIGESTS, archiveFiles, archiveInput, parseArchiveTimestamps, serializeArchiveTimestamps, type ArchiveDigest } from '../timestamp/archive-timestamps.js';
import { requestTimestamp } from '../timestamp/request-timestamp.js';
import { base64DecodeStrict, base64Encode } from '../internal/bytes.js';
import { nodeBackend } from './digest-backend.js';
import { readTagFileForUpdate } from './read-tag-file-for-update.js';
import { updateBundle } from './update-bundle.js';

/** Options of {@link archiveTimestampBundle}. */
export interface ArchiveTimestampOptions {
  /** URL of the RFC 3161 time-stamping authority (HTTP POST, `application/timestamp-query`). */
  tsaUrl: string;
  /** Digest of the files and of the imprint (default `sha256`); a renewal when an algorithm weakens uses another. */
  digestAlgorithm?: ArchiveDigest;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Adds the next link of the bundle's archive-timestamp chain (docs/format.md, "Archive timestamps"): asks a
 * time-stamping authority for an RFC 3161 token over the archive input (every file of the bundle but the tag
 * manifests, hashed afresh with `digestAlgorithm`, and every earlier link's token) and appends it to
 * `evidence/archive-timestamps.json`, committed atomically with the tag manifests, in a bundle of any form
 * (directory, ZIP, CBOR; {@link updateBundle}). Renewing before the last link's TSA certificate expires keeps
 * the chain proving the time of its first link. Anything changed in the bundle afterwards (a signature, a
 * custody event) is not covered: add the link after the last change.
 * @returns the index of the new link
 * @throws EvidenceBundleError `ERR_BAG_INVALID` (an unreadable or malformed chain file, a broken bag),
 *   `ERR_LIMIT_EXCEEDED` (the chain is full), `ERR_TSA_FAILED`, `ERR_IO`
 * @throws TypeError when `digestAlgorithm` is not sha256 or sha512
 * @example
 * await archiveTimestampBundle('case-42', { tsaUrl: 'http://tsa.example/tsr' });
 */
export async function archiveTimestampBundle(path: string, options: ArchiveTimestampOptions): Promise<{ link: number }> {
  const digestAlgorithm = options.digestAlgorithm ?? 'sha256';
  if (!Object.hasOwn(ARCHIVE_DIGESTS, digestAlgorithm)) throw new TypeError(`archiveTimestampBundle: digestAlgorithm must be ${Object.keys(ARCHIVE_DIGESTS).join(' or ')}`);
  return updateBundle(path, async (source) => {
    const existing = await readTagFileForUpdate(source, ARCHIVE_TIMESTAMPS_FILE, LIMITS.archiveTimestampsBytes);
    const chain = existing === undefined ? [] : parseArchiveTimestamps(existing).chain;
    if (chain.length >= LIMITS.archiveTimestamps) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${ARCHIVE_TIMESTAMPS_FILE} already holds ${chain.length} archive timestamps`);
    }
    const tokens = chain.map((link) => base64DecodeStrict(link.token)!);
    const data = await archiveInput(await archiveFiles(source, digestAlgorithm, { backend: nodeBackend }), digestAlgorithm, tokens);
    const token = await requestTimestamp(options.tsaUrl, data, {
      hashAlgorithm: ARCHIVE_DIGESTS[digestAlgorithm],
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    });
    const next = serializeArchiveTimestamps({ archiveTimestampsVersion: '1.0', chain: [...chain, { digestAlgorithm, token: base64Encode(token) }] });
    return { changes: new Map([[ARCHIVE_TIMESTAMPS_FILE, next]]), result: { link: chain.length } };
  });
}
