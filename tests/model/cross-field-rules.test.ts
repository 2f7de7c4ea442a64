// The cross-field rules find repeated ids and paths without a map of every item when the items are in order
// (src/model/manifest.ts, `repeats`); the issues must be those of the plain algorithm with maps, in its order,
// for items in any order, repeated or colliding after case folding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossFieldRules } from '../../src/model/manifest.js';
import { findPathCollisions, pathCollisionKey } from '../../src/path/bundle-path.js';

type Item = { id: string; path?: string; acquisition?: { actor: string }; derivedFrom?: Array<{ item: string }> };
type Issue = { path: PropertyKey[]; message: string };

/** The rules about ids, paths and actors as they were written with a map each: the reference. */
function reference(items: Item[], actors: Set<string>): Issue[] {
  const out: Issue[] = [];
  const itemIndex = new Map<string, number>();
  const pathIndex = new Map<string, number>();
  items.forEach((item, i) => {
    if (itemIndex.has(item.id)) out.push({ path: ['items', i, 'id'], message: `duplicate item id "${item.id}"` });
    else itemIndex.set(item.id, i);
    if (item.path !== undefined) {
      if (pathIndex.has(item.path)) out.push({ path: ['items', i, 'path'], message: `duplicate path "${item.path}"` });
      else pathIndex.set(item.path, i);
    }
    if (item.acquisition !== undefined && !actors.has(item.acquisition.actor)) out.push({ path: ['items', i, 'acquisition', 'actor'], message: `unknown actor "${item.acquisition.actor}"` });
  });
  for (const [first, later] of findPathCollisions(pathIndex.keys())) out.push({ path: ['items', pathIndex.get(later)!, 'path'], message: `path "${later}" collides with "${first}" after case folding` });
  items.forEach((item, i) => {
    item.derivedFrom?.forEach((d, j) => {
      if (d.item === item.id) out.push({ path: ['items', i, 'derivedFrom', j, 'item'], message: 'an item cannot derive from itself' });
      else if (!itemIndex.has(d.item)) out.push({ path: ['items', i, 'derivedFrom', j, 'item'], message: `unknown item "${d.item}"` });
    });
  });
  return out;
}

function actual(items: Item[]): Issue[] {
  const out: Issue[] = [];
  const m = { formatVersion: '1.0', actors: [{ id: 'examiner' }], items };
  crossFieldRules(m as never, { addIssue: (issue) => void out.push({ path: (issue as Issue).path, message: (issue as Issue).message }) });
  // Derivation cycles are the reference's blind spot: compared on manifests without them only.
  return out.filter((i) => !i.message.startsWith('derivation cycle'));
}

describe('crossFieldRules: repeated ids and paths, in order or not', () => {
  const names = ['a', 'b', 'B', 'c', 'é', 'e\u0301', 'z', 'Z', '\u{1F600}'];
  const item = fc.record({
    id: fc.constantFrom(...names),
    path: fc.option(fc.constantFrom(...names.map((n) => `x/${n}`)), { nil: undefined }),
    actor: fc.constantFrom('examiner', 'examiner', 'stranger'),
    derives: fc.option(fc.constantFrom(...names, 'nobody'), { nil: undefined }),
  });
  const manifest = fc.tuple(fc.array(item, { maxLength: 12 }), fc.boolean()).map(([list, sort]) => {
    const items: Item[] = list.map((x, i) => ({
      // Distinct and sorted ids and paths half the time: the ordered pass alone must then be right.
      id: sort ? `${String(i).padStart(3, '0')}-${x.id}` : x.id,
      ...(x.path !== undefined ? { path: sort ? `${String(i).padStart(3, '0')}/${x.path}` : x.path } : {}),
      acquisition: { actor: x.actor },
      ...(x.derives !== undefined && i % 3 === 0 ? { derivedFrom: [{ item: x.derives }] } : {}),
    }));
    return items;
  });

  it('the issues of the plain algorithm, in its order (property, 3,000 manifests)', () => {
    let repeated = 0;
    let ordered = 0;
    fc.assert(
      fc.property(manifest, (items) => {
        const expected = reference(items, new Set(['examiner']));
        expect(actual(items)).toEqual(expected);
        if (expected.some((i) => i.message.startsWith('duplicate'))) repeated++;
        if (items.length > 1 && items.every((x, i) => i === 0 || items[i - 1]!.id < x.id)) ordered++;
      }),
      { numRuns: 3_000 },
    );
    expect(repeated).toBeGreaterThan(300);
    expect(ordered).toBeGreaterThan(300);
  });

  it('pathCollisionKey: its ASCII pass gives what NFC and case folding give', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 }), (path) => {
        expect(pathCollisionKey(path)).toBe(path.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC'));
      }),
      { numRuns: 5_000 },
    );
    expect(pathCollisionKey('Straße')).toBe(pathCollisionKey('STRASSE'));
    expect(pathCollisionKey('A.TXT')).toBe('a.txt');
  });
});
