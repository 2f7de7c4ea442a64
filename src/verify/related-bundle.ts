import { rethrowIoError, type BagSource } from '../bagit/bag-source.js';
import { custodyLink } from '../custody/custody-link.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { checkManifest } from '../model/check-manifest.js';
import { LIMITS, MANIFEST_FILE } from '../model/layout.js';
import type { RelatedBundle } from '../model/manifest.js';
import { readTagFile } from './read-tag-file.js';

/**
 * The link to an existing bundle that a new manifest's `relatedBundles` holds: its bundle id and the digest of
 * its canonical manifest bytes (`sha256:` and hex, the value its first custody event links to), so the link
 * names that exact bundle and no later re-issue of the same id. The linked bundle is not verified here.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID` when its manifest is missing, too large, not canonical or
 *   not a valid manifest; the source's errors (`ERR_IO`, ...) when it cannot be read
 * @example
 * const link = await relatedBundle(await openBundleDirectory('preservation-answer'), 'follows-preservation');
 */
export async function relatedBundle(source: BagSource, relation: RelatedBundle['relation']): Promise<RelatedBundle> {
  const bytes = await readTagFile(source, MANIFEST_FILE, LIMITS.manifestBytes).catch((error: unknown) => {
    rethrowIoError(error);
    throw error;
  });
  if (!(bytes instanceof Uint8Array)) throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is ${bytes === undefined ? 'missing' : 'too large'}`);
  let value: unknown;
  try {
    value = parseCanonicalJson(bytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers });
  } catch (cause) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is not canonical JSON`, { cause });
  }
  const { manifest } = checkManifest(value);
  if (manifest === undefined) throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is not a valid manifest`);
  return { relation, bundleId: manifest.bundleId, manifestDigest: custodyLink(bytes) };
}
