import type { BagSource } from '../bagit/bag-source.js';
import { parseCustodyLog } from '../custody/parse-custody-log.js';
import type { CustodyEventResult } from '../custody/verify-custody-log.js';
import { isEvidenceBundleError } from '../errors.js';
import { constantTimeEqual, toHex } from '../internal/bytes.js';
import type { Item } from '../model/item.js';
import { DISCLOSURES_FILE, LIMITS } from '../model/layout.js';
import { type Manifest, ManifestSchema } from '../model/manifest.js';
import { splitIssues } from '../model/issue-pointer.js';
import { createFindingCap } from '../report/cap-findings.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { readBounded } from '../bagit/read-bounded.js';
import { leafHashAt, writeCommittedValue } from './commitment.js';
import { CanonicalBytesWriter } from '../encoding/jcs.js';
import { flatMerkleRoot } from './tree-hash.js';
import { isDisclosedLeaf, leafItemId, parseDisclosuresFile, type DisclosureLeaf } from './disclosures-file.js';
import { merkleRoot } from './merkle.js';
import type { DigestBackend } from '../digest/algorithms.js';

/** What the verifier learns from the disclosures of a format 1.2 bundle. */
export interface DisclosureCheck {
  findings: Finding[];
  /**
   * The manifest as a 1.1 reader would see it: the signed manifest with the disclosed items, and for each
   * withheld leaf a stand-in withheld item with only its id (so the payload and custody checks run unchanged).
   * Undefined when the disclosures could not be read.
   */
  manifest?: Manifest;
  /** The leaves, in order, when the disclosures could be read. */
  leaves?: readonly DisclosureLeaf[];
}

/** A stand-in for a withheld leaf: its id and nothing else the disclosures could tell. */
const withheldStandIn = (id: string): Item => ({
  id,
  mediaType: 'application/octet-stream',
  disclosure: { status: 'withheld', reason: 'withheld from this bundle (see the redaction event)' },
});

const where = (pointer: string) => `${DISCLOSURES_FILE}#${pointer}`;

/**
 * Checks the disclosures of a bundle whose manifest commits to its items (format 1.2, docs/format.md,
 * "Selective disclosure"): reads `evidence/disclosures.json` (strict canonical JSON, schema), compares the leaf
 * count with the signed one, recomputes each disclosed item's commitment and the Merkle root and compares it with
 * the signed root, refuses a reused salt, and applies the manifest's cross-field rules to the disclosed items.
 * Never throws on what the bundle holds: every problem is a finding. `backend` hashes the leaves and nodes
 * (node:crypto through `evidence-bundle/node`); @noble/hashes by default.
 * @throws EvidenceBundleError `ERR_IO` from the source (the receiver's environment, not the bundle)
 * @example const check = await checkDisclosures(source, manifest);
 */
export async function checkDisclosures(source: BagSource, manifest: Manifest, present?: ReadonlySet<string>, backend?: DigestBackend): Promise<DisclosureCheck> {
  const leafAt = leafHashAt(backend);
  const findings: Finding[] = [];
  const commitments = manifest.commitments;
  if (commitments === undefined) return { findings, manifest };
  if (present !== undefined && !present.has(DISCLOSURES_FILE)) {
    findings.push(makeFinding('disclosure.missing', `${DISCLOSURES_FILE} is missing`, { path: DISCLOSURES_FILE }));
    return { findings };
  }
  let file;
  try {
    const bytes = await readBounded(source, DISCLOSURES_FILE, LIMITS.disclosuresBytes);
    if (bytes === 'too-large') {
      const detail = `larger than ${LIMITS.disclosuresBytes} bytes`;
      findings.push(makeFinding('disclosure.malformed', `${DISCLOSURES_FILE} is ${detail}`, { path: DISCLOSURES_FILE }, { detail }));
      return { findings };
    }
    file = parseDisclosuresFile(bytes);
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_IO')) throw error;
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND')) {
      findings.push(makeFinding('disclosure.missing', `${DISCLOSURES_FILE} is missing`, { path: DISCLOSURES_FILE }));
      return { findings };
    }
    const detail = isEvidenceBundleError(error) ? error.message : String(error);
    findings.push(makeFinding('disclosure.malformed', `${DISCLOSURES_FILE}: ${detail}`, { path: DISCLOSURES_FILE }, { detail }));
    return { findings };
  }
  const leaves = file.leaves;
  if (leaves.length !== commitments.leafCount) {
    findings.push(makeFinding('disclosure.leaf-count-mismatch', `the signed manifest counts ${commitments.leafCount} leaves, ${DISCLOSURES_FILE} has ${leaves.length}`, { path: DISCLOSURES_FILE }, { expected: String(commitments.leafCount), found: leaves.length }));
  }
  const salts = new Map<string, string>();
  // Each committed value is written into one reused buffer behind a byte of room for the leaf prefix, and its
  // leaf hash goes into one buffer of all the leaf hashes: no allocation per leaf.
  const hashes = new Uint8Array(leaves.length * 32);
  const value = new CanonicalBytesWriter(4096);
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (!isDisclosedLeaf(leaf)) {
      hexInto(leaf.withheld.leaf, hashes, i * 32);
      continue;
    }
    const earlier = salts.get(leaf.salt);
    if (earlier !== undefined) {
      findings.push(makeFinding('disclosure.salt-reused', `item ${leaf.item.id} has the salt of item ${earlier}`, { path: where(`/leaves/${i}/salt`), item: leaf.item.id }, { item: leaf.item.id, other: earlier }));
    } else {
      salts.set(leaf.salt, leaf.item.id);
    }
    value.length = 1;
    writeCommittedValue(value, leaf.item, leaf.salt);
    leafAt(value.bytes, 1, value.length, hashes, i * 32);
  }
  const root = leaves.length === 0 ? merkleRoot([]) : flatMerkleRoot(hashes, leaves.length);
  if (!constantTimeEqual(toHex(root), commitments.root)) {
    findings.push(makeFinding('disclosure.root-mismatch', `the Merkle root of ${DISCLOSURES_FILE} is ${toHex(root)}, the signed manifest records ${commitments.root}`, { path: DISCLOSURES_FILE }, { expected: commitments.root, actual: toHex(root) }));
  }
  const items = leaves.map((leaf) => (isDisclosedLeaf(leaf) ? leaf.item : withheldStandIn(leaf.withheld.id)));
  const { commitments: _c, ...clear } = manifest;
  // The cross-field rules of a 1.1 manifest, over the items the leaves give.
  const checked = ManifestSchema.safeParse({ ...clear, formatVersion: '1.1', items });
  if (!checked.success) {
    const cap = createFindingCap();
    const seen = new Set<string>();
    for (const problem of splitIssues(checked.error.issues)) {
      if (problem.path[0] !== 'items' || typeof problem.path[1] !== 'number') continue;
      const i = problem.path[1];
      const leaf = leaves[i];
      const pointer = leaf !== undefined && isDisclosedLeaf(leaf) ? `/leaves/${i}/item${toPointer(problem.path.slice(2))}` : `/leaves/${i}/withheld/id`;
      if (seen.has(pointer)) continue;
      seen.add(pointer);
      cap.push(makeFinding('disclosure.item-invalid', `${pointer}: ${problem.message}`, { path: where(pointer), ...(leaf !== undefined ? { item: leafItemId(leaf) } : {}) }, { pointer, detail: problem.message }));
    }
    findings.push(...cap.done());
    return { findings, leaves };
  }
  return { findings, leaves, manifest: { ...manifest, items } };
}

function toPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** 64 lower-case hex digits (the schema checked them) as 32 bytes into `out` at `at`. */
function hexInto(hex: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < 32; i++) out[at + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
}

/** Who withheld an item, when and why, from the signed redaction event of the custody log. */
export interface WithholdingRecord {
  reason: string;
  legalBasis?: string;
  /** The event's actor, as "name (role, organisation, country)". */
  by: string;
  kid: string;
  time: string;
  seq: number;
}

/**
 * Matches the withheld leaves of a format 1.2 bundle with the redaction events of its custody log: every
 * withheld leaf must be named, with its leaf hash, by a `redacted` event whose signature verifies (its status is
 * `valid` or `untrusted`; an untrusted signer is already INDETERMINATE), else `disclosure.withheld-unrecorded`;
 * an item such an event withholds must not be disclosed (`disclosure.redacted-present`). Custody rules (only the
 * custodian may redact) are the custody check's.
 * @example const { withheld, findings } = checkWithholding(check.leaves, logBytes, custody.events);
 */
export function checkWithholding(
  leaves: readonly DisclosureLeaf[],
  logBytes: Uint8Array | undefined,
  events: readonly CustodyEventResult[],
): { withheld: Map<string, WithholdingRecord>; findings: Finding[] } {
  const findings: Finding[] = [];
  const status = new Map(events.map((e) => [e.seq, e]));
  // item id -> leaf hash -> record, from the redaction events whose signature holds.
  const recorded = new Map<string, { leaf: string; record: WithholdingRecord }[]>();
  for (const line of logBytes === undefined ? [] : parseCustodyLog(logBytes).lines) {
    const event = line.signed?.event;
    if (event?.type !== 'redacted') continue;
    const result = status.get(event.seq);
    if (result === undefined || result.kid !== event.actor.kid || (result.status !== 'valid' && result.status !== 'untrusted')) continue;
    event.items.forEach((id, k) => {
      const record: WithholdingRecord = {
        reason: event.reason,
        ...(event.legalBasis !== undefined ? { legalBasis: event.legalBasis } : {}),
        by: result.actor,
        kid: event.actor.kid,
        time: event.time,
        seq: event.seq,
      };
      const list = recorded.get(id) ?? [];
      list.push({ leaf: event.leaves[k]!, record });
      recorded.set(id, list);
    });
  }
  const withheld = new Map<string, WithholdingRecord>();
  leaves.forEach((leaf, i) => {
    if (isDisclosedLeaf(leaf)) {
      const redaction = recorded.get(leaf.item.id)?.[0];
      if (redaction !== undefined) {
        findings.push(makeFinding('disclosure.redacted-present', `item ${leaf.item.id} is disclosed, although redaction event ${redaction.record.seq} withholds it`, { path: where(`/leaves/${i}`), item: leaf.item.id, custody: redaction.record.seq }, { item: leaf.item.id, seq: redaction.record.seq }));
      }
      return;
    }
    const match = recorded.get(leaf.withheld.id)?.find((r) => r.leaf === leaf.withheld.leaf);
    if (match === undefined) {
      findings.push(makeFinding('disclosure.withheld-unrecorded', `item ${leaf.withheld.id} is withheld, but no signed redaction event withholds it with leaf ${leaf.withheld.leaf}`, { path: where(`/leaves/${i}/withheld`), item: leaf.withheld.id }, { item: leaf.withheld.id }));
    } else {
      withheld.set(leaf.withheld.id, match.record);
    }
  });
  return { withheld, findings };
}
