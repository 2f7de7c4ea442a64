import { CUSTODY_FILE } from '../model/layout.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding, FindingParams } from '../report/finding-type.js';
import type { CustodyLine } from './parse-custody-log.js';

/** A line whose event could be read. */
export type SignedCustodyLine = CustodyLine & { signed: NonNullable<CustodyLine['signed']> };

/** The hash chain of a custody log, rebuilt from the signed `seq` and `prev` of its events. */
export interface CustodyChain {
  /** The events that belong to the chain, in sequence order (reordered lines included, in their place). */
  events: SignedCustodyLine[];
  /** Lines identical to an earlier line, left out. */
  duplicates: CustodyLine[];
  /** Events that are not part of the chain, left out. */
  inserted: CustodyLine[];
  findings: Finding[];
}

/**
 * Rebuilds the order of a custody log from its hash chain and tells apart the ways it can be broken
 * (docs/format.md, "Custody log"). Signatures are not considered here; the signed `seq` and `prev` are what
 * make the distinctions sound, because whoever alters the log cannot re-sign another actor's event.
 *   - a line identical to an earlier one: `custody.sequence.duplicate`;
 *   - two events with the same `seq`: the one the chain continues from is kept, the other is
 *     `custody.sequence.inserted`; so is an event linked to nothing that nothing links to, when it does not end
 *     the log;
 *   - lines not in chain order: `custody.sequence.reordered` for each line outside the longest run already in
 *     order (one finding for a swap);
 *   - then, in `seq` order, each event against the one before: a link to the manifest's digest expected first
 *     (`custody.link.manifest-mismatch`); a link to nothing with missing sequence numbers that no damaged line
 *     accounts for (`custody.sequence.removed`); a wrong link otherwise (`custody.link.broken`); a correct link
 *     with a sequence number that does not count up by one (`custody.sequence.gap`).
 * Removing the last events of a log cannot be seen from the log alone (nothing links to them).
 */
export function checkCustodyChain(lines: readonly CustodyLine[], manifestLink: string): CustodyChain {
  const findings: Finding[] = [];
  const duplicates: CustodyLine[] = [];
  const report = (code: FindingCode, entry: CustodyLine, message: string, params: FindingParams): void => {
    const seq = entry.signed?.event.seq;
    findings.push(makeFinding(code, message, { path: CUSTODY_FILE, ...(seq !== undefined ? { custody: seq } : {}), line: entry.line }, params));
  };

  // Of identical lines, keep the copy that sits right after the event it links to: the original, or a copy
  // placed where it does no harm. Only the others are duplicates, so a copy never also looks like a reorder.
  const copies = new Map<string, number[]>();
  lines.forEach((entry, i) => {
    const group = copies.get(entry.link);
    if (group === undefined) copies.set(entry.link, [i]);
    else group.push(i);
  });
  // Nearest earlier line that is not a copy of line i (-1 for none), in one pass: hostile logs of many
  // identical lines must not cost quadratic time.
  const before: number[] = [];
  lines.forEach((e, i) => before.push(i === 0 ? -1 : lines[i - 1]!.link !== e.link ? i - 1 : before[i - 1]!));
  const fits = (i: number): boolean =>
    lines[i]!.signed?.event.prev === (before[i] === -1 ? manifestLink : lines[before[i]!]!.link);
  const keepOf = new Map<string, CustodyLine>();
  for (const [link, group] of copies) {
    if (group.length > 1) keepOf.set(link, lines[group.find(fits) ?? group[0]!]!);
  }
  const kept: CustodyLine[] = [];
  for (const entry of lines) {
    const keep = keepOf.get(entry.link);
    if (keep === undefined || keep === entry) {
      kept.push(entry);
    } else {
      duplicates.push(entry);
      report('custody.sequence.duplicate', entry, `line ${entry.line} repeats line ${keep.line}`, { firstLine: keep.line });
    }
  }
  const known = new Set(kept.map((e) => e.link));
  known.add(manifestLink);
  let signed = kept.filter((e): e is SignedCustodyLine => e.signed !== undefined);
  const referenced = new Set(signed.map((e) => e.signed.event.prev));

  // Two events claiming one place in the sequence: keep the one the chain goes on from.
  const bySeq = new Map<number, SignedCustodyLine[]>();
  for (const e of signed) {
    const group = bySeq.get(e.signed.event.seq);
    if (group === undefined) bySeq.set(e.signed.event.seq, [e]);
    else group.push(e);
  }
  const inserted = new Set<CustodyLine>();
  for (const group of bySeq.values()) {
    if (group.length < 2) continue;
    const rank = (e: SignedCustodyLine): number => (referenced.has(e.link) ? 0 : known.has(e.signed.event.prev) ? 1 : 2);
    const keep = group.reduce((best, e) => (rank(e) < rank(best) ? e : best));
    for (const e of group) {
      if (e !== keep) {
        inserted.add(e);
        report('custody.sequence.inserted', e, `line ${e.line} is a second event ${e.signed.event.seq}; line ${keep.line} is the one the chain continues from`, { seq: e.signed.event.seq });
      }
    }
  }
  // An event linked to nothing that nothing links to, inside the log: not a survivor of a removal, an insertion.
  const maxSeq = signed.reduce((max, e) => Math.max(max, e.signed.event.seq), 0);
  const lastLine = lines.length === 0 ? 0 : lines[lines.length - 1]!.line;
  for (const e of signed) {
    if (inserted.has(e) || known.has(e.signed.event.prev) || referenced.has(e.link)) continue;
    if (e.signed.event.seq !== maxSeq || e.line !== lastLine) {
      inserted.add(e);
      report('custody.sequence.inserted', e, `line ${e.line} (event ${e.signed.event.seq}) links to no event and no event links to it`, { seq: e.signed.event.seq });
    }
  }
  signed = signed.filter((e) => !inserted.has(e)).sort((a, b) => a.signed.event.seq - b.signed.event.seq);

  const inOrder = longestIncreasingRun(signed.map((e) => e.line));
  signed.forEach((e, i) => {
    if (!inOrder.has(i)) report('custody.sequence.reordered', e, `event ${e.signed.event.seq} is out of place at line ${e.line}`, { seq: e.signed.event.seq });
  });

  // unreadableUpTo[n]: how many kept lines numbered n or less could not be read (damaged or malformed).
  const unreadableUpTo = new Array<number>(lastLine + 1).fill(0);
  for (const e of kept) if (e.signed === undefined) unreadableUpTo[e.line]! += 1;
  for (let n = 1; n <= lastLine; n++) unreadableUpTo[n]! += unreadableUpTo[n - 1]!;
  let previous: SignedCustodyLine | undefined;
  for (const e of signed) {
    const { seq, prev } = e.signed.event;
    const expectedSeq = previous === undefined ? 1 : previous.signed.event.seq + 1;
    const expectedLink = previous === undefined ? manifestLink : previous.link;
    const missing = seq - expectedSeq;
    if (prev === expectedLink) {
      if (missing !== 0) report('custody.sequence.gap', e, `event ${seq} follows event ${expectedSeq - 1} and links to it`, { seq, previousSeq: expectedSeq - 1 });
    } else if (previous === undefined && missing === 0) {
      report('custody.link.manifest-mismatch', e, "the first event does not link to this bundle's manifest", {});
    } else {
      const from = previous?.line ?? 0;
      const unreadable = e.line > from ? unreadableUpTo[e.line - 1]! - unreadableUpTo[from]! : 0;
      if (missing > unreadable && !known.has(prev)) {
        const n = missing - unreadable;
        report('custody.sequence.removed', e, `${n} event${n === 1 ? '' : 's'} before event ${seq} ${n === 1 ? 'was' : 'were'} removed`, { seq, count: n });
      } else {
        report('custody.link.broken', e, `event ${seq} does not link to ${previous === undefined ? 'the manifest' : `event ${previous.signed.event.seq}`}`, { seq });
      }
    }
    previous = e;
  }
  return { events: signed, duplicates, inserted: [...inserted], findings };
}

/** Indexes of one longest strictly increasing subsequence of `values` (patience sorting, O(n log n)). */
function longestIncreasingRun(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const parent: number[] = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) parent[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const run = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i !== -1; i = parent[i]!) run.add(i);
  return run;
}
