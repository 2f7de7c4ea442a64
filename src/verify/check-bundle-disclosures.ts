import type { DigestBackend } from '../digest/algorithms.js';
import type { BagSource } from '../bagit/bag-source.js';
import { checkDisclosures, checkWithholding, type DisclosureCheck } from '../disclosure/check-disclosures.js';
import { isDisclosedLeaf } from '../disclosure/disclosures-file.js';
import { CUSTODY_FILE, LIMITS } from '../model/layout.js';
import type { Manifest } from '../model/manifest.js';
import type { FindingSink } from '../report/cap-findings.js';
import { pushAll } from '../internal/arrays.js';
import { readTagFile } from './read-tag-file.js';
import type { ItemResult, VerificationReport } from './report-schema.js';

/** The verifier's view of a bundle's disclosures: the manifest the other checks use, and what was found. */
export interface BundleDisclosures {
  /** The signed manifest with its items from the disclosures (format 1.2), or the signed manifest itself. */
  manifest: Manifest;
  check?: DisclosureCheck;
}

/**
 * For a format 1.2 manifest, checks the disclosures and gives the manifest with the disclosed items (and a
 * stand-in per withheld item); for 1.0 and 1.1 the manifest as it is. When the disclosures cannot be read the
 * manifest keeps no items, so nothing in data/ counts as declared. Internal to verifyBundle.
 */
export async function checkBundleDisclosures(source: BagSource, present: ReadonlySet<string>, manifest: Manifest, findings: FindingSink, backend?: DigestBackend): Promise<BundleDisclosures> {
  if (manifest.commitments === undefined) return { manifest };
  const check = await checkDisclosures(source, manifest, present, backend);
  pushAll(findings, check.findings);
  return { manifest: check.manifest ?? manifest, check };
}

/**
 * Gives each withheld item of the report its reason, and for format 1.2 who withheld it and when, from the
 * signed redaction events of the custody log (whose absence or mismatch is a finding). Internal to verifyBundle.
 */
export async function applyDisclosures(
  disclosed: BundleDisclosures,
  items: ItemResult[],
  read: { source: BagSource; present: ReadonlySet<string>; manifest: Manifest },
  custody: VerificationReport['custody'],
  findings: FindingSink,
): Promise<ItemResult[]> {
  // A format 1.0 or 1.1 bundle that withholds nothing (most of them): its results stand as they are, with no
  // index of the items built. Format 1.2 always goes on: its redaction events are checked against the leaves.
  if (disclosed.check === undefined && !items.some((result) => result.status === 'withheld')) return items;
  const byId = new Map(read.manifest.items.map((i) => [i.id, i]));
  const leaves = disclosed.check?.leaves;
  let records = new Map<string, { reason: string; legalBasis?: string; by: string; kid: string; time: string; seq: number }>();
  if (leaves !== undefined && disclosed.check?.manifest !== undefined) {
    let log: Uint8Array | undefined;
    try {
      const bytes = await readTagFile(read.source, CUSTODY_FILE, LIMITS.custodyBytes, read.present);
      log = bytes instanceof Uint8Array ? bytes : undefined;
    } catch {
      // The custody check has reported why the log cannot be read.
      log = undefined;
    }
    const withholding = checkWithholding(leaves, log, custody?.events ?? []);
    pushAll(findings, withholding.findings);
    records = withholding.withheld;
  }
  const redacted = new Set(leaves?.flatMap((l) => (isDisclosedLeaf(l) ? [] : [l.withheld.id])) ?? []);
  return items.map((result) => {
    if (result.status !== 'withheld') return result;
    const record = records.get(result.id);
    if (record !== undefined) {
      const { seq, ...rest } = record;
      return { ...result, withheld: { ...rest, custody: seq } };
    }
    const item = byId.get(result.id);
    if (redacted.has(result.id) || item?.disclosure.status !== 'withheld') return result;
    const { reason, legalBasis } = item.disclosure;
    return { ...result, withheld: { reason, ...(legalBasis !== undefined ? { legalBasis } : {}) } };
  });
}
