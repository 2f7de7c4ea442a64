// The hand-written item check (src/model/check-items.ts) and the sliced manifest check must decide exactly as
// the zod schema, the source of the rules: compared on every fixture and on fuzzed variants of their items and
// of whole manifests, valid and invalid alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidItem } from '../../src/model/check-items.js';
import { checkManifest, checkManifestAsync } from '../../src/model/check-manifest.js';
import { splitIssues } from '../../src/model/issue-pointer.js';
import { ItemSchema } from '../../src/model/item.js';
import { ManifestSchema } from '../../src/model/manifest.js';
import { jsonFiles, loadJson } from './helpers.js';

const manifests: Array<[string, any]> = [
  ...jsonFiles('examples', 'manifests').map((f): [string, any] => [f, loadJson('examples', 'manifests', f)]),
  ...jsonFiles('tests', 'fixtures', 'manifests', 'invalid').map((f): [string, any] => [f, loadJson('tests', 'fixtures', 'manifests', 'invalid', f)]),
  ...jsonFiles('tests', 'fixtures', 'manifests', 'invalid-semantic').map((f): [string, any] => [f, loadJson('tests', 'fixtures', 'manifests', 'invalid-semantic', f)]),
];
const fixtureNames = new Set([...jsonFiles('tests', 'fixtures', 'manifests', 'invalid'), ...jsonFiles('tests', 'fixtures', 'manifests', 'invalid-semantic')]);
const fixtureItems: unknown[] = manifests.flatMap(([, m]) => (Array.isArray(m.items) ? m.items : []));

/** What checkManifest returned before the hand-written check: the whole manifest through ManifestSchema. */
function reference(value: unknown): { valid: boolean; findings: Array<{ pointer: string; item?: unknown }> } {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return { valid: true, findings: [] };
  const items = (value as { items?: unknown[] }).items;
  const seen = new Set<string>();
  const findings: Array<{ pointer: string; item?: unknown }> = [];
  for (const p of splitIssues(result.error.issues)) {
    if (seen.has(p.pointer)) continue;
    seen.add(p.pointer);
    const id = p.path[0] === 'items' && typeof p.path[1] === 'number' && Array.isArray(items) ? (items[p.path[1]] as { id?: unknown } | undefined)?.id : undefined;
    findings.push({ pointer: p.pointer || '/', ...(typeof id === 'string' ? { item: id } : {}) });
  }
  return { valid: false, findings: findings.slice(0, 100) };
}

function actual(value: unknown): { valid: boolean; findings: Array<{ pointer: string; item?: unknown }> } {
  const checked = checkManifest(value);
  return {
    valid: checked.manifest !== undefined,
    findings: checked.findings.filter((f) => f.code === 'manifest.schema.invalid').map((f) => ({ pointer: String(f.params?.['pointer']), ...(f.item !== undefined ? { item: f.item } : {}) })),
  };
}

// Values that break (or just pass) one rule or another: types, lengths, controls, bidi, white space, case,
// paths that climb or are absolute, dates without offset, objects with unknown or prototype keys.
const nasty = fc.constantFrom<unknown>(
  undefined, null, true, 0, -0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, 'x', '', ' x', 'x ', 'a\u0000b', 'a\u202eb', 'a\u200fb', 'a\tb', 'a\nb', '\u0085',
  'é', 'A'.repeat(129), 'a'.repeat(4097), 'a'.repeat(65537), '../x', '/x', 'a//b', 'a/./b', 'C:x', 'a\\b', 'e\u0301.txt', 'a/', 'x'.repeat(1025),
  `${'x'.repeat(256)}/y`, 'text/plain', 'TEXT/PLAIN', 'text/plain; charset=utf-8', 'text/plain;charset="a b"', 'text', 'a'.repeat(300),
  '0'.repeat(64), 'A'.repeat(64), '0'.repeat(63), '0'.repeat(128), 'present', 'withheld', '2026-11-21T05:58:30Z', '2026-11-21T05:58:30',
  '2026-02-30T00:00:00Z', '2028-02-29T23:59:59.5+01:00', 'en', 'zh-Hant', 'e', 'item-1', '-x', 'poc-officer', [], [{}], {}, { status: 'present' },
  { status: 'withheld', reason: 'court order' }, { status: 'withheld' }, { status: 'present', reason: 'x' }, { sha256: '0'.repeat(64) },
  { sha256: '0'.repeat(64), blake3: '1'.repeat(64) }, { sha256: '0'.repeat(64), md5: '0'.repeat(32) }, { en: 'x' }, { en: '' }, { xx_: 'x' },
  { item: 'subscriber', method: 'carved' }, [{ item: 'subscriber', method: 'carved' }], Array.from({ length: 1001 }, () => ({ item: 'a', method: 'b' })),
  { method: 'm', time: '2026-11-21T05:58:30Z', actor: 'poc-officer' }, { method: 'm', time: '2026-11-21T05:58:30Z', actor: 'poc-officer', tool: { name: 'n' } },
  JSON.parse('{"__proto__":{"status":"present"},"status":"present"}'),
);
const KEYS = ['id', 'path', 'size', 'mediaType', 'digests', 'description', 'acquisition', 'derivedFrom', 'disclosure', 'extra', '__proto__'];
// A nested member to spoil: [member, inner key].
const NESTED: Array<[string, string]> = [
  ['digests', 'sha256'], ['digests', 'sha512'], ['digests', 'blake3'], ['digests', 'other'], ['description', 'en'], ['description', 'not a tag'],
  ['acquisition', 'method'], ['acquisition', 'time'], ['acquisition', 'actor'], ['acquisition', 'tool'], ['acquisition', 'place'], ['acquisition', 'x'],
  ['disclosure', 'status'], ['disclosure', 'reason'], ['disclosure', 'legalBasis'], ['disclosure', 'x'],
];

/** An item with up to three changes: a member set to a nasty value or removed, or a nested member spoilt. */
const mutatedItem = fc
  .tuple(
    fc.constantFrom(...fixtureItems),
    fc.array(fc.oneof(fc.tuple(fc.constant('top'), fc.constantFrom(...KEYS), nasty), fc.tuple(fc.constantFrom(...NESTED), nasty)), { minLength: 0, maxLength: 3 }),
  )
  .map(([base, changes]) => {
    const item = structuredClone(base) as Record<string, any>;
    for (const change of changes) {
      if (change[0] === 'top') {
        const [, key, value] = change as [string, string, unknown];
        if (value === undefined) delete item[key];
        else Object.defineProperty(item, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        const [[member, key], value] = change as [[string, string], unknown];
        const inner = item[member];
        if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
          if (value === undefined) delete inner[key];
          else inner[key] = value;
        }
      }
    }
    return item;
  });

describe('isValidItem decides as ItemSchema', () => {
  it('on every item of the fixtures', () => {
    expect(fixtureItems.length).toBeGreaterThan(10);
    for (const item of fixtureItems) expect(isValidItem(item), JSON.stringify(item)).toBe(ItemSchema.safeParse(item).success);
  });

  it('on fuzzed variants of them (property, 20,000 items, both verdicts many times)', () => {
    const count = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(mutatedItem, (item) => {
        const expected = ItemSchema.safeParse(item).success;
        expect(isValidItem(item)).toBe(expected);
        count[expected ? 'valid' : 'invalid']++;
      }),
      { numRuns: 20_000 },
    );
    expect(count.valid).toBeGreaterThan(1000);
    expect(count.invalid).toBeGreaterThan(1000);
  });

  it('on values that are no item at all', () => {
    for (const v of [null, undefined, 0, 'x', [], [fixtureItems[0]], new Date(0), Object.create(null)]) {
      expect(isValidItem(v)).toBe(ItemSchema.safeParse(v).success);
    }
  });
});

describe('checkManifest gives the findings the whole-manifest schema gives', () => {
  it('on every fixture', () => {
    for (const [name, m] of manifests) expect(actual(m), name).toEqual(reference(m));
  });

  // Whole manifests: fuzzed items mixed with the fixture's, a spoilt member outside the items, an unknown key,
  // duplicated ids and paths (cross-field rules), items that are no array.
  const examples = manifests.filter(([name]) => !fixtureNames.has(name)).map(([, m]) => m);
  // A fixture item under a new id and path: valid wherever its actor and derivations resolve.
  const renamed = fc.tuple(fc.constantFrom(...fixtureItems), fc.nat(1_000_000)).map(([item, n]) => {
    const copy = structuredClone(item) as Record<string, unknown>;
    copy['id'] = `copy-${n}`;
    if (copy['path'] !== undefined) copy['path'] = `copies/${n}.bin`;
    return copy;
  });
  const mutatedManifest = fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: fc.constantFrom(...manifests.map(([, m]) => m)) }),
      fc.array(fc.oneof({ weight: 3, arbitrary: renamed }, { weight: 1, arbitrary: mutatedItem }), { maxLength: 4 }),
      fc.constantFrom<string | undefined>(undefined, undefined, undefined, undefined, undefined, 'caseReference', 'formatVersion', 'unknown', 'relatedBundles', 'actorsDuplicate', 'itemsDuplicate', 'itemsNotArray', 'zAfter'),
    )
    .map(([base, extra, spoil]) => {
      const m = structuredClone(base);
      if (Array.isArray(m.items)) m.items = [...m.items, ...extra];
      if (spoil === 'caseReference') m.case = { ...m.case, reference: ' x' };
      if (spoil === 'formatVersion') m.formatVersion = '2.0';
      if (spoil === 'unknown') m.aaa = 1;
      if (spoil === 'zAfter') m.zzz = 1;
      if (spoil === 'relatedBundles') m.relatedBundles = [];
      if (spoil === 'actorsDuplicate' && Array.isArray(m.actors) && m.actors.length > 0) m.actors = [...m.actors, m.actors[0]];
      if (spoil === 'itemsDuplicate' && Array.isArray(m.items) && m.items.length > 0) m.items = [...m.items, m.items[0]];
      if (spoil === 'itemsNotArray') m.items = { 0: m.items?.[0] };
      return m;
    });

  it('on fuzzed manifests (property, 2,000 manifests)', async () => {
    const count = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedManifest, async (m) => {
        const expected = reference(m);
        expect(actual(m)).toEqual(expected);
        // The sliced variant gives the very same result.
        expect(await checkManifestAsync(m)).toEqual(checkManifest(m));
        count[expected.valid ? 'valid' : 'invalid']++;
      }),
      { numRuns: 2_000 },
    );
    expect(count.valid).toBeGreaterThan(100);
    expect(count.invalid).toBeGreaterThan(100);
  });

  it('returns a valid manifest as given, without a copy of its items', () => {
    const m = manifests.find(([name]) => name.startsWith('nl-to-gh'))![1];
    const checked = checkManifest(m);
    expect(checked.findings).toEqual([]);
    expect(checked.manifest).toBe(m);
  });

  it('checks many items in slices that give the event loop turns, with the same findings', async () => {
    const base = manifests.find(([name]) => name.startsWith('nl-to-gh'))![1];
    const item = base.items[0];
    const m = { ...base, items: Array.from({ length: 20_000 }, (_, i) => ({ ...item, id: `i${i}`, path: `f/${i}`, ...(i % 997 === 5 ? { size: -1 } : {}) })) };
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const checked = await checkManifestAsync(m);
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(2);
    expect(checked).toEqual(checkManifest(m));
    expect(checked.findings.map((f) => f.item)).toEqual(Array.from({ length: 21 }, (_, k) => `i${k * 997 + 5}`).filter((id) => Number(id.slice(1)) < 20_000));
  });
});
