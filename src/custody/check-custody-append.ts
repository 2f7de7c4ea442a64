import { EvidenceBundleError } from '../errors.js';
import { FINDING_CODES } from '../report/codes.js';
import { checkCustodyChain } from './check-custody-chain.js';
import { checkCustodyRules } from './check-custody-rules.js';
import type { CustodyEvent } from './custody-event.js';
import { custodyLink } from './custody-link.js';
import { parseCustodyLog } from './parse-custody-log.js';

/** Tolerance for an event dated before the one it follows, in seconds: the verifier's default. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** What {@link checkCustodyAppend} needs besides the log and the event. */
export interface CheckCustodyAppendOptions {
  /** The bundle's manifest, as stored: the chain of the log starts from it. */
  manifestBytes: Uint8Array;
  /** The ids of the manifest's items. */
  itemIds: ReadonlySet<string>;
  /** Defaults to {@link DEFAULT_CLOCK_SKEW_SECONDS}, what a verifier allows unless its policy says otherwise. */
  clockSkewSeconds?: number;
}

/**
 * Refuses an event that would break the custody rules once appended to `log` (docs/format.md, "Custody
 * rules"): the verifier's own rule code ({@link checkCustodyRules}) runs over the log in chain order followed
 * by the new event, and any finding located at the new event that would make the bundle INVALID refuses it: a handover, return or destruction by
 * someone who is not the custodian, a receipt that answers no pending transfer to its actor, an unknown item,
 * an event after the items' custody ended, a time going backwards beyond the tolerance. Problems already in
 * the log are the verifier's to report; they do not stop the append. What the rules only report (a transfer not
 * answered yet, seals found broken or differing on receipt) is what happened and must stay writable: a receiver
 * records the seals as it found them. Signatures of earlier events are not
 * checked: the writer has no trust policy to check them against. Linear in the size of the log.
 * @throws EvidenceBundleError `ERR_CUSTODY_RULE` naming the finding code, with the findings as `cause`
 * @example
 * checkCustodyAppend(oldLog, newEvent, { manifestBytes, itemIds: new Set(manifest.items.map((i) => i.id)) });
 */
export function checkCustodyAppend(log: Uint8Array, event: CustodyEvent, options: CheckCustodyAppendOptions): void {
  const parsed = parseCustodyLog(log);
  const chain = checkCustodyChain(parsed.lines, custodyLink(options.manifestBytes));
  const line = parsed.lines.length + 1;
  const rules = checkCustodyRules(
    [...chain.events.map((e) => ({ event: e.signed.event, line: e.line })), { event, line }],
    options.itemIds,
    options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
  );
  const broken = rules.findings.filter((f) => f.line === line && FINDING_CODES[f.code].effect === 'invalid');
  if (broken.length > 0) {
    throw new EvidenceBundleError('ERR_CUSTODY_RULE', `refusing event ${event.seq}: ${broken.map((f) => `${f.code}: ${f.message}`).join('; ')}`, { cause: broken });
  }
}
