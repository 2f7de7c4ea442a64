// The custody rules that issue 8 added: transfers nobody answers (a log cut after a handover), seals found broken
// or absent, seal ids that differ between what was sent and what was received, and events dated after the
// verification time. Pure rule checks on events already in chain order.
import { describe, expect, it } from 'vitest';
import { checkCustodyRules, type PlacedCustodyEvent } from '../../src/custody/check-custody-rules.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { actor, draft, fakeKid, ITEMS, type EventDraft } from './helpers.js';

const alice = actor('Alice', fakeKid('alice'));
const bob = actor('Bob', fakeKid('bob'));
const carol = actor('Carol', fakeKid('carol'));
const party = (a: typeof alice) => ({ name: a.name, organisation: a.organisation, country: a.country, kid: a.kid });

function run(drafts: readonly EventDraft[], options: { skew?: number; now?: Date } = {}) {
  const placed: PlacedCustodyEvent[] = drafts.map((d, i) => ({ event: { seq: i + 1, prev: `sha256:${'0'.repeat(64)}`, ...d } as CustodyEvent, line: i + 1 }));
  const r = checkCustodyRules(placed, ITEMS, options.skew ?? 300, options.now);
  return { ...r, codes: r.findings.map((f) => f.code) };
}
const acquired = draft('acquired', { actor: alice }, 0);
const transfer = (extra: Record<string, unknown> = {}, minute = 1) => draft('transferred', { actor: alice, counterparty: party(bob), ...extra }, minute);
const receipt = (answers: number, extra: Record<string, unknown> = {}, minute = 2) => draft('received', { actor: bob, counterparty: party(alice), answers, ...extra }, minute);
const sealed = (ids: string[], extra: Record<string, unknown> = {}, minute = 1) =>
  draft('sealed', { actor: alice, seals: ids.map((id) => ({ id, condition: 'applied' })), ...extra }, minute);

describe('custody.transfer.unanswered', () => {
  it('reports a log that ends with a transfer, at the transfer', () => {
    const r = run([acquired, transfer()]);
    expect(r.codes).toEqual(['custody.transfer.unanswered']);
    expect(r.findings[0]).toMatchObject({ custody: 2, line: 2 });
    expect(r.findings[0]!.message).toContain('log ends');
  });

  it('reports a transfer abandoned in the middle of the log, and each of several', () => {
    const r = run([acquired, transfer(), draft('transferred', { actor: alice, counterparty: party(carol) }, 2), draft('received', { actor: carol, counterparty: party(alice), answers: 3 }, 3)]);
    expect(r.codes).toEqual(['custody.transfer.unanswered']);
    expect(r.findings[0]!.custody).toBe(2);
    expect(run([acquired, transfer(), transfer({}, 2)]).findings.map((f) => f.custody)).toEqual([2, 3]);
  });

  it('reports nothing once the transfer is answered, by "all" or by named items', () => {
    expect(run([acquired, transfer(), receipt(2)]).codes).toEqual([]);
    expect(run([acquired, transfer({ items: ['disk'] }), receipt(2, { items: ['disk'] })]).codes).toEqual([]);
  });

  it('leaves the custody with the sender while the transfer is unanswered', () => {
    expect(run([acquired, transfer()]).custodians).toEqual({ disk: alice.kid, phone: alice.kid });
  });
});

describe('custody.seal.broken and custody.seal.absent', () => {
  it.each([
    ['broken', 'custody.seal.broken'],
    ['absent', 'custody.seal.absent'],
  ])('reports a seal found %s on receipt, one finding per seal', (condition, code) => {
    const r = run([acquired, sealed(['S1', 'S2']), transfer({}, 2), receipt(3, { seals: [{ id: 'S1', condition }, { id: 'S2', condition }] }, 3)]);
    expect(r.codes).toEqual([code, code]);
    expect(r.findings.map((f) => f.custody)).toEqual([4, 4]);
  });

  it('reports a seal found broken on any event, not only a receipt', () => {
    expect(run([acquired, sealed(['S1']), draft('accessed', { actor: alice, seals: [{ id: 'S1', condition: 'broken' }] }, 2)]).codes).toEqual(['custody.seal.broken']);
  });

  it('reports nothing for seals found intact or applied, or without a condition', () => {
    expect(run([acquired, sealed(['S1']), transfer({}, 2), receipt(3, { seals: [{ id: 'S1', condition: 'intact' }] }, 3)]).codes).toEqual([]);
    expect(run([acquired, sealed(['S1']), transfer({}, 2), receipt(3, { seals: [{ id: 'S1' }] }, 3)]).codes).toEqual([]);
  });
});

describe('custody.seal.mismatch', () => {
  const intact = (...ids: string[]) => ({ seals: ids.map((id) => ({ id, condition: 'intact' })) });

  it('compares a receipt with the seals the transfer lists', () => {
    const withSeals = (ids: string[]) => transfer({ seals: ids.map((id) => ({ id })) });
    expect(run([acquired, withSeals(['S1', 'S2']), receipt(2, intact('S2', 'S1'))]).codes).toEqual([]);
    for (const got of [['S1'], ['S1', 'S2', 'S3'], ['S1', 'S9']]) {
      const r = run([acquired, withSeals(['S1', 'S2']), receipt(2, intact(...got))]);
      expect(r.codes).toEqual(['custody.seal.mismatch']);
      expect(r.findings[0]!.custody).toBe(3);
    }
  });

  it('prefers the transfer\'s own seals to an earlier sealing', () => {
    const r = run([acquired, sealed(['OLD']), transfer({ seals: [{ id: 'NEW' }] }, 2), receipt(3, intact('NEW'), 3)]);
    expect(r.codes).toEqual([]);
  });

  it('compares with the latest sealed event before the transfer when the transfer lists none', () => {
    expect(run([acquired, sealed(['S1']), sealed(['S2'], {}, 2), transfer({}, 3), receipt(4, intact('S2'), 4)]).codes).toEqual([]);
    expect(run([acquired, sealed(['S1']), sealed(['S2'], {}, 2), transfer({}, 3), receipt(4, intact('S1'), 4)]).codes).toEqual(['custody.seal.mismatch']);
  });

  it('takes a sealing of the transferred items, named or "all", not one of other items', () => {
    const named = [acquired, sealed(['DISK'], { items: ['disk'] }), sealed(['PHONE'], { items: ['phone'] }, 2)];
    expect(run([...named, transfer({ items: ['disk'] }, 3), receipt(4, { items: ['disk'], ...intact('DISK') }, 4)]).codes).toEqual([]);
    expect(run([...named, transfer({ items: ['disk'] }, 3), receipt(4, { items: ['disk'], ...intact('PHONE') }, 4)]).codes).toEqual(['custody.seal.mismatch']);
    // An "all" sealing after the named one covers the disk too.
    const all = [...named, sealed(['BOX'], {}, 3)];
    expect(run([...all, transfer({ items: ['disk'] }, 4), receipt(5, { items: ['disk'], ...intact('BOX') }, 5)]).codes).toEqual([]);
    // An "all" transfer travels under the latest sealing of any item.
    expect(run([...named, transfer({}, 3), receipt(4, intact('PHONE'), 4)]).codes).toEqual([]);
  });

  it('does not compare a receipt that lists no seals, or seals of items never sealed', () => {
    expect(run([acquired, sealed(['S1']), transfer({}, 2), receipt(3, {}, 3)]).codes).toEqual([]);
    expect(run([acquired, transfer(), receipt(2, intact('S1'))]).codes).toEqual([]);
  });

  it('reports a broken seal and a mismatch on the same receipt', () => {
    const r = run([acquired, sealed(['S1']), transfer({}, 2), receipt(3, { seals: [{ id: 'S2', condition: 'broken' }] }, 3)]);
    expect(r.codes).toEqual(['custody.seal.broken', 'custody.seal.mismatch']);
  });
});

describe('custody.time.future', () => {
  const now = new Date('2026-10-06T07:00:00Z'); // 09:00+02:00, the drafts' minute 0
  const at = (time: string) => draft('accessed', { time }, 0);

  it('reports an event dated after the verification time beyond the tolerance, not within it', () => {
    expect(run([at('2026-10-06T07:05:00Z')], { now }).codes).toEqual([]); // 300 s: the edge is inside
    expect(run([at('2026-10-06T07:05:01Z')], { now }).codes).toEqual(['custody.time.future']);
    expect(run([at('2026-10-06T09:05:01+02:00')], { now }).codes).toEqual(['custody.time.future']);
    expect(run([at('2026-10-06T07:05:01Z')], { now, skew: 600 }).codes).toEqual([]);
    expect(run([at('2026-10-06T07:00:01Z')], { now, skew: 0 }).codes).toEqual(['custody.time.future']);
  });

  it('reports each future event, at its own seq', () => {
    const r = run([at('2026-10-06T06:00:00Z'), at('2026-10-07T00:00:00Z'), at('2027-01-01T00:00:00Z')], { now });
    expect(r.findings.map((f) => [f.code, f.custody])).toEqual([['custody.time.future', 2], ['custody.time.future', 3]]);
  });

  it('checks nothing against a clock that it is not given', () => {
    expect(run([at('2099-01-01T00:00:00Z')]).codes).toEqual([]);
  });
});
