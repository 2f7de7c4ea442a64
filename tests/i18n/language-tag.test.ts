import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, isLanguageTag, languagesFromEnvironment, languagesFromNavigator, LANGUAGES, negotiateLanguage, posixLocaleToLanguageTag } from '../../src/entries/i18n.js';
import { isEvidenceBundleError } from '../../src/index.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : `not an EvidenceBundleError: ${String(error)}`;
  }
  return undefined;
}

const INVALID = [
  '',
  'fr_CA', // a POSIX locale name, not a tag
  'fr_CA.UTF-8',
  'français',
  'en--US',
  '-en',
  'en-',
  'a',
  'abcdefghi', // a language subtag has at most 8 letters
  'en-US-',
  'zh-Hant-CN-x', // a singleton with nothing after it
  'en-a', // likewise for an extension
  'en US',
  'e\u0000n',
  'en\n',
  'fr-\u202eCA',
  'i-klingon', // grandfathered: refused
  'en-' + 'a'.repeat(9),
  'x-' + 'a'.repeat(9),
  'en-' + 'abcde-'.repeat(60) + 'abcde', // well-formed in shape, beyond the length bound
  '*',
];

describe('language tags (RFC 5646)', () => {
  it.each(INVALID)('refuses %j with ERR_LANG_INVALID', (tag) => {
    expect(isLanguageTag(tag)).toBe(false);
    expect(codeOf(() => canonicalLanguageTag(tag))).toBe('ERR_LANG_INVALID');
    expect(codeOf(() => negotiateLanguage([tag === '*' ? 'not a tag' : tag], LANGUAGES))).toBe('ERR_LANG_INVALID');
  });

  it.each([
    ['fr', 'fr'],
    ['FR', 'fr'],
    ['fr-ca', 'fr-CA'],
    ['ZH-hant-tw', 'zh-Hant-TW'],
    ['sr-latn-rs', 'sr-Latn-RS'],
    ['es-419', 'es-419'],
    ['de-CH-1996', 'de-CH-1996'],
    ['en-GB-x-Court', 'en-GB-x-court'],
    ['en-u-ca-Gregory', 'en-u-ca-gregory'],
    ['x-Private', 'x-private'],
    ['zh-yue-HK', 'zh-yue-HK'],
    ['ar-EG', 'ar-EG'],
  ])('accepts %s as %s', (tag, canonical) => {
    expect(isLanguageTag(tag)).toBe(true);
    expect(canonicalLanguageTag(tag)).toBe(canonical);
  });
});

describe('negotiateLanguage: RFC 4647 section 3.4 lookup', () => {
  it.each([
    [['fr-CA'], 'fr'],
    [['fr'], 'fr'],
    [['FR-be'], 'fr'],
    [['ar-EG'], 'ar'],
    [['ar-Arab-MA'], 'ar'],
    [['zh-Hant-TW'], 'zh'],
    [['zh-Hans-CN-x-private1-private2'], 'zh'],
    [['ru-RU'], 'ru'],
    [['es-419'], 'es'],
    [['vi-VN'], 'vi'],
    [['en-GB'], 'en'],
    [['de'], 'en'], // no catalog: the default
    [['de', 'es-MX'], 'es'], // the first range that finds one wins
    [['pt-BR', 'de-CH', 'ru'], 'ru'],
    [['es', 'fr'], 'es'],
    [['*'], 'en'], // a wildcard finds nothing by itself
    [['*', 'vi'], 'vi'],
    [['x-court'], 'en'],
    [[], 'en'],
  ])('%j -> %s', (requested, expected) => {
    expect(negotiateLanguage(requested, LANGUAGES)).toBe(expected);
  });

  it('drops a singleton left at the end of a prefix with its subtag (the RFC 4647 example)', () => {
    const range = ['zh-Hant-CN-x-private1-private2'];
    expect(negotiateLanguage(range, ['zh-Hant-CN-x-private1', 'zh'])).toBe('zh-Hant-CN-x-private1');
    // zh-Hant-CN-x is never looked up: the next prefix after zh-Hant-CN-x-private1 is zh-Hant-CN.
    expect(negotiateLanguage(range, ['zh-Hant-CN-x', 'zh-Hant-CN'])).toBe('zh-Hant-CN');
    expect(negotiateLanguage(range, ['zh-Hant', 'zh'])).toBe('zh-Hant');
    expect(negotiateLanguage(['de-CH-u-co-phonebk'], ['de-CH', 'de'])).toBe('de-CH');
  });

  it('matches without regard to case and returns the tag as the available list spells it', () => {
    expect(negotiateLanguage(['PT-br'], ['pt-BR', 'pt'])).toBe('pt-BR');
    expect(negotiateLanguage(['sr-latn'], ['sr-Latn'])).toBe('sr-Latn');
  });

  it('returns the fallback given when nothing fits, and the first fitting range even if a later one fits better', () => {
    expect(negotiateLanguage(['de'], ['fr', 'es'], 'es')).toBe('es');
    expect(negotiateLanguage(['fr-CA', 'fr-CA'], ['fr', 'fr-CA'])).toBe('fr-CA');
    expect(negotiateLanguage(['fr-CA-x-y', 'en'], ['fr', 'en'])).toBe('fr');
  });
});

describe('posixLocaleToLanguageTag', () => {
  it.each([
    ['fr_CA.UTF-8', 'fr-CA'],
    ['fr_FR', 'fr-FR'],
    ['ar_EG.utf8', 'ar-EG'],
    ['zh_TW', 'zh-TW'],
    ['ru', 'ru'],
    ['en_US.ISO-8859-1', 'en-US'],
    ['de_DE@euro', 'de-DE'],
    ['sr_RS@latin', 'sr-Latn-RS'],
    ['uz_UZ@cyrillic', 'uz-Cyrl-UZ'],
    ['es_419.UTF-8', 'es-419'],
  ])('%s -> %s', (locale, tag) => {
    expect(posixLocaleToLanguageTag(locale)).toBe(tag);
  });

  it.each(['C', 'POSIX', 'C.UTF-8', 'posix', '', 'fr-CA', '/etc/passwd', 'fr_CA.UTF-8 x', 'f_CA', 'fr_C', '\u202efr'])('%j is no locale that names a language', (locale) => {
    expect(posixLocaleToLanguageTag(locale)).toBeUndefined();
  });
});

describe('languagesFromEnvironment (POSIX precedence: LC_ALL, LC_MESSAGES, LANG)', () => {
  it('takes the first variable that is set and not empty', () => {
    expect(languagesFromEnvironment({ LANG: 'fr_CA.UTF-8' })).toEqual(['fr-CA']);
    expect(languagesFromEnvironment({ LANG: 'fr_FR.UTF-8', LC_MESSAGES: 'es_ES.UTF-8' })).toEqual(['es-ES']);
    expect(languagesFromEnvironment({ LANG: 'fr_FR.UTF-8', LC_MESSAGES: 'es_ES.UTF-8', LC_ALL: 'ru_RU.UTF-8' })).toEqual(['ru-RU']);
    expect(languagesFromEnvironment({ LC_ALL: '', LANG: 'vi_VN' })).toEqual(['vi-VN']);
  });

  it('accepts a BCP 47 tag as the value', () => {
    expect(languagesFromEnvironment({ LANG: 'zh-Hant-TW' })).toEqual(['zh-Hant-TW']);
  });

  it('gives nothing for C, POSIX, an unreadable value or no variable: the default applies, the variable set decides', () => {
    expect(languagesFromEnvironment({})).toEqual([]);
    expect(languagesFromEnvironment({ LANG: 'C.UTF-8' })).toEqual([]);
    // LC_ALL=C overrides LANG (POSIX): no language was chosen, so none is taken from LANG either.
    expect(languagesFromEnvironment({ LC_ALL: 'C', LANG: 'fr_FR.UTF-8' })).toEqual([]);
    expect(languagesFromEnvironment({ LANG: 'not a locale' })).toEqual([]);
    expect(languagesFromEnvironment({ LANG: 'x\u001b[31m' })).toEqual([]);
  });
});

describe('languagesFromNavigator', () => {
  it('reads navigator.languages, else navigator.language, keeping well-formed tags only', () => {
    expect(languagesFromNavigator({ languages: ['fr-CA', 'en-US'], language: 'de' })).toEqual(['fr-CA', 'en-US']);
    expect(languagesFromNavigator({ languages: [], language: 'ar-eg' })).toEqual(['ar-EG']);
    expect(languagesFromNavigator({ language: 'zh-hant-tw' })).toEqual(['zh-Hant-TW']);
    expect(languagesFromNavigator({ languages: ['fr_FR', '', 'ru', 42 as never] })).toEqual(['ru']);
    expect(languagesFromNavigator({})).toEqual([]);
    expect(languagesFromNavigator({ languages: undefined, language: undefined })).toEqual([]);
    expect(negotiateLanguage(languagesFromNavigator({ languages: ['pt-BR', 'es-MX'] }), LANGUAGES)).toBe('es');
  });
});
