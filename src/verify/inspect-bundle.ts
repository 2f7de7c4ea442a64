import { rethrowIoError, type BagSource } from '../bagit/bag-source.js';
import { sourceFindings } from '../bagit/source-findings.js';
import { CUSTODY_FILE, LIMITS, MANIFEST_FILE, SIGNATURES_FILE } from '../model/layout.js';
import { verifyCustodyLog, type CustodyEventResult } from '../custody/verify-custody-log.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { checkManifest } from '../model/check-manifest.js';
import type { Manifest } from '../model/manifest.js';
import type { Finding } from '../report/finding-type.js';
import { parseSignatureFile, type JwsSignature } from '../sign/signature-file.js';
import { readDetachedJws } from '../sign/verify-detached.js';
import { readTagFile } from './read-tag-file.js';
import { pushAll } from '../internal/arrays.js';
import { checkDisclosures } from '../disclosure/check-disclosures.js';

/** What a bundle says about itself, read without checking digests or signatures. */
export interface BundleInspection {
  manifest?: Manifest;
  /** Each signature's claims (protected header), NOT verified: `evb verify` checks them. */
  signatures: Array<{ index: number; alg?: string; kid?: string; role?: string; signedAt?: string }>;
  /**
   * The custody timeline, when the bundle has a log: who held what, when, where and why. The hash chain and the
   * custody rules are checked; signatures only against `trustedKeys` (none by default, so events are
   * `untrusted` unless broken). `problems` counts the findings; `evb verify` names them.
   */
  custody?: { events: CustodyEventResult[]; custodians: Record<string, string>; problems: number };
  /** Problems of the manifest against its schema, and those the source reports about itself (a bad commit journal). */
  findings: Finding[];
}

/**
 * Reads a bundle's manifest and signature claims quickly, for display (`evb inspect`). Nothing here is
 * verified: the result says what the bundle claims, and the caller must not treat it as proven.
 */
export async function inspectBundle(source: BagSource, options: { trustedKeys?: readonly JsonWebKey[] } = {}): Promise<BundleInspection> {
  // A bad commit journal and the like: shown, since the files below are then read as they were before it.
  const findings: Finding[] = await sourceFindings(source);
  // What cannot be read is not shown; `evb verify` says why.
  const read = (path: string, limit: number) =>
    readTagFile(source, path, limit).catch((error: unknown) => {
      rethrowIoError(error);
      return undefined;
    });
  let manifest: Manifest | undefined;
  // Item ids as the manifest lists them, even when the manifest breaks the schema: the timeline still shows.
  let itemIds = new Set<string>();
  const manifestBytes = await read(MANIFEST_FILE, LIMITS.manifestBytes);
  if (manifestBytes instanceof Uint8Array) {
    try {
      const value = parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers }) as { items?: unknown };
      if (Array.isArray(value.items)) itemIds = new Set(value.items.flatMap((i: { id?: unknown }) => (typeof i?.id === 'string' ? [i.id] : [])));
      const checked = checkManifest(value);
      manifest = checked.manifest;
      pushAll(findings, checked.findings);
      // Format 1.2: the items are the disclosures (checked against the signed root), withheld ones by id only.
      if (manifest?.commitments !== undefined) {
        const disclosed = await checkDisclosures(source, manifest);
        pushAll(findings, disclosed.findings);
        if (disclosed.manifest !== undefined) {
          manifest = disclosed.manifest;
          itemIds = new Set(manifest.items.map((i) => i.id));
        }
      }
    } catch {
      // Shown as "manifest unreadable"; `evb verify` reports the precise finding.
    }
  }
  const signatures: BundleInspection['signatures'] = [];
  const sigBytes = await read(SIGNATURES_FILE, LIMITS.signatureFileBytes);
  let entries: JwsSignature[] = [];
  if (sigBytes instanceof Uint8Array) {
    try {
      entries = parseSignatureFile(sigBytes).signatures;
    } catch {
      // As above: inspection shows what it can read.
    }
  }
  for (const [index, s] of entries.entries()) {
    // The header as the verifier reads it (strict JSON, bounded), without looking for a key: a signature whose
    // header cannot be read is listed with no claims.
    const read = await readDetachedJws(s);
    const { alg, kid, role, header } = 'verdict' in read ? read.verdict : read.known;
    const sigT = header?.['sigT'];
    signatures.push({
      index,
      ...(alg !== undefined ? { alg } : {}),
      ...(kid !== undefined ? { kid } : {}),
      ...(role !== undefined ? { role } : {}),
      ...(typeof sigT === 'string' ? { signedAt: sigT } : {}),
    });
  }
  let custody: BundleInspection['custody'];
  const log = await read(CUSTODY_FILE, LIMITS.custodyBytes);
  if (log instanceof Uint8Array && manifestBytes instanceof Uint8Array) {
    const check = await verifyCustodyLog(log, {
      manifestBytes,
      itemIds,
      trustedKeys: options.trustedKeys ?? [],
    });
    custody = { events: check.events, custodians: check.custodians, problems: check.findings.filter((f) => f.code !== 'custody.signer.unknown').length };
  }
  return { ...(manifest !== undefined ? { manifest } : {}), signatures, ...(custody !== undefined ? { custody } : {}), findings };
}
