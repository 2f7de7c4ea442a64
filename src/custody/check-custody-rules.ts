import { CUSTODY_FILE } from '../bundle/layout.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import type { CustodyEvent } from './custody-event.js';

/** An event to check, with the log line it came from (for the finding's location). */
export interface PlacedCustodyEvent {
  event: CustodyEvent;
  line: number;
}

/** Who holds each item after the log, and what broke the rules on the way. */
export interface CustodyRulesResult {
  /** Item id -> kid of its custodian at the end of the log; returned or destroyed items have none. */
  custodians: Record<string, string>;
  findings: Finding[];
}

interface PendingTransfer {
  from: string;
  to: string;
  items: ReadonlySet<string>;
  answered: boolean;
}

/**
 * Applies the custody rules to events already in chain order (docs/format.md, "Custody rules"):
 *   - time never goes backwards by more than `clockSkewSeconds` (`custody.time.backwards`);
 *   - every item named is in the manifest (`custody.item.unknown`);
 *   - the actor of the first event naming an item becomes its custodian; `transferred`, `returned` and
 *     `destroyed` must be made by the current custodian (`custody.handover.not-custodian`);
 *   - `received` must answer an earlier, not yet answered `transferred` addressed to the receiver's kid, from
 *     the counterparty it names (when it names a kid), covering the items it names
 *     (`custody.receive.unmatched`); the receiver then becomes custodian;
 *   - nothing may happen to items after they were returned or destroyed (`custody.after-final`).
 * Pure and synchronous; signatures are checked elsewhere.
 */
export function checkCustodyRules(
  events: readonly PlacedCustodyEvent[],
  itemIds: ReadonlySet<string>,
  clockSkewSeconds: number,
): CustodyRulesResult {
  const findings: Finding[] = [];
  const custodians = new Map<string, string>();
  const finalAt = new Map<string, number>();
  const transfers = new Map<number, PendingTransfer>();
  const allItems = [...itemIds];
  let lastTime: { ms: number; seq: number; text: string } | undefined;

  for (const { event, line } of events) {
    const report = (code: FindingCode, message: string, item?: string): void => {
      findings.push(makeFinding(code, message, { path: CUSTODY_FILE, custody: event.seq, line, ...(item !== undefined ? { item } : {}) }));
    };
    const ms = Date.parse(event.time);
    if (lastTime !== undefined && ms < lastTime.ms - clockSkewSeconds * 1000) {
      report('custody.time.backwards', `event ${event.seq} (${event.time}) is dated before event ${lastTime.seq} (${lastTime.text})`);
    }
    if (lastTime === undefined || ms > lastTime.ms) lastTime = { ms, seq: event.seq, text: event.time };

    let items = event.items === 'all' ? allItems : event.items;
    for (const id of items) if (!itemIds.has(id)) report('custody.item.unknown', `event ${event.seq} names item ${id}, which this bundle does not have`, id);
    items = items.filter((id) => itemIds.has(id));
    const closed = items.filter((id) => finalAt.has(id));
    if (closed.length > 0) {
      report('custody.after-final', `event ${event.seq} concerns ${closed.join(', ')} after event ${finalAt.get(closed[0]!)} closed their custody`, closed[0]);
      items = items.filter((id) => !finalAt.has(id));
    }
    const kid = event.actor.kid;
    for (const id of items) if (!custodians.has(id)) custodians.set(id, kid);

    switch (event.type) {
      case 'transferred':
      case 'returned':
      case 'destroyed': {
        const notHeld = items.filter((id) => custodians.get(id) !== kid);
        if (notHeld.length > 0) {
          report('custody.handover.not-custodian', `event ${event.seq} (${event.type}) by ${kid}, who does not hold ${notHeld.join(', ')}`, notHeld[0]);
        }
        if (event.type === 'transferred') {
          transfers.set(event.seq, { from: kid, to: event.counterparty.kid, items: new Set(items), answered: false });
        } else {
          for (const id of items) {
            finalAt.set(id, event.seq);
            custodians.delete(id);
          }
        }
        break;
      }
      case 'received': {
        const problem = receiveProblem(event, transfers.get(event.answers), items);
        if (problem !== undefined) report('custody.receive.unmatched', `event ${event.seq} (received) ${problem}`);
        else transfers.get(event.answers)!.answered = true;
        // The receiver holds the items from now on even when the receipt is unmatched: that one finding names
        // the cause, later events by the receiver are not reported again.
        for (const id of items) custodians.set(id, kid);
        break;
      }
      default:
        break;
    }
  }
  const sorted = [...custodians].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { custodians: Object.fromEntries(sorted), findings };
}

function receiveProblem(
  event: Extract<CustodyEvent, { type: 'received' }>,
  transfer: PendingTransfer | undefined,
  items: readonly string[],
): string | undefined {
  if (transfer === undefined) return `answers event ${event.answers}, which is not an earlier transfer`;
  if (transfer.answered) return `answers transfer ${event.answers}, which was already received`;
  if (transfer.to !== event.actor.kid) return `is by ${event.actor.kid}, but transfer ${event.answers} was addressed to ${transfer.to}`;
  if (event.counterparty.kid !== undefined && event.counterparty.kid !== transfer.from) {
    return `names ${event.counterparty.kid} as sender, but transfer ${event.answers} was made by ${transfer.from}`;
  }
  const extra = items.filter((id) => !transfer.items.has(id));
  if (extra.length > 0) return `receives ${extra.join(', ')}, which transfer ${event.answers} did not hand over`;
  return undefined;
}
