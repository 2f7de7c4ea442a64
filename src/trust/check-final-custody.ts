import { CUSTODY_FILE } from '../model/layout.js';
import type { ParsedCustodyLog } from '../custody/parse-custody-log.js';
import type { CustodyCheck, CustodyEventResult } from '../custody/verify-custody-log.js';
import type { Finding } from '../report/finding-type.js';
import { jwkThumbprint } from '../sign/thumbprint.js';
import { custodyKeys } from './custody-keys.js';
import { policyFinding } from './policy-finding.js';
import type { TrustPolicy } from './trust-policy.js';

/** Items named one by one in findings; the rest are counted in one more (bounded report). */
const MAX_ITEM_FINDINGS = 20;

/**
 * Checks the policy's `custody.requireFinalCustody` (docs/format.md, "Trust policy"): each present item must end
 * the log held by a key of the required authorities (those of the policy owner's country, or the ones listed),
 * and that custody must come from a `received` event that is valid and trusted. The end of a log can be cut off
 * without trace; the receiver's own receipt, which links to everything before it, is what proves it has all of
 * it. Unmet is `policy.custody.not-received` (INDETERMINATE). Never throws on the log's content.
 * @param custody the parsed log and its check, or undefined when the bundle has no readable log
 * @param presentItems ids of the manifest's items whose bytes are in the bundle
 */
export async function checkFinalCustody(
  policy: TrustPolicy,
  custody: { log: ParsedCustodyLog; check: Pick<CustodyCheck, 'events' | 'custodians' | 'heldSince'> } | undefined,
  presentItems: readonly string[],
  currentDate: Date,
): Promise<Finding[]> {
  const required = policy.custody?.requireFinalCustody;
  if (required === undefined || presentItems.length === 0) return [];
  const authorities = policy.authorities.filter((a) => (required === 'owner' ? a.country === policy.owner.country : required.includes(a.id)));
  const whom = required === 'owner' ? `an authority of ${policy.owner.country}` : `one of ${required.join(', ')}`;
  const at = (item?: string) => ({ path: CUSTODY_FILE, rule: 'custody', ...(item !== undefined ? { item } : {}) });
  if (custody === undefined) {
    return [policyFinding('policy.custody.not-received', `the policy requires the items to end in the custody of ${whom}, and the bundle has no readable custody log`, at(), { detail: `no readable custody log; required: ${whom}` })];
  }
  // The same keys that may sign custody events for these authorities: their keys, and leaf keys of x5c chains
  // that build to their anchors.
  const keys = await custodyKeys(custody.log, { ...policy, authorities }, currentDate);
  const kids = new Set((await Promise.all(keys.map((k) => jwkThumbprint(k)))).filter((k): k is string => k !== undefined));
  const { events, custodians, heldSince } = custody.check;
  // Several lines may claim one seq (an inserted event): the receipt counts only if one of them is that holder's
  // valid, trusted receipt.
  const receipts = new Map<number, CustodyEventResult[]>();
  for (const e of events) if (e.type === 'received') receipts.set(e.seq, [...(receipts.get(e.seq) ?? []), e]);
  const failures: Array<{ item: string; why: string }> = [];
  for (const item of presentItems) {
    const why = problem(custodians[item], heldSince[item], kids, receipts);
    if (why !== undefined) failures.push({ item, why });
  }
  const findings = failures
    .slice(0, MAX_ITEM_FINDINGS)
    .map(({ item, why }) => policyFinding('policy.custody.not-received', `item ${item} does not end in the custody of ${whom}: ${why}`, at(item), { detail: `item ${item}, required ${whom}: ${why}` }));
  if (failures.length > MAX_ITEM_FINDINGS) {
    const rest = failures.length - MAX_ITEM_FINDINGS;
    findings.push(policyFinding('policy.custody.not-received', `${rest} more item(s) do not end in the custody of ${whom}`, at(), { detail: `${rest} more item(s), required ${whom}` }));
  }
  return findings;
}

function problem(
  custodian: string | undefined,
  since: number | undefined,
  kids: ReadonlySet<string>,
  receiptsBySeq: ReadonlyMap<number, readonly CustodyEventResult[]>,
): string | undefined {
  if (custodian === undefined || since === undefined) return 'nobody holds it at the end of the log';
  if (!kids.has(custodian)) return `it is held by ${custodian}, a key of none of those authorities`;
  const receipts = (receiptsBySeq.get(since) ?? []).filter((e) => e.kid === custodian);
  if (receipts.length === 0) return `its holder has held it since event ${since}, which is not a receipt`;
  if (!receipts.some((e) => e.status === 'valid')) return `receipt ${since} is ${receipts[0]!.status}`;
  return undefined;
}
