import { serializeBagDeclaration } from '../bagit/bag-declaration.js';
import type { BagValidation } from '../bagit/bag-source.js';
import { parsePayloadOxum } from '../bagit/payload-oxum.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { constantTimeEqual, utf8Encode } from '../internal/bytes.js';
import { FullDate } from '../model/common.js';
import { isCommitProtocolPath } from '../model/layout.js';
import type { Manifest } from '../model/manifest.js';
import { checkPortablePath } from '../path/bundle-path.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';

const DECLARATION = 'bagit.txt';
const BAG_INFO = 'bag-info.txt';
const PAYLOAD_MANIFEST = /^manifest-([^/]+)\.txt$/;
const TAG_MANIFEST = /^tagmanifest-[^/]+\.txt$/;
const REQUIRED_LABELS = ['Bagging-Date', 'Payload-Oxum', 'External-Identifier'] as const;
// What the generic validator reads by repairing it, with a warning; a reader of evidence repairs nothing
// (docs/format.md, "Roles"). Writers never produce any of these.
const REPAIRED: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'bag.info.label-whitespace',
  'bag.manifest.binary-marker',
  'bag.manifest.dot-slash',
  'bag.path.bare-percent',
  'bag.tagfile.bom',
]);

// The one declaration an evidence bundle may have, byte for byte; its digest is compared with the one the bag
// check computed, so bagit.txt is not read twice.
const PROFILE_DECLARATION = utf8Encode(serializeBagDeclaration({ version: '1.0', encoding: 'UTF-8' }));
const PROFILE_DECLARATION_SHA256 = (() => {
  const digest = createMultiDigest(['sha256']);
  digest.update(PROFILE_DECLARATION);
  return digest.digest().sha256;
})();

/**
 * Checks the rules an evidence bundle adds to BagIt (docs/format.md, "Container layout"), on a bag that
 * {@link validateBag} has read: bagit.txt exactly BagIt 1.0, UTF-8, LF; bag-info.txt with Bagging-Date (a
 * full-date, which should be the UTC date of `createdAt`), Payload-Oxum (well formed; its value is checked by
 * the bag check) and External-Identifier equal to the manifest's `bundleId`, each once; manifest-sha256.txt;
 * tagmanifest-sha256.txt and a tag manifest for each payload manifest algorithm, each listing every tag file;
 * nothing that BagIt reads only by repairing it (a "./" prefix, a "*" marker, a bare "%", a padded label, a BOM);
 * and every path creatable on Windows (a warning). The generic BagIt validator accepts what BagIt allows (CR LF,
 * BagIt 0.97, no tag manifests); an evidence bundle is stricter, so these rules live here.
 * @param manifest the bundle's manifest when it could be read; without it, the bag-info values that refer to it
 *   are not compared.
 * @returns findings with `bundle.*` codes, each located by path (and line where one applies).
 */
export function checkBundleProfile(bag: BagValidation, manifest: Manifest | undefined): Finding[] {
  const findings: Finding[] = [];
  // A directory reader hides these (the commit view); a listed one came in another form.
  for (const path of bag.tagFiles.keys()) {
    if (isCommitProtocolPath(path)) findings.push(makeFinding('bundle.protocol-file', `${path} is a file of the directory form's update protocol, not of the bag`, { path }, { path }));
  }
  const declaration = bag.tagFiles.get(DECLARATION);
  // A bagit.txt the bag check could not read (absent, unreadable) is reported there already.
  if (declaration !== undefined && (declaration.size !== PROFILE_DECLARATION.length || !constantTimeEqual(declaration.digests.sha256, PROFILE_DECLARATION_SHA256))) {
    findings.push(makeFinding('bundle.declaration.not-profile', 'bagit.txt must be exactly "BagIt-Version: 1.0\\nTag-File-Character-Encoding: UTF-8\\n"', { path: DECLARATION }));
  }
  for (const f of bag.findings) {
    if (!REPAIRED.has(f.code)) continue;
    const { code: _code, severity: _severity, message, ...where } = f;
    findings.push(makeFinding('bundle.bag.repaired', `an evidence bundle may not need this repair: ${message}`, where, { detail: message }));
  }
  findings.push(...checkBagInfo(bag, manifest));
  findings.push(...checkManifestFiles(bag));
  for (const path of [...bag.payload.keys(), ...bag.tagFiles.keys()]) {
    const problem = checkPortablePath(path);
    if (problem !== undefined) {
      findings.push(makeFinding('bundle.path.not-portable', `${JSON.stringify(path)} cannot be created on Windows: ${problem}`, { path }, { path, detail: problem }));
    }
  }
  return findings;
}

function checkBagInfo(bag: BagValidation, manifest: Manifest | undefined): Finding[] {
  const findings: Finding[] = [];
  const where = { path: BAG_INFO };
  const values = new Map<string, string>();
  for (const label of REQUIRED_LABELS) {
    // Exact spelling: writers write these labels so, and a reader does not guess what a renamed label meant.
    const given = bag.bagInfo.filter(([l]) => l === label);
    if (given.length === 0) findings.push(makeFinding('bundle.bag-info.label-missing', `bag-info.txt has no ${label}`, where, { label }));
    else if (given.length > 1) findings.push(makeFinding('bundle.bag-info.label-repeated', `bag-info.txt gives ${label} ${given.length} times`, where, { label, count: given.length }));
    else values.set(label, given[0]![1]);
  }
  const date = values.get('Bagging-Date');
  const dateOk = date !== undefined && FullDate.safeParse(date).success;
  if (date !== undefined && !dateOk) {
    findings.push(makeFinding('bundle.bag-info.value-malformed', `Bagging-Date ${JSON.stringify(date)} is not an RFC 3339 full-date`, where, { label: 'Bagging-Date', value: date }));
  }
  const oxum = values.get('Payload-Oxum');
  if (oxum !== undefined && parsePayloadOxum(oxum) === undefined) {
    findings.push(makeFinding('bundle.bag-info.value-malformed', `Payload-Oxum ${JSON.stringify(oxum)} is not "<octets>.<streams>"`, where, { label: 'Payload-Oxum', value: oxum }));
  }
  if (manifest === undefined) return findings;
  const identifier = values.get('External-Identifier');
  if (identifier !== undefined && identifier !== manifest.bundleId) {
    findings.push(makeFinding('bundle.bag-info.identifier-mismatch', `External-Identifier is ${JSON.stringify(identifier)}, the manifest's bundleId is ${manifest.bundleId}`, where, { value: identifier, expected: manifest.bundleId }));
  }
  const created = new Date(manifest.createdAt).toISOString().slice(0, 10);
  if (dateOk && date !== created) {
    findings.push(makeFinding('bundle.bag-info.date-mismatch', `Bagging-Date is ${date}, the UTC date of createdAt is ${created}`, where, { value: date, expected: created }));
  }
  return findings;
}

function checkManifestFiles(bag: BagValidation): Finding[] {
  const findings: Finding[] = [];
  const names = [...bag.tagFiles.keys()];
  if (!bag.tagFiles.has('manifest-sha256.txt')) {
    findings.push(makeFinding('bundle.payload-manifest.missing', 'the bag has no manifest-sha256.txt', { path: 'manifest-sha256.txt' }));
  }
  const algorithms = new Set(['sha256', ...names.flatMap((n) => PAYLOAD_MANIFEST.exec(n)?.[1] ?? [])]);
  for (const algorithm of algorithms) {
    const path = `tagmanifest-${algorithm}.txt`;
    if (!bag.tagFiles.has(path)) findings.push(makeFinding('bundle.tag-manifest.missing', `the bag has no ${path}`, { path }, { path }));
  }
  const covered = names.filter((n) => !TAG_MANIFEST.test(n));
  for (const [file, listed] of bag.tagManifests) {
    for (const path of covered) {
      if (!listed.has(path)) findings.push(makeFinding('bundle.tag-manifest.incomplete', `${file} does not list ${path}`, { path: file }, { manifest: file, path }));
    }
  }
  return findings;
}
