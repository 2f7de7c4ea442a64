import { rethrowIoError, type BagSource } from '../bagit/bag-source.js';
import { parseCustodyLog } from '../custody/parse-custody-log.js';
import { verifyCustodyLog } from '../custody/verify-custody-log.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { checkManifest } from '../model/check-manifest.js';
import { CUSTODY_FILE, LIMITS, MANIFEST_FILE } from '../model/layout.js';
import { readTagFile } from '../verify/read-tag-file.js';
import { checkDisclosures } from '../disclosure/check-disclosures.js';
import { exportCase, type CaseCustodyEvent, type CaseExport } from './export-case.js';

/**
 * Reads a bundle's manifest and custody log and exports them as CASE/UCO JSON-LD ({@link exportCase}). The
 * custody chain is checked on the way: an event that breaks it or whose signature fails is exported with the
 * status `invalid` in its description; with `trustedKeys`, the others say `valid` or `untrusted`. A line that
 * cannot be read at all is left out. Item bytes and bundle signatures are not checked: run `verifyBundle` for
 * that before relying on the export. For a format 1.2 bundle the disclosed items are exported from the disclosures
 * (checked against the signed root), and a withheld item by its id only, marked withheld.
 * @throws EvidenceBundleError `ERR_DISCLOSURE_INVALID` when a format 1.2 bundle's disclosures are missing or
 *   do not give the signed root; `ERR_MANIFEST_INVALID` when the manifest is missing, too large or not a valid
 *   manifest (nothing can be exported without it); `ERR_IO` and the source's own errors for unreadable files
 * @example
 * const { document } = await exportBundleCase(await openBundleDirectory('case-42'));
 */
export async function exportBundleCase(source: BagSource, options: { trustedKeys?: readonly JsonWebKey[] } = {}): Promise<CaseExport> {
  const read = (path: string, limit: number) =>
    readTagFile(source, path, limit).catch((error: unknown) => {
      rethrowIoError(error);
      throw error;
    });
  const manifestBytes = await read(MANIFEST_FILE, LIMITS.manifestBytes);
  if (!(manifestBytes instanceof Uint8Array)) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is ${manifestBytes === undefined ? 'missing' : 'too large'}`);
  }
  let value: unknown;
  try {
    value = parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers });
  } catch (cause) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is not canonical JSON`, { cause });
  }
  const { manifest: signed, findings } = checkManifest(value);
  if (signed === undefined) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} is not a valid manifest (${findings.length} problem(s); evb verify names them)`);
  }
  // Format 1.2: the items are the disclosures, checked against the signed root; a withheld leaf is exported as
  // what the format lets it tell (its id, and that it was withheld), nothing of its metadata. Disclosures that
  // do not give the signed root are refused: an export must not carry unsigned claims as the bundle's.
  let manifest = signed;
  if (signed.commitments !== undefined) {
    const check = await checkDisclosures(source, signed);
    if (check.manifest === undefined || check.findings.length > 0) {
      const codes = [...new Set(check.findings.map((f) => f.code))].join(', ');
      throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `the disclosures of this format 1.2 bundle do not check (${codes || 'unreadable'}; evb verify names the problems)`);
    }
    manifest = check.manifest;
  }
  const custody: CaseCustodyEvent[] = [];
  const log = await read(CUSTODY_FILE, LIMITS.custodyBytes);
  if (log instanceof Uint8Array) {
    const parsed = parseCustodyLog(log);
    const check = await verifyCustodyLog(parsed, {
      manifestBytes,
      itemIds: new Set(manifest.items.map((i) => i.id)),
      trustedKeys: options.trustedKeys ?? [],
    });
    const status = new Map(check.events.map((e) => [e.seq, e.status]));
    const seen = new Set<number>();
    for (const line of parsed.lines) {
      const event = line.signed?.event;
      // Duplicates of a sequence number are left out, as in the verified timeline.
      if (event === undefined || seen.has(event.seq)) continue;
      seen.add(event.seq);
      const s = status.get(event.seq);
      const shown = s === 'invalid' || s === 'malformed' || options.trustedKeys !== undefined ? s : undefined;
      custody.push(shown !== undefined ? { event, status: shown } : { event });
    }
  }
  return exportCase(manifest, custody);
}
