import { describe, expect, it } from 'vitest';
import { Country, DateTime, FullDate, ItemPath, LanguageTag, MediaType, Text } from '../../src/model/common.js';
import { ISO_3166_ALPHA2 } from '../../src/model/iso3166.js';
import { committedValidator, smallManifest } from './helpers.js';

const validate = committedValidator('manifest');

// zod and the published JSON Schema must agree on every value, so each value is also set into a manifest
// and checked against the committed schema.
function acceptedByJsonSchema(set: (m: any, value: unknown) => void, value: unknown): boolean {
  const m = smallManifest();
  set(m, value);
  return validate(m);
}

describe('RFC 3339 date-time with offset', () => {
  const accepted = ['2026-10-02T08:14:07Z', '2026-10-02T08:14:07+07:00', '2026-10-02T08:14:07.5-03:30', '2028-02-29T00:00:00Z', '2026-12-31T23:59:59-12:00'];
  const rejected = [
    '2026-10-02T08:14:07', // no offset
    '2026-10-02T08:14:07+0700',
    '2026-10-02T08:14:07+07',
    '2026-10-02T08:14Z', // no seconds
    '2026-02-30T10:00:00Z',
    '2027-02-29T10:00:00Z', // not a leap year
    '2026-04-31T10:00:00Z',
    '2026-10-02T24:00:00Z',
    '2026-10-02 08:14:07Z',
    '2026-10-02t08:14:07z',
    '2026-10-02T08:14:07+24:00',
  ];
  it.each(accepted)('accepts %s (zod and JSON Schema)', (value) => {
    expect(DateTime.safeParse(value).success).toBe(true);
    expect(acceptedByJsonSchema((m, v) => (m.createdAt = v), value)).toBe(true);
  });
  it.each(rejected)('rejects %s (zod and JSON Schema)', (value) => {
    expect(DateTime.safeParse(value).success).toBe(false);
    expect(acceptedByJsonSchema((m, v) => (m.createdAt = v), value)).toBe(false);
  });
});

describe('RFC 3339 full-date', () => {
  it.each(['2026-08-03', '2024-02-29'])('accepts %s', (value) => {
    expect(FullDate.safeParse(value).success).toBe(true);
    expect(acceptedByJsonSchema((m, v) => (m.legalBasis.request.date = v), value)).toBe(true);
  });
  it.each(['2026-8-3', '2026-02-29', '2026-00-10', '2026-08-03T00:00:00Z'])('rejects %s', (value) => {
    expect(FullDate.safeParse(value).success).toBe(false);
    expect(acceptedByJsonSchema((m, v) => (m.legalBasis.request.date = v), value)).toBe(false);
  });
});

describe('ISO 3166-1 alpha-2', () => {
  it('holds 249 distinct upper-case codes', () => {
    expect(new Set(ISO_3166_ALPHA2).size).toBe(249);
    expect(ISO_3166_ALPHA2.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
  });
  it.each(['VN', 'DZ', 'GB', 'PS', 'SS'])('accepts %s', (code) => {
    expect(Country.safeParse(code).success).toBe(true);
  });
  it.each(['XX', 'UK', 'EU', 'vn', 'VNM', ''])('rejects %s', (code) => {
    expect(Country.safeParse(code).success).toBe(false);
    expect(acceptedByJsonSchema((m, v) => (m.creator.country = v), code)).toBe(false);
  });
});

describe('other primitives', () => {
  it.each(['vi', 'ar-DZ', 'zh-Hant', 'zh-Hant-TW', 'es-419', 'sl-rozaj'])('language tag %s is accepted', (tag) => {
    expect(LanguageTag.safeParse(tag).success).toBe(true);
  });
  it.each(['', 'english', 'en_GB', 'e', 'en-'])('language tag %j is rejected', (tag) => {
    expect(LanguageTag.safeParse(tag).success).toBe(false);
  });
  it.each(['application/json', 'text/csv; charset=utf-8', 'application/vnd.ms-outlook', 'image/svg+xml'])('media type %s is accepted', (t) => {
    expect(MediaType.safeParse(t).success).toBe(true);
    expect(acceptedByJsonSchema((m, v) => (m.items[0].mediaType = v), t)).toBe(true);
  });
  it.each(['json', 'text/', '/csv', 'text/csv;', 'text csv'])('media type %j is rejected', (t) => {
    expect(MediaType.safeParse(t).success).toBe(false);
    expect(acceptedByJsonSchema((m, v) => (m.items[0].mediaType = v), t)).toBe(false);
  });
  it('text keeps inner line breaks, in zod and in JSON Schema alike', () => {
    const address = 'Line 1\nLine 2';
    expect(Text.safeParse(address).success).toBe(true);
    expect(acceptedByJsonSchema((m, v) => (m.creator.contact.address = v), address)).toBe(true);
  });
  it.each(['', ' x', 'x ', '\n'])('text %j is rejected', (t) => {
    expect(Text.safeParse(t).success).toBe(false);
    expect(acceptedByJsonSchema((m, v) => (m.case.reference = v), t)).toBe(false);
  });
});

describe('item paths', () => {
  const set = (m: any, v: unknown) => (m.items[0].path = v);
  it.each(['subscriber.csv', 'a/b/c.txt', 'Ünïcödé/ファイル.bin', 'chat/\u{1F480}.jpg', '\u{1F600}', '.hidden', 'a..b', 'ab:c'])('accepts %j (zod and JSON Schema)', (path) => {
    expect(ItemPath.safeParse(path).success).toBe(true);
    expect(acceptedByJsonSchema(set, path)).toBe(true);
  });
  it.each(['', '/abs', 'C:/x', 'c:x', 'x:y', 'a//b', 'a/', './a', 'a/./b', 'a/..', '..', 'a\\b', 'a\u0000b', 'a\tb', 'a\u007fb', 'x'.repeat(1025)])(
    'rejects %j (zod and JSON Schema)',
    (path) => {
      expect(ItemPath.safeParse(path).success).toBe(false);
      expect(acceptedByJsonSchema(set, path)).toBe(false);
    },
  );
  it.each(['a\u0080b', 'a\u0085b', 'a\u009bb', 'a\u009fb', 'a\u202ab', 'a\u202eb', 'a\u2066b', 'a\u2069b', 'a\u2028b', 'a\u2029b'])(
    'rejects %j, a C1, bidi or line-separator character (zod and JSON Schema)',
    (path) => {
      expect(ItemPath.safeParse(path).success).toBe(false);
      expect(acceptedByJsonSchema(set, path)).toBe(false);
    },
  );
  it.each(['a\u200fb', 'a\u200eb', 'a\u061cb', 'a\u200bb', 'a\u200db'])('accepts %j, a mark or joiner (zod and JSON Schema)', (path) => {
    expect(ItemPath.safeParse(path).success).toBe(true);
    expect(acceptedByJsonSchema(set, path)).toBe(true);
  });
  it.each(['cafe\u0301', '\u00e9'.repeat(600), 'a\uD800b', 'a\uDC80b', '\uDE00\uD83D'])('rejects %j in zod only (NFC, bytes, surrogates)', (path) => {
    expect(ItemPath.safeParse(path).success).toBe(false);
  });
});
