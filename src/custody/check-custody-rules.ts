import { CUSTODY_FILE } from '../model/layout.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding, FindingParams } from '../report/finding-type.js';
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
  /** Item id -> seq of the event from which its custodian at the end holds it (its first event, or a receipt). */
  heldSince: Record<string, number>;
  findings: Finding[];
}

interface PendingTransfer {
  from: string;
  to: string;
  items: ReadonlySet<string> | 'all';
  answered: boolean;
  line: number;
  /** The seals the items travel under: the transfer's own, else those of the latest `sealed` event before it. */
  seals?: { ids: ReadonlySet<string>; seq: number };
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
 *   - nothing may happen to items after they were returned or destroyed (`custody.after-final`);
 *   - no event is dated after `currentDate` by more than `clockSkewSeconds` (`custody.time.future`);
 *   - a seal found `broken` or `absent` is reported (`custody.seal.broken`, `custody.seal.absent`), and so are
 *     seal ids of a receipt that differ from those the items travelled under (`custody.seal.mismatch`);
 *   - a transfer that no receipt answers by the end of the log is reported (`custody.transfer.unanswered`).
 * Pure and synchronous; signatures are checked elsewhere. Without `currentDate`, no event is in the future.
 */
export function checkCustodyRules(
  events: readonly PlacedCustodyEvent[],
  itemIds: ReadonlySet<string>,
  clockSkewSeconds: number,
  currentDate?: Date,
): CustodyRulesResult {
  const findings: Finding[] = [];
  const holdings = new CustodyHoldings(itemIds);
  const transfers = new Map<number, PendingTransfer>();
  const seals = new SealRecord();
  const latest = currentDate === undefined ? Infinity : currentDate.getTime() + clockSkewSeconds * 1000;
  let lastTime: { ms: number; seq: number; text: string } | undefined;

  for (const { event, line } of events) {
    const report = (code: FindingCode, message: string, params: FindingParams, item?: string): void => {
      findings.push(makeFinding(code, message, { path: CUSTODY_FILE, custody: event.seq, line, ...(item !== undefined ? { item } : {}) }, params));
    };
    const ms = Date.parse(event.time);
    if (lastTime !== undefined && ms < lastTime.ms - clockSkewSeconds * 1000) {
      report('custody.time.backwards', `event ${event.seq} (${event.time}) is dated before event ${lastTime.seq} (${lastTime.text})`, { seq: event.seq, time: event.time, previousSeq: lastTime.seq, previousTime: lastTime.text });
    }
    if (lastTime === undefined || ms > lastTime.ms) lastTime = { ms, seq: event.seq, text: event.time };
    if (ms > latest) {
      report('custody.time.future', `event ${event.seq} is dated ${event.time}, after the verification time ${currentDate!.toISOString()} (tolerance ${clockSkewSeconds} s)`, { seq: event.seq, time: event.time, currentTime: currentDate!.toISOString(), tolerance: clockSkewSeconds });
    }
    for (const seal of event.seals ?? []) {
      if (seal.condition === 'broken' || seal.condition === 'absent') {
        report(seal.condition === 'broken' ? 'custody.seal.broken' : 'custody.seal.absent', `event ${event.seq} (${event.type}) records seal ${seal.id} as ${seal.condition}`, { seq: event.seq, type: event.type, seal: seal.id });
      }
    }

    let items: readonly string[] | 'all' = event.items;
    if (items !== 'all') {
      for (const id of items) if (!itemIds.has(id)) report('custody.item.unknown', `event ${event.seq} names item ${id}, which this bundle does not have`, { seq: event.seq, item: id }, id);
      items = items.filter((id) => itemIds.has(id));
    }
    const closed = holdings.closedAmong(items);
    if (closed.length > 0) {
      report('custody.after-final', `event ${event.seq} concerns ${closed.join(', ')} after event ${holdings.closedAt(closed[0]!)} closed their custody`, { seq: event.seq, items: closed.join(', '), closedSeq: holdings.closedAt(closed[0]!) ?? '-' }, closed[0]);
    }
    const kid = event.actor.kid;
    // Withholding takes the custodian: judged before the event could make its actor the first holder.
    if (event.type === 'redacted') {
      const notHeld = holdings.notHeldBy(kid, items);
      if (typeof notHeld === 'number' ? notHeld > 0 : notHeld.length > 0) {
        const what = typeof notHeld === 'number' ? `${notHeld} of the items` : notHeld.join(', ');
        report('custody.handover.not-custodian', `event ${event.seq} (${event.type}) by ${kid}, who does not hold ${what}`, { seq: event.seq, type: event.type, kid }, typeof notHeld === 'number' ? undefined : notHeld[0]);
      }
    }
    holdings.claimUnheld(kid, items, event.seq);

    switch (event.type) {
      case 'transferred':
      case 'returned':
      case 'destroyed': {
        const notHeld = holdings.notHeldBy(kid, items);
        if (typeof notHeld === 'number' ? notHeld > 0 : notHeld.length > 0) {
          const what = typeof notHeld === 'number' ? `${notHeld} of the items` : notHeld.join(', ');
          report('custody.handover.not-custodian', `event ${event.seq} (${event.type}) by ${kid}, who does not hold ${what}`, { seq: event.seq, type: event.type, kid }, typeof notHeld === 'number' ? undefined : notHeld[0]);
        }
        if (event.type === 'transferred') {
          const travel = event.seals !== undefined ? { ids: new Set(event.seals.map((s) => s.id)), seq: event.seq } : seals.latestFor(items);
          transfers.set(event.seq, {
            from: kid,
            to: event.counterparty.kid,
            items: items === 'all' ? 'all' : new Set(items),
            answered: false,
            line,
            ...(travel !== undefined ? { seals: travel } : {}),
          });
        } else {
          holdings.close(event.seq, items);
        }
        break;
      }
      case 'received': {
        const transfer = transfers.get(event.answers);
        const problem = receiveProblem(event, transfer, items, holdings);
        if (problem !== undefined) report('custody.receive.unmatched', `event ${event.seq} (received) ${problem}`, { seq: event.seq, detail: problem });
        else transfer!.answered = true;
        const differ = transfer?.seals !== undefined && event.seals !== undefined ? sealDifference(transfer.seals.ids, event.seals.map((s) => s.id)) : undefined;
        if (differ !== undefined) {
          report('custody.seal.mismatch', `event ${event.seq} (received) records seals ${differ.received}, but the items left under seals ${differ.sent} (event ${transfer!.seals!.seq})`, { seq: event.seq, received: String(differ.received), sent: String(differ.sent), transferSeq: transfer!.seals!.seq });
        }
        // The receiver holds the items from now on even when the receipt is unmatched: that one finding names
        // the cause, later events by the receiver are not reported again.
        holdings.assign(kid, items, event.seq);
        break;
      }
      case 'sealed':
        seals.record(event.seq, items, event.seals.map((s) => s.id));
        break;
      default:
        break;
    }
  }
  const last = events.at(-1)?.event.seq;
  for (const [seq, transfer] of transfers) {
    if (transfer.answered) continue;
    const where = seq === last ? 'the log ends with it: the items are in transit, or the log was cut after it' : 'the items stay in the sender\'s custody';
    findings.push(
      makeFinding('custody.transfer.unanswered', `transfer ${seq} to ${transfer.to} is answered by no receipt; ${where}`, { path: CUSTODY_FILE, custody: seq, line: transfer.line }, { seq, to: transfer.to }),
    );
  }
  const custodians = holdings.snapshot();
  const heldSince: Record<string, number> = {};
  for (const id of Object.keys(custodians)) heldSince[id] = holdings.heldSince(id)!;
  return { custodians, heldSince, findings };
}

/**
 * The latest `sealed` event of each item, so that a transfer that names no seals travels under those of the
 * latest `sealed` event before it that concerns any of its items. Linear in the log: one entry per item named.
 */
class SealRecord {
  readonly #ids = new Map<number, ReadonlySet<string>>();
  readonly #latest = new Map<string, number>();
  #all: number | undefined;
  #any: number | undefined;

  record(seq: number, items: readonly string[] | 'all', ids: readonly string[]): void {
    this.#ids.set(seq, new Set(ids));
    this.#any = seq;
    if (items === 'all') this.#all = seq;
    else for (const id of items) this.#latest.set(id, seq);
  }

  latestFor(items: readonly string[] | 'all'): { ids: ReadonlySet<string>; seq: number } | undefined {
    let seq = items === 'all' ? this.#any : this.#all;
    if (items !== 'all') {
      for (const id of items) {
        const own = this.#latest.get(id);
        if (own !== undefined && (seq === undefined || own > seq)) seq = own;
      }
    }
    return seq === undefined ? undefined : { ids: this.#ids.get(seq)!, seq };
  }
}

/** The two seal lists, for a message, when they do not name the same seals. */
function sealDifference(sent: ReadonlySet<string>, received: readonly string[]): { sent: string; received: string } | undefined {
  const got = new Set(received);
  const same = got.size === sent.size && [...got].every((id) => sent.has(id));
  return same ? undefined : { sent: [...sent].join(', '), received: [...got].join(', ') };
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
