import { afterEach, describe, expect, it, vi } from 'vitest';
import { CATALOGS, formatDate, formatDecimal, formatFinding, formatFindingParts, formatNumber, formatText, messages, textDirection } from '../../src/entries/i18n.js';
import { isEvidenceBundleError } from '../../src/index.js';
import { makeFinding } from '../../src/entries/report.js';

const digest = makeFinding(
  'item.digest-mismatch',
  'item photo-1: sha256 of the bytes is aa, the signed manifest records bb',
  { item: 'photo-1', path: 'data/photo.jpg' },
  { item: 'photo-1', algorithm: 'sha256', actual: 'aa', expected: 'bb' },
);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('formatFinding', () => {
  it('puts the parameters into the message of each language', () => {
    expect(formatFinding(digest, 'en')).toBe('item photo-1: sha256 of the bytes is aa, the signed manifest records bb');
    expect(formatFinding(digest, 'fr')).toBe('élément photo-1 : le sha256 des octets vaut aa, le manifeste signé enregistre bb');
    for (const lang of Object.keys(CATALOGS)) {
      const text = formatFinding(digest, lang);
      for (const value of ['photo-1', 'sha256', 'aa', 'bb']) expect(text, lang).toContain(value);
      expect(text, lang).not.toMatch(/[{}]/);
    }
  });

  it('negotiates the language (fr-CA -> fr, de -> en)', () => {
    expect(formatFinding(digest, 'fr-CA')).toBe(formatFinding(digest, 'fr'));
    expect(formatFinding(digest, 'de-AT')).toBe(formatFinding(digest, 'en'));
  });

  it('escapes every parameter for display, bidi controls included, and writes the catalog text as it is', () => {
    const hostile = { ...digest, params: { item: 'a\u202eb', algorithm: 'sha256', actual: '\u001b[2K', expected: 'x\ny\u2066' } };
    for (const lang of ['en', 'ar', 'zh']) {
      const text = formatFinding(hostile, lang);
      expect(text).toContain('a\\u202eb');
      expect(text).toContain('\\x1b[2K');
      expect(text).toContain('x\\ny\\u2066');
      expect(text).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(formatFinding(hostile, 'ar')).toContain('العنصر');
  });

  it('uses the English message, escaped, when a parameter is missing or the params are not a record', () => {
    const message = 'the old message \u202e';
    for (const params of [undefined, {}, { item: 'photo-1' }, [], 'item', null, { item: 'a', algorithm: 'b', actual: 'c', expected: {} }]) {
      const finding = { code: 'item.digest-mismatch', message, params } as never;
      expect(formatFinding(finding, 'fr')).toBe('the old message \\u202e');
    }
  });

  it('uses the English message for a code no catalog knows, own keys only', () => {
    for (const code of ['zip.new.code', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
      expect(formatFinding({ code, message: 'kept', params: {} }, 'ru')).toBe('kept');
    }
  });

  it('formats number parameters for the language and keeps text parameters as they are', () => {
    const omitted = makeFinding('verify.findings.omitted', '12345 more', {}, { count: 12345, omittedCode: 'bag.payload.missing' });
    expect(formatFinding(omitted, 'en')).toContain('12,345');
    expect(formatFinding(omitted, 'fr')).toMatch(/12\u202f345/);
    expect(formatFinding(omitted, 'zh')).toContain('12,345');
    // A number given as text (a count the writer did not know) is shown as given.
    const dash = makeFinding('item.size-mismatch', 'x', {}, { item: 'a', expectedSize: '-', actualSize: 3 });
    expect(formatFinding(dash, 'en')).toBe('item a: manifest says - bytes, data has 3');
  });

  it('formats date parameters through Intl in UTC and leaves a text that is no RFC 3339 time as it is', () => {
    const future = makeFinding('custody.time.future', 'x', {}, { seq: 3, time: '2027-01-02T03:04:05Z', currentTime: 'yesterday', tolerance: 300 });
    expect(formatFinding(future, 'en')).toBe('event 3 is dated January 2, 2027 at 3:04:05 AM UTC, after the verification time yesterday (tolerance 300 s)');
    expect(formatFinding(future, 'fr')).toContain('2 janvier 2027');
  });

  it('gives the parts apart, parameters marked, for a renderer that isolates them', () => {
    const parts = formatFindingParts(digest, 'ar');
    expect(parts.filter((p) => p.param !== undefined).map((p) => p.param)).toEqual(['item', 'algorithm', 'actual', 'expected']);
    expect(parts.map((p) => p.text).join('')).toBe(formatFinding(digest, 'ar'));
    expect(formatFindingParts({ code: 'nope', message: 'm' }, 'ar')).toEqual([{ text: 'm', param: 'message' }]);
  });

  it('refuses an invalid language tag with ERR_LANG_INVALID', () => {
    for (const call of [() => formatFinding(digest, 'fr_FR'), () => messages('not a tag'), () => textDirection(''), () => formatText('e n', 'none')]) {
      let code: string | undefined;
      try {
        call();
      } catch (error) {
        code = isEvidenceBundleError(error) ? error.code : String(error);
      }
      expect(code).toBe('ERR_LANG_INVALID');
    }
  });
});

describe('messages and textDirection', () => {
  it('pick the catalog by lookup and tell its direction', () => {
    expect(messages('fr-CA').lang).toBe('fr');
    expect(messages('zh-Hant-TW').lang).toBe('zh');
    expect(messages('de').lang).toBe('en');
    expect(messages().lang).toBe('en');
    expect(textDirection('ar-EG')).toBe('rtl');
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('fr')).toBe('ltr');
  });
});

describe('formatText', () => {
  it('fills a fixed string and formats its numbers', () => {
    expect(formatText('en', 'items.heading', { intact: 2, total: 3 })).toBe('Items (2/3 intact):');
    expect(formatText('fr', 'items.heading', { intact: 1234, total: 1234 })).toMatch(/^Éléments \(1\u202f234\/1\u202f234 intacts\) :$/);
  });

  it('shows the string with its placeholder when a renderer forgets a value, rather than lose the line', () => {
    expect(formatText('en', 'items.heading', { intact: 2 })).toBe('Items ({intact}/{total} intact):');
  });
});

describe('Intl with few locales or none', () => {
  it('falls back to plain digits and the RFC 3339 text where Intl lacks the locale', () => {
    vi.spyOn(Intl.NumberFormat, 'supportedLocalesOf').mockReturnValue([]);
    vi.spyOn(Intl.DateTimeFormat, 'supportedLocalesOf').mockReturnValue([]);
    // Tags no other test uses: the formatters are cached per tag.
    expect(formatNumber(1234567, 'fr-LU')).toBe('1234567');
    expect(formatDecimal(1.25, 1, 'fr-LU')).toBe((1.25).toFixed(1));
    expect(formatDate('2026-03-01T10:00:00Z', 'fr-LU')).toBe('2026-03-01T10:00:00Z');
  });

  it('falls back likewise where Intl is absent', () => {
    vi.stubGlobal('Intl', undefined);
    expect(formatNumber(1234567, 'es-CU')).toBe('1234567');
    expect(formatDate('2026-03-01T10:00:00Z', 'es-CU')).toBe('2026-03-01T10:00:00Z');
    const omitted = makeFinding('verify.findings.omitted', 'x', {}, { count: 12345, omittedCode: 'c' });
    expect(formatFinding(omitted, 'es-CU')).toBe('12345 hallazgos c más sin listar');
  });

  it('formats where the locale is there', () => {
    expect(formatNumber(1234567, 'de-CH')).not.toBe('1234567');
    expect(formatDate('2026-03-01T10:00:00Z', 'en')).toBe('March 1, 2026 at 10:00:00 AM UTC');
    expect(formatDate('2026-13-45T10:00:00Z', 'en')).toBe('2026-13-45T10:00:00Z');
    expect(formatDate('2026-03-01', 'en')).toBe('2026-03-01');
    expect(() => formatDecimal(1, -1, 'en')).toThrow(RangeError);
  });
});
