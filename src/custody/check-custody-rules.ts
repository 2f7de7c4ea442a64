import { CUSTODY_FILE } from '../bundle/layout.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import type { CustodyEvent } from './custody-event.js';
import { CustodyHoldings } from './custody-holdings.js';

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
  items: ReadonlySet<string> | 'all';
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
  const holdings = new CustodyHoldings(itemIds);
  const transfers = new Map<number, PendingTransfer>();
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

    let items: readonly string[] | 'all' = event.items;
    if (items !== 'all') {
      for (const id of items) if (!itemIds.has(id)) report('custody.item.unknown', `event ${event.seq} names item ${id}, which this bundle does not have`, id);
      items = items.filter((id) => itemIds.has(id));
    }
    const closed = holdings.closedAmong(items);
    if (closed.length > 0) {
      report('custody.after-final', `event ${event.seq} concerns ${closed.join(', ')} after event ${holdings.closedAt(closed[0]!)} closed their custody`, closed[0]);
    }
    const kid = event.actor.kid;
    holdings.claimUnheld(kid, items);

    switch (event.type) {
      case 'transferred':
      case 'returned':
      case 'destroyed': {
        const notHeld = holdings.notHeldBy(kid, items);
        if (typeof notHeld === 'number' ? notHeld > 0 : notHeld.length > 0) {
          const what = typeof notHeld === 'number' ? `${notHeld} of the items` : notHeld.join(', ');
          report('custody.handover.not-custodian', `event ${event.seq} (${event.type}) by ${kid}, who does not hold ${what}`, typeof notHeld === 'number' ? undefined : notHeld[0]);
        }
        if (event.type === 'transferred') {
          transfers.set(event.seq, { from: kid, to: event.counterparty.kid, items: items === 'all' ? 'all' : new Set(items), answered: false });
        } else {
          holdings.close(event.seq, items);
        }
        break;
      }
      case 'received': {
        const problem = receiveProblem(event, transfers.get(event.answers), items, holdings);
        if (problem !== undefined) report('custody.receive.unmatched', `event ${event.seq} (received) ${problem}`);
        else transfers.get(event.answers)!.answered = true;
        // The receiver holds the items from now on even when the receipt is unmatched: that one finding names
        // the cause, later events by the receiver are not reported again.
        holdings.assign(kid, items);
        break;
      }
      default:
        break;
    }
  }
  return { custodians: holdings.snapshot(), findings };
}

function receiveProblem(
  event: Extract<CustodyEvent, { type: 'received' }>,
  transfer: PendingTransfer | undefined,
  items: readonly string[] | 'all',
  holdings: CustodyHoldings,
): string | undefined {
  if (transfer === undefined) return `answers event ${event.answers}, which is not an earlier transfer`;
  if (transfer.answered) return `answers transfer ${event.answers}, which was already received`;
  if (transfer.to !== event.actor.kid) return `is by ${event.actor.kid}, but transfer ${event.answers} was addressed to ${transfer.to}`;
  if (event.counterparty.kid !== undefined && event.counterparty.kid !== transfer.from) {
    return `names ${event.counterparty.kid} as sender, but transfer ${event.answers} was made by ${transfer.from}`;
  }
  const handed = transfer.items;
  if (handed === 'all') return undefined;
  if (items === 'all') {
    let covered = 0;
    for (const id of handed) if (holdings.closedAt(id) === undefined) covered++;
    return covered < holdings.active ? `receives all items, but transfer ${event.answers} handed over only ${[...handed].join(', ')}` : undefined;
  }
  const extra = items.filter((id) => !handed.has(id));
  if (extra.length > 0) return `receives ${extra.join(', ')}, which transfer ${event.answers} did not hand over`;
  return undefined;
}
