import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemIdsFromPaths } from '../../src/bundle/item-id.js';
import { ManifestSchema } from '../../src/index.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const allValidAndUnique = (ids: string[]) => {
  for (const id of ids) expect(id).toMatch(ID);
  expect(new Set(ids).size).toBe(ids.length);
};

describe('itemIdsFromPaths: names that used to collide get distinct ids', () => {
  it.each([
    ['Arabic', ['رسالة.txt', 'صورة.txt', 'تقرير.txt']],
    ['Chinese', ['聊天记录.json', '照片.jpg', '照片/截图.jpg', '视频.mp4']],
    ['Vietnamese', ['Tiếng Việt.docx', 'Tiêng Viêt.docx', 'Tieng Viet.docx', 'Tiếng Việt .docx']],
    ['emoji', ['😀.png', '😁.png', '👍🏽.png', '🏳️‍🌈.png']],
    ['names differing only by non-ASCII', ['café.txt', 'cafè.txt', 'cafe.txt', 'caf.txt']],
    ['names that are all punctuation', ['!!!', '???', '(((', '-', '.', '#.#']],
    ['ASCII names that map to the same characters', ['a b', 'a_b', 'a-b', 'a/b', 'a?b', 'a  b']],
  ])('%s', (_name, paths) => {
    allValidAndUnique(itemIdsFromPaths(paths));
  });

  it('keeps ASCII ids as they were: letters, digits, . _ - kept, other runs become -', () => {
    expect(itemIdsFromPaths(['chat/export.json', 'logs/access log.txt', '.hidden/x'])).toEqual(['chat-export.json', 'logs-access-log.txt', 'hidden-x']);
  });

  it('writes other scripts as Punycode, readable and decodable', () => {
    const [arabic, chinese] = itemIdsFromPaths(['رسالة.txt', '照片/截图.jpg']);
    expect(arabic).toMatch(/^xn--\.txt-[a-z0-9]+$/);
    expect(chinese).toMatch(/^xn--[a-z0-9]+-xn--\.jpg-[a-z0-9]+$/);
  });

  it('cuts long deep paths to 128 characters with a hash of the whole path, so they stay distinct', () => {
    const deep = (leaf: string) => `${'evidence/'.repeat(30)}${leaf}`;
    const paths = [deep('a.bin'), deep('b.bin'), `${'x'.repeat(300)}`, `${'x'.repeat(299)}y`, `${'ب'.repeat(300)}`, `${'ب'.repeat(299)}ت`];
    const ids = itemIdsFromPaths(paths);
    allValidAndUnique(ids);
    for (const id of ids) expect(id.length).toBe(128);
    for (const id of ids) expect(id).toMatch(/-[0-9a-f]{8}$/);
  });

  it('resolves what is still equal with -2, -3 in path order, whatever the input order, and avoids reserved ids', () => {
    // Code-point order: ! before ( before ?.
    expect(itemIdsFromPaths(['!!!', '???', '((('])).toEqual(['item', 'item-3', 'item-2']);
    expect(itemIdsFromPaths(['(((', '???', '!!!'])).toEqual(['item-2', 'item-3', 'item']);
    expect(itemIdsFromPaths(['chat/export.json'], ['chat-export.json'])).toEqual(['chat-export.json-2']);
    const long = itemIdsFromPaths(['x'.repeat(200), 'x'.repeat(200) + '!'], []);
    allValidAndUnique(long);
  });

  it('refuses the same path twice and non-strings (caller misuse)', () => {
    expect(() => itemIdsFromPaths(['a', 'a'])).toThrow(TypeError);
    expect(() => itemIdsFromPaths([1 as unknown as string])).toThrow(TypeError);
  });

  it('gives 10,000 similar names 10,000 valid, distinct ids', () => {
    const paths = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `${'證據'.repeat(i % 7)}/${'!'.repeat(i % 5)}${i}` : i % 3 === 1 ? `${'!'.repeat(i % 11)}` + '?'.repeat(Math.floor(i / 11)) : `dir/${'x'.repeat(120)}${i}`));
    const ids = itemIdsFromPaths([...new Set(paths)]);
    allValidAndUnique(ids);
  });

  it('property: any set of distinct NFC paths gets valid, distinct, order-independent ids', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => s.replaceAll('/', '_').normalize('NFC'));
    const path = fc.array(segment, { minLength: 1, maxLength: 12 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 60 }), fc.uniqueArray(fc.stringMatching(ID), { maxLength: 5 }), (paths, reserved) => {
        const ids = itemIdsFromPaths(paths, reserved);
        allValidAndUnique([...ids, ...reserved]);
        const reversed = itemIdsFromPaths([...paths].reverse(), reserved).reverse();
        expect(reversed).toEqual(ids);
      }),
      { numRuns: 200 },
    );
  });

  it('the ids it makes are identifiers of the manifest schema', () => {
    const itemShape = ManifestSchema.shape.items.element.shape.id;
    for (const id of itemIdsFromPaths(['رسالة.txt', '😀', '!!!', 'x'.repeat(500)])) expect(itemShape.safeParse(id).success).toBe(true);
  });
});
