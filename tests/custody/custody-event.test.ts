import { describe, expect, it } from 'vitest';
import { CustodyEventSchema } from '../../src/custody/custody-event.js';
import { createCustodyEvent } from '../../src/custody/create-custody-event.js';
import { toJsonSchema } from '../../src/schemas.js';
import { actor, fakeKid } from './helpers.js';

const base = {
  seq: 1,
  time: '2026-10-06T09:00:00+02:00',
  actor: actor('Alice', fakeKid('alice')),
  items: ['disk'],
  place: 'Lyon',
  purpose: 'seizure',
  prev: `sha256:${'0'.repeat(64)}`,
};
const bob = { name: 'Bob', organisation: 'BKA', country: 'DE', kid: fakeKid('bob') };
const ok = (value: unknown): boolean => CustodyEventSchema.safeParse(value).success;

describe('custody event schema', () => {
  it('accepts each type with the fields it requires', () => {
    for (const type of ['acquired', 'accessed', 'analysed', 'copied', 'exported', 'destroyed']) expect(ok({ ...base, type })).toBe(true);
    expect(ok({ ...base, type: 'sealed', seals: [{ id: 'FR-1', condition: 'applied' }] })).toBe(true);
    expect(ok({ ...base, type: 'transferred', counterparty: bob })).toBe(true);
    expect(ok({ ...base, type: 'received', counterparty: bob, answers: 1 })).toBe(true);
    expect(ok({ ...base, type: 'disclosed', counterparty: bob })).toBe(true);
    expect(ok({ ...base, type: 'returned', counterparty: bob })).toBe(true);
  });

  it.each([
    ['sealed without seals', { type: 'sealed' }],
    ['transferred without counterparty', { type: 'transferred' }],
    ['transferred to a counterparty without kid', { type: 'transferred', counterparty: { ...bob, kid: undefined } }],
    ['received without answers', { type: 'received', counterparty: bob }],
    ['answers on another type', { type: 'accessed', answers: 1 }],
    ['returned without counterparty', { type: 'returned' }],
    ['disclosed without counterparty', { type: 'disclosed' }],
    ['an unknown type', { type: 'lost' }],
    ['an unknown member (never stripped)', { type: 'accessed', extra: 1 }],
    ['a time without offset', { type: 'accessed', time: '2026-10-06T09:00:00' }],
    ['an impossible date', { type: 'accessed', time: '2026-02-30T09:00:00Z' }],
    ['seq 0', { type: 'accessed', seq: 0 }],
    ['a country that is not alpha-2', { type: 'accessed', actor: { ...base.actor, country: 'FRA' } }],
    ['an actor without kid', { type: 'accessed', actor: { ...base.actor, kid: undefined } }],
    ['repeated items', { type: 'accessed', items: ['disk', 'disk'] }],
    ['no items', { type: 'accessed', items: [] }],
    ['a prev that is not sha256', { type: 'accessed', prev: `sha512:${'0'.repeat(64)}` }],
    ['a bad seal condition', { type: 'sealed', seals: [{ id: 'x', condition: 'fine' }] }],
  ])('rejects %s', (_name, change) => {
    expect(ok({ ...base, ...change })).toBe(false);
    expect(() => createCustodyEvent({ ...base, ...change } as never)).toThrow(expect.objectContaining({ code: 'ERR_CUSTODY_INVALID' }));
  });

  it('createCustodyEvent returns the checked event', () => {
    expect(createCustodyEvent({ ...base, type: 'accessed' })).toEqual({ ...base, type: 'accessed' });
  });

  // Each type whose own requirement is missing (no counterparty, no seals) is refused, not just the one.
  it.each(['transferred', 'received', 'returned', 'disclosed', 'sealed'])('createCustodyEvent refuses a %s event without what its type requires', (type) => {
    expect(() => createCustodyEvent({ ...base, type } as never)).toThrow(expect.objectContaining({ code: 'ERR_CUSTODY_INVALID' }));
  });

  it('is published as the custody-event JSON Schema', () => {
    const schema = toJsonSchema('custody-event');
    expect(schema['$id']).toContain('custody-event');
    expect(JSON.stringify(schema)).toContain('"const":"transferred"');
  });
});
