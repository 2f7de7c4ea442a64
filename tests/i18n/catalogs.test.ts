import { describe, expect, it } from 'vitest';
import { CATALOGS, LANGUAGES, TEXT_KEYS, type Catalog } from '../../src/entries/i18n.js';
import { escapeForDisplay, FINDING_CODES } from '../../src/index.js';
import { FINDING_PARAM_KINDS, FINDING_PARAMS } from '../../src/entries/report.js';

// The placeholders of a message: {name}. A brace that opens no placeholder is a defect too (it would show).
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]!).sort();
}
function strayBraces(template: string): boolean {
  return /[{}]/.test(template.replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, ''));
}

const CODES = Object.keys(FINDING_CODES).sort();

/** The codes a catalog has no message for: what the lead sees when a new code arrives without its messages. */
function missingMessages(catalog: Catalog): string[] {
  const findings: Readonly<Record<string, string | undefined>> = catalog.findings;
  return CODES.filter((code) => typeof findings[code] !== 'string' || findings[code] === '');
}

/** The messages whose placeholders are not exactly their code's params: "code: {used} vs [declared]". */
function paramMismatches(catalog: Catalog): string[] {
  const params: Readonly<Record<string, readonly string[] | undefined>> = FINDING_PARAMS;
  return Object.entries(catalog.findings)
    .filter(([code, template]) => template !== undefined && placeholders(template).join() !== [...(params[code] ?? [])].sort().join())
    .map(([code, template]) => `${code}: ${placeholders(template!).join(', ')} vs [${(params[code] ?? []).join(', ')}]`);
}

describe('the finding parameters', () => {
  it('are declared for every finding code (a new code without a line in src/report/finding-params.ts is named)', () => {
    const undeclared = CODES.filter((code) => !Object.hasOwn(FINDING_PARAMS, code));
    expect(undeclared, `codes with no entry in FINDING_PARAMS: ${undeclared.join(', ')}`).toEqual([]);
  });

  it('are declared only for codes that exist', () => {
    expect(Object.keys(FINDING_PARAMS).filter((code) => !Object.hasOwn(FINDING_CODES, code))).toEqual([]);
  });

  it('have a kind each, and no code lists one twice', () => {
    for (const [code, names] of Object.entries(FINDING_PARAMS)) {
      expect(new Set(names).size, code).toBe(names!.length);
      for (const name of names!) expect(Object.hasOwn(FINDING_PARAM_KINDS, name), `${code}: ${name}`).toBe(true);
    }
  });
});

describe('the catalogs', () => {
  it('are the six official languages of the United Nations and Vietnamese, English first', () => {
    expect(LANGUAGES).toEqual(['en', 'fr', 'ar', 'es', 'ru', 'zh', 'vi']);
    for (const lang of LANGUAGES) expect(CATALOGS[lang]!.lang).toBe(lang);
    expect(CATALOGS['ar']!.dir).toBe('rtl');
    for (const lang of LANGUAGES.filter((l) => l !== 'ar')) expect(CATALOGS[lang]!.dir).toBe('ltr');
  });

  describe.each(LANGUAGES)('%s', (lang) => {
    const catalog = CATALOGS[lang]!;

    it('has a message for every finding code', () => {
      const missing = missingMessages(catalog);
      expect(missing, `the ${lang} catalog (src/i18n/messages/${lang}.ts) has no message for: ${missing.join(', ')}`).toEqual([]);
    });

    it("uses in each message exactly its code's parameters", () => {
      expect(paramMismatches(catalog), `src/i18n/messages/${lang}.ts`).toEqual([]);
    });

    it('has no message for a code that does not exist', () => {
      expect(Object.keys(catalog.findings).filter((code) => !Object.hasOwn(FINDING_CODES, code))).toEqual([]);
    });

    it('has every fixed string, with the placeholders of the English one', () => {
      const en = CATALOGS['en']!.text;
      for (const key of TEXT_KEYS) {
        expect(typeof catalog.text[key], key).toBe('string');
        expect(placeholders(catalog.text[key]), `${lang} ${key}`).toEqual(placeholders(en[key]));
      }
      expect(Object.keys(catalog.text).sort()).toEqual([...TEXT_KEYS].sort());
    });

    it('holds no stray brace and no character a terminal would act on or that reorders text', () => {
      const strings = [catalog.name, ...Object.values(catalog.text), ...Object.values(catalog.findings)] as string[];
      for (const s of strings) {
        expect(strayBraces(s), s).toBe(false);
        // The catalog is written raw into reports: it must be plain text, so that only parameters need escaping.
        expect(escapeForDisplay(s), s).toBe(s);
      }
    });
  });

  it('name the missing code and the mismatched parameters, so the checks above can fail', () => {
    const en = CATALOGS['en']!;
    const { 'item.missing': _dropped, ...rest } = en.findings;
    const broken: Catalog = { ...en, findings: { ...rest, 'item.undeclared': 'no {item} here' } };
    expect(missingMessages(broken)).toEqual(['item.missing']);
    expect(paramMismatches(broken)).toEqual(['item.undeclared: item vs [path]']);
    expect(strayBraces('a {b} c }')).toBe(true);
    expect(strayBraces('a {b} c')).toBe(false);
  });
});
