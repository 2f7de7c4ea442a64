import { describe, expect, it } from 'vitest';
import { checkCustodyAppend } from '../../src/custody/check-custody-append.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { EvidenceBundleError } from '../../src/errors.js';
import { concatBytes } from '../../src/internal/bytes.js';
import type { Finding } from '../../src/report/finding-type.js';
import { actor, chain, draft, fakeKid, ITEMS, LF, MANIFEST, type EventDraft } from './helpers.js';

const alice = actor('Alice', fakeKid('alice'), 'investigator');
const bob = actor('Bob', fakeKid('bob'), 'central-authority');
const carol = actor('Carol', fakeKid('carol'), 'prosecutor');
const party = (a: typeof alice) => ({ name: a.name, organisation: a.organisation, country: a.country, kid: a.kid });

/** The log of `drafts` as a writer leaves it, and the next event numbered and linked after it. */
function appendTo(drafts: readonly EventDraft[], next: EventDraft): { log: Uint8Array; event: CustodyEvent } {
  const lines = chain(drafts);
  const log = concatBytes(...lines.flatMap((l) => [l, LF]));
  const prev = lines.length === 0 ? custodyLink(MANIFEST) : custodyLink(lines[lines.length - 1]!);
  return { log, event: { seq: lines.length + 1, prev, ...next } as CustodyEvent };
}

/** The finding codes that refuse `next` after `drafts`; [] when it is accepted. */
function refusal(drafts: readonly EventDraft[], next: EventDraft, skew?: number): string[] {
  const { log, event } = appendTo(drafts, next);
  try {
    checkCustodyAppend(log, event, { manifestBytes: MANIFEST, itemIds: ITEMS, ...(skew !== undefined ? { clockSkewSeconds: skew } : {}) });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(EvidenceBundleError);
    expect((error as EvidenceBundleError).code).toBe('ERR_CUSTODY_RULE');
    return ((error as EvidenceBundleError).cause as Finding[]).map((f) => f.code);
  }
}

const acquired = draft('acquired', { actor: alice }, 0);
const toBob = draft('transferred', { actor: alice, counterparty: party(bob) }, 1);
const bobReceives = draft('received', { actor: bob, counterparty: party(alice), answers: 2 }, 2);

describe('checkCustodyAppend refuses what the custody rules flag', () => {
  it.each([
    ['transferred', { counterparty: party(bob) }],
    ['returned', { counterparty: party(bob) }],
    ['destroyed', {}],
  ] as const)('%s by someone who is not the custodian, of all items or of one', (type, extra) => {
    expect(refusal([acquired], draft(type, { actor: carol, ...extra }, 1))).toEqual(['custody.handover.not-custodian']);
    expect(refusal([acquired], draft(type, { actor: carol, items: ['disk'], ...extra }, 1))).toEqual(['custody.handover.not-custodian']);
  });

  it('an onward transfer by a receiver who has not recorded the receipt, or by the sender after it', () => {
    expect(refusal([acquired, toBob], draft('transferred', { actor: bob, counterparty: party(carol) }, 2))).toEqual(['custody.handover.not-custodian']);
    expect(refusal([acquired, toBob, bobReceives], draft('transferred', { actor: alice, counterparty: party(carol) }, 3))).toEqual(['custody.handover.not-custodian']);
  });

  it.each([
    ['answers no event', [acquired, toBob], { actor: bob, counterparty: party(alice), answers: 9 }],
    ['answers an event that is not a transfer', [acquired, toBob], { actor: bob, counterparty: party(alice), answers: 1 }],
    ['answers a transfer addressed to someone else', [acquired, toBob], { actor: carol, counterparty: party(alice), answers: 2 }],
    ['names another sender than the transfer\'s', [acquired, toBob], { actor: bob, counterparty: party(carol), answers: 2 }],
    ['answers a transfer already received', [acquired, toBob, bobReceives], { actor: bob, counterparty: party(alice), answers: 2 }],
    ['receives items the transfer did not hand over', [acquired, draft('transferred', { actor: alice, items: ['disk'], counterparty: party(bob) }, 1)], { actor: bob, items: ['phone'], counterparty: party(alice), answers: 2 }],
  ] as const)('a receipt that %s', (_name, log, extra) => {
    expect(refusal(log, draft('received', extra, 3))).toEqual(['custody.receive.unmatched']);
  });

  it('an item the bundle does not have', () => {
    expect(refusal([acquired], draft('accessed', { items: ['laptop'] }, 1))).toEqual(['custody.item.unknown']);
  });

  it('anything after the items were returned or destroyed', () => {
    const destroyed = draft('destroyed', { actor: alice, items: ['disk'] }, 1);
    expect(refusal([acquired, destroyed], draft('accessed', { items: ['disk'] }, 2))).toEqual(['custody.after-final']);
    expect(refusal([acquired, draft('destroyed', { actor: alice }, 1)], draft('accessed', {}, 2))).toEqual(['custody.after-final']);
    expect(refusal([acquired, destroyed], draft('accessed', { items: ['phone'] }, 2))).toEqual([]);
  });

  it('a time before the last event beyond the tolerance, not within it', () => {
    const late = draft('accessed', { time: '2026-10-06T09:30:00+02:00' });
    expect(refusal([acquired, late], draft('accessed', { time: '2026-10-06T07:20:00Z' }))).toEqual(['custody.time.backwards']);
    expect(refusal([acquired, late], draft('accessed', { time: '2026-10-06T07:20:00Z' }), 900)).toEqual([]);
    expect(refusal([acquired, late], draft('accessed', { time: '2026-10-06T07:27:00Z' }))).toEqual([]);
  });
});

describe('checkCustodyAppend accepts what the rules allow', () => {
  it('a whole handover, one event after another', () => {
    const events = [acquired, toBob, bobReceives, draft('transferred', { actor: bob, counterparty: party(carol) }, 3), draft('received', { actor: carol, counterparty: party(bob), answers: 4 }, 4), draft('destroyed', { actor: carol }, 5)];
    events.forEach((next, i) => expect(refusal(events.slice(0, i), next), `event ${i + 1}`).toEqual([]));
  });

  it('an event after a log that already has problems of its own: those are the verifier\'s to report', () => {
    const broken = [acquired, draft('transferred', { actor: carol, counterparty: party(bob) }, 1)];
    expect(refusal(broken, draft('accessed', { actor: alice }, 2))).toEqual([]);
  });
});
