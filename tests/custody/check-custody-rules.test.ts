import { describe, expect, it } from 'vitest';
import { cpuMs, fastestOf } from '../helpers/cost.js';
import { checkCustodyRules, type PlacedCustodyEvent } from '../../src/custody/check-custody-rules.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { actor, draft, fakeKid, ITEMS, type EventDraft } from './helpers.js';

const alice = actor('Alice', fakeKid('alice'), 'investigator');
const bob = actor('Bob', fakeKid('bob'), 'central-authority');
const carol = actor('Carol', fakeKid('carol'), 'prosecutor');
const party = (a: typeof alice) => ({ name: a.name, organisation: a.organisation, country: a.country, kid: a.kid });

function place(drafts: readonly EventDraft[]): PlacedCustodyEvent[] {
  return drafts.map((d, i) => ({ event: { seq: i + 1, prev: `sha256:${'0'.repeat(64)}`, ...d } as CustodyEvent, line: i + 1 }));
}
function run(drafts: readonly EventDraft[], skew = 300) {
  const r = checkCustodyRules(place(drafts), ITEMS, skew);
  return { ...r, codes: r.findings.map((f) => f.code) };
}

const handover = [
  draft('acquired', { actor: alice }, 0),
  draft('transferred', { actor: alice, counterparty: party(bob) }, 1),
  draft('received', { actor: bob, counterparty: party(alice), answers: 2 }, 2),
];

describe('checkCustodyRules', () => {
  it('follows custody through a handover', () => {
    const r = run(handover);
    expect(r.codes).toEqual([]);
    expect(r.custodians).toEqual({ disk: bob.kid, phone: bob.kid });
  });

  it('keeps the sender as custodian while the items are in transit', () => {
    expect(run(handover.slice(0, 2)).custodians).toEqual({ disk: alice.kid, phone: alice.kid });
  });

  it('reports time going backwards beyond the tolerance, not within it', () => {
    const late = draft('accessed', { time: '2026-10-06T09:10:00+02:00' });
    expect(run([late, draft('accessed', { time: '2026-10-06T07:04:00Z' })]).codes).toEqual(['custody.time.backwards']);
    expect(run([late, draft('accessed', { time: '2026-10-06T07:04:00Z' })], 600).codes).toEqual([]);
    expect(run([late, draft('accessed', { time: '2026-10-06T09:09:00+02:00' })]).codes).toEqual([]);
  });

  it('reports an unknown item', () => {
    const r = run([draft('acquired', { items: ['disk', 'laptop'] })]);
    expect(r.codes).toEqual(['custody.item.unknown']);
    expect(r.findings[0]).toMatchObject({ item: 'laptop', custody: 1 });
  });

  it('reports a transfer by someone who does not hold the items', () => {
    const r = run([draft('acquired', { actor: alice }), draft('transferred', { actor: carol, counterparty: party(bob) }, 1)]);
    expect(r.codes).toEqual(['custody.handover.not-custodian', 'custody.transfer.unanswered']);
    expect(r.findings[0]!.custody).toBe(2);
  });

  it('reports an onward transfer by a receiver who never recorded the receipt', () => {
    const r = run([...handover.slice(0, 2), draft('transferred', { actor: bob, counterparty: party(carol) }, 3)]);
    expect(r.codes).toEqual(['custody.handover.not-custodian', 'custody.transfer.unanswered', 'custody.transfer.unanswered']);
  });

  it('reports a return or destruction by someone else', () => {
    expect(run([draft('acquired', { actor: alice }), draft('destroyed', { actor: bob }, 1)]).codes).toEqual(['custody.handover.not-custodian']);
    expect(run([draft('acquired', { actor: alice }), draft('returned', { actor: bob, counterparty: party(carol) }, 1)]).codes).toEqual([
      'custody.handover.not-custodian',
    ]);
  });

  it.each([
    ['no such transfer', { answers: 1 }],
    ['a later event', { answers: 4 }],
    ['another receiver', { actor: carol }],
    ['another sender', { counterparty: party(carol) }],
    ['items not handed over', { items: ['disk', 'phone'] }],
  ])('reports a receipt that does not match: %s', (_name, change) => {
    const transfer = draft('transferred', { actor: alice, counterparty: party(bob), items: ['disk'] }, 1);
    const receipt = draft('received', { actor: bob, counterparty: party(alice), answers: 2, items: ['disk'], ...change }, 2);
    const r = run([draft('acquired', { actor: alice }), transfer, receipt, draft('accessed', {}, 3)]);
    // The transfer stays unanswered: that is reported too, at the transfer.
    expect(r.codes).toEqual(['custody.receive.unmatched', 'custody.transfer.unanswered']);
    expect(r.findings[1]!.custody).toBe(2);
    expect(r.findings[0]!.custody).toBe(3);
  });

  it('reports a transfer received twice', () => {
    const r = run([...handover, draft('received', { actor: bob, counterparty: party(alice), answers: 2 }, 3)]);
    expect(r.codes).toEqual(['custody.receive.unmatched']);
    expect(r.findings[0]!.custody).toBe(4);
  });

  it('reports events after the items were destroyed or returned, and drops them from custody', () => {
    const r = run([draft('acquired', { actor: alice }), draft('destroyed', { actor: alice, items: ['disk'] }, 1), draft('accessed', { items: ['disk'] }, 2)]);
    expect(r.codes).toEqual(['custody.after-final']);
    expect(r.custodians).toEqual({ phone: alice.kid });
    const returned = run([draft('acquired', { actor: alice }), draft('returned', { actor: alice, counterparty: party(carol) }, 1), draft('accessed', {}, 2)]);
    expect(returned.codes).toEqual(['custody.after-final']);
    expect(returned.custodians).toEqual({});
  });
});

describe('checkCustodyRules with "all" and named items mixed', () => {
  it('reports an "all" transfer by someone who handed one item on', () => {
    const r = run([
      draft('acquired', { actor: alice }),
      draft('transferred', { actor: alice, counterparty: party(bob), items: ['disk'] }, 1),
      draft('received', { actor: bob, counterparty: party(alice), answers: 2, items: ['disk'] }, 2),
      draft('transferred', { actor: alice, counterparty: party(carol) }, 3),
    ]);
    expect(r.codes).toEqual(['custody.handover.not-custodian', 'custody.transfer.unanswered']);
    expect(r.findings[0]!.custody).toBe(4);
  });

  it('gives items nobody holds yet to the first actor naming them, through "all"', () => {
    const r = run([draft('acquired', { actor: alice, items: ['disk'] }), draft('accessed', { actor: bob }, 1)]);
    expect(r.custodians).toEqual({ disk: alice.kid, phone: bob.kid });
  });

  it('reports an "all" receipt of a transfer of some items', () => {
    const r = run([
      draft('acquired', { actor: alice }),
      draft('transferred', { actor: alice, counterparty: party(bob), items: ['disk'] }, 1),
      draft('received', { actor: bob, counterparty: party(alice), answers: 2 }, 2),
    ]);
    expect(r.codes).toEqual(['custody.receive.unmatched', 'custody.transfer.unanswered']);
  });

  it('reports a named item after an "all" destruction', () => {
    const r = run([draft('acquired', { actor: alice }), draft('destroyed', { actor: alice }, 1), draft('accessed', { items: ['phone'] }, 2)]);
    expect(r.codes).toEqual(['custody.after-final']);
    expect(r.findings[0]).toMatchObject({ custody: 3, item: 'phone' });
    expect(r.custodians).toEqual({});
  });

  it('stays linear in items x events: "all" handovers cost the same whatever the number of items', async () => {
    const timeFor = (n: number): number => {
      const ids = new Set(Array.from({ length: n }, (_, i) => `item-${i}`));
      const people = [alice, bob];
      const drafts: EventDraft[] = [draft('acquired', { actor: alice })];
      for (let i = 0; drafts.length < n; i++) {
        const [from, to] = [people[i % 2]!, people[(i + 1) % 2]!];
        drafts.push(draft('transferred', { actor: from, counterparty: party(to) }, 1));
        drafts.push(draft('received', { actor: to, counterparty: party(from), answers: drafts.length }, 1));
      }
      const placed = place(drafts);
      const t0 = cpuMs();
      const result = checkCustodyRules(placed, ids, 300);
      const elapsed = cpuMs() - t0;
      expect(result.findings).toEqual([]);
      return elapsed;
    };
    timeFor(2000); // warm up
    const small = await fastestOf(5, () => timeFor(2000));
    const large = await fastestOf(3, () => timeFor(20000));
    // 10x items and 10x events: about 10x the time when linear, 100x when quadratic.
    expect(large / small).toBeLessThan(40);
  });
});
