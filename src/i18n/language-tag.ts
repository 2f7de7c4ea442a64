import { EvidenceBundleError } from '../errors.js';

// RFC 5646 section 2.1, the "langtag" and "privateuse" productions (case-insensitive). Grandfathered tags
// (i-klingon, zh-min-nan, ...) are refused: BCP 47 deprecates every one of them, and none names a language
// this package has a catalog for.
const ALNUM = '[a-z0-9]';
const LANGTAG = new RegExp(
  '^(?:' +
    '(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})' + // language, with up to three extlang subtags
    '(?:-[a-z]{4})?' + // script
    '(?:-(?:[a-z]{2}|[0-9]{3}))?' + // region
    `(?:-(?:${ALNUM}{5,8}|[0-9]${ALNUM}{3}))*` + // variants
    `(?:-[0-9a-wy-z](?:-${ALNUM}{2,8})+)*` + // extensions
    `(?:-x(?:-${ALNUM}{1,8})+)?` + // private use
    `|x(?:-${ALNUM}{1,8})+` +
    ')$',
  'i',
);

/** Longest tag accepted: far beyond any real tag, and keeps a hostile argument from costing anything. */
const MAX_TAG_LENGTH = 256;

/**
 * True when `tag` is a well-formed BCP 47 language tag (RFC 5646 section 2.1: `fr`, `fr-CA`, `zh-Hans-CN`,
 * `sr-Latn`, `en-GB-x-court`). POSIX locale names (`fr_FR.UTF-8`) are not tags: see {@link posixLocaleToLanguageTag}.
 * @example isLanguageTag('fr-CA'); // true
 * isLanguageTag('fr_CA'); // false
 */
export function isLanguageTag(tag: string): boolean {
  return typeof tag === 'string' && tag.length <= MAX_TAG_LENGTH && LANGTAG.test(tag);
}

/**
 * The canonical case of a well-formed language tag (RFC 5646 section 2.1.1: language lower case, script title
 * case, region upper case): `FR-ca` -> `fr-CA`, `zh-hans-cn` -> `zh-Hans-CN`.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `tag` is not a well-formed BCP 47 tag
 * @example canonicalLanguageTag('ZH-hant-tw'); // 'zh-Hant-TW'
 */
export function canonicalLanguageTag(tag: string): string {
  if (!isLanguageTag(tag)) {
    throw new EvidenceBundleError('ERR_LANG_INVALID', `${JSON.stringify(String(tag).slice(0, 64))} is not a BCP 47 language tag (such as fr, fr-CA, zh-Hans)`);
  }
  let singleton = false;
  return tag
    .split('-')
    .map((subtag, i) => {
      const lower = subtag.toLowerCase();
      // After a singleton (an extension or x-), every subtag stays lower case.
      if (i === 0 || singleton) {
        if (lower.length === 1) singleton = true;
        return lower;
      }
      if (lower.length === 1) {
        singleton = true;
        return lower;
      }
      if (lower.length === 2) return lower.toUpperCase();
      if (lower.length === 4 && /^[a-z]{4}$/.test(lower)) return lower[0]!.toUpperCase() + lower.slice(1);
      return lower;
    })
    .join('-');
}

/**
 * The BCP 47 tag of a POSIX locale name, as `LANG`, `LC_ALL` and `LC_MESSAGES` hold it
 * (`language[_territory][.codeset][@modifier]`): `fr_CA.UTF-8` -> `fr-CA`, `sr_RS@latin` -> `sr-Latn-RS`,
 * `zh_TW` -> `zh-TW`. `C` and `POSIX` (no language chosen) and names that are no locale give `undefined`.
 * @example posixLocaleToLanguageTag('pt_BR.utf8'); // 'pt-BR'
 */
export function posixLocaleToLanguageTag(locale: string): string | undefined {
  const match = /^([A-Za-z]{2,8})(?:_([A-Za-z]{2}|[0-9]{3}))?(?:\.[A-Za-z0-9_-]+)?(?:@([A-Za-z0-9]+))?$/.exec(locale);
  if (match === null) return undefined;
  const [, language, territory, modifier] = match;
  if (/^(c|posix)$/i.test(language!)) return undefined;
  // The one modifier that names a script in glibc's locales; the others (euro, valencia, ...) say nothing of it.
  const script = modifier?.toLowerCase() === 'latin' ? 'Latn' : modifier?.toLowerCase() === 'cyrillic' ? 'Cyrl' : undefined;
  const tag = [language, script, territory].filter((part) => part !== undefined).join('-');
  return isLanguageTag(tag) ? canonicalLanguageTag(tag) : undefined;
}

/**
 * The language a POSIX environment asks for, as BCP 47 tags in order of preference: the first of `LC_ALL`,
 * `LC_MESSAGES` and `LANG` that is set and not empty decides (POSIX.1-2017, 8.2), as a POSIX locale name or
 * already a BCP 47 tag. `C`, `POSIX` or a value that is neither gives an empty list: the caller's default
 * applies. Takes the environment as an argument so that the core reads no process state.
 * @example languagesFromEnvironment({ LANG: 'fr_CA.UTF-8' }); // ['fr-CA']
 */
export function languagesFromEnvironment(env: Readonly<Record<string, string | undefined>>): string[] {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const tag = posixLocaleToLanguageTag(value) ?? (isLanguageTag(value) ? canonicalLanguageTag(value) : undefined);
    return tag === undefined ? [] : [tag];
  }
  return [];
}

/** What {@link languagesFromNavigator} reads of a browser's `navigator`. */
export interface NavigatorLanguages {
  readonly languages?: readonly string[] | undefined;
  readonly language?: string | undefined;
}

/**
 * The languages a browser asks for, in order of preference, as canonical BCP 47 tags: `navigator.languages`,
 * else `navigator.language`; entries that are not well-formed tags are left out, and none gives an empty
 * list (the caller's default applies). Pass the result to {@link negotiateLanguage}.
 * @example negotiateLanguage(languagesFromNavigator(navigator), LANGUAGES); // 'fr' for ['fr-CA', 'en']
 */
export function languagesFromNavigator(nav: NavigatorLanguages | undefined = (globalThis as { navigator?: NavigatorLanguages }).navigator): string[] {
  const list = Array.isArray(nav?.languages) && nav.languages.length > 0 ? nav.languages : typeof nav?.language === 'string' ? [nav.language] : [];
  return list.filter((tag): tag is string => typeof tag === 'string' && isLanguageTag(tag)).slice(0, 32).map(canonicalLanguageTag);
}
