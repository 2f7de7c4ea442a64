import type { DigestSet } from '../digest/algorithms.js';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { countJsonValues } from '../encoding/json-common.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { LIMITS } from '../model/layout.js';
import { formatVersionFor, type Manifest } from '../model/manifest.js';
import { parseManifest } from '../model/parse-manifest.js';

/** What the manifest says besides identity and items: creator, case, legal basis, handling, actors, related bundles. */
export type BundleMetadata = Omit<Manifest, 'formatVersion' | 'bundleId' | 'createdAt' | 'items'>;

type ManifestItem = Manifest['items'][number];

/** What a caller says of an item; the packer adds size and digests (present items) from the bytes. */
export type ItemDescription = Omit<ManifestItem, 'size' | 'digests' | 'disclosure' | 'path'>;

/** An item ready for the manifest: present with its path, size and digests, or withheld with its reason. */
export type BuiltItem =
  | (ItemDescription & { path: string; size: number; digests: DigestSet; withheld?: undefined })
  | (ItemDescription & { withheld: { reason: string; legalBasis?: string }; size?: number; digests?: DigestSet });

/**
 * Assembles and validates a manifest, and returns it with its RFC 8785 canonical bytes: the exact bytes
 * stored as `evidence/manifest.json` and signed.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID` (with the schema issues as `cause`), `ERR_LIMIT_EXCEEDED`
 *   when the canonical manifest exceeds {@link LIMITS}.manifestBytes or holds more than
 *   {@link LIMITS}.manifestValues JSON values
 */
export function buildManifest(
  metadata: BundleMetadata,
  items: readonly BuiltItem[],
  identity: { bundleId: string; createdAt: Date },
): { manifest: Manifest; bytes: Uint8Array } {
  const draft = {
    formatVersion: formatVersionFor(metadata),
    bundleId: identity.bundleId.toLowerCase(),
    createdAt: identity.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...metadata,
    items: items.map((item) => {
      if (item.withheld !== undefined) {
        const { withheld, ...rest } = item;
        return { ...rest, disclosure: { status: 'withheld', ...withheld } };
      }
      return { ...item, disclosure: { status: 'present' } };
    }),
  };
  const manifest = parseManifest(draft);
  const bytes = canonicalizeToBytes(manifest);
  // Never write a bundle that readers would refuse.
  if (bytes.length > LIMITS.manifestBytes) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the manifest would be ${bytes.length} bytes; readers accept at most ${LIMITS.manifestBytes}`);
  }
  const values = countJsonValues(manifest);
  if (values > LIMITS.manifestValues) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the manifest would hold ${values} JSON values; readers accept at most ${LIMITS.manifestValues}`);
  }
  // And no object past the readers' member limit: read back exactly as a reader reads it.
  try {
    parseCanonicalJson(bytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers });
  } catch (error) {
    if (!isEvidenceBundleError(error, 'ERR_JSON_TOO_LARGE')) throw error;
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the manifest has an object of more than ${LIMITS.manifestMembers} members; readers refuse it`, { cause: error });
  }
  return { manifest, bytes };
}
