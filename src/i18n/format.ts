import { escapeForDisplay } from '../report/display-text.js';
import { FINDING_PARAM_KINDS, type FindingParamKind } from '../report/finding-params.js';
import type { Catalog, TextKey } from './catalog.js';
import { CATALOGS, LANGUAGES } from './catalogs.js';
import { canonicalLanguageTag } from './language-tag.js';
import { negotiateLanguage } from './negotiate-language.js';

/** What a finding needs to be put in words: its code, English message and parameters (a report read back from JSON will do). */
export interface FindingText {
  readonly code: string;
  readonly message: string;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
}

/** One piece of a formatted message: the catalog's own (trusted) text, or the value of a parameter (untrusted). */
export type MessagePart = { readonly text: string; readonly param?: undefined } | { readonly text: string; readonly param: string };

/** Options of {@link formatFinding}. */
export interface FormatFindingOptions {
  /** How parameter values are made safe to show; {@link escapeForDisplay} unless given (the catalog's own text is trusted). */
  escape?: (text: string) => string;
}

/**
 * The catalog for a requested language: the best of {@link LANGUAGES} by RFC 4647 lookup (`fr-CA` -> `fr`),
 * English when none fits.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 * @example messages('fr-CA').text['outcome']; // 'Résultat'
 */
export function messages(lang: string = 'en'): Catalog {
  return CATALOGS[negotiateLanguage([lang], LANGUAGES)]!;
}

/**
 * The writing direction of a language's catalog: `rtl` for Arabic, `ltr` otherwise.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 */
export function textDirection(lang: string): 'ltr' | 'rtl' {
  return messages(lang).dir;
}

/**
 * The message of a finding in a language, from the catalogs, its parameters (`finding.params`) put in, each
 * formatted for the language (numbers and dates through `Intl`) and escaped for display. The English message
 * of the finding is used when the catalog has no message for the code or the finding lacks a parameter the
 * message needs (a report of an older version): never a half-filled message, never a throw on report content.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 * @example formatFinding(finding, 'fr'); // 'élément photo-1 : sha256 des octets ...'
 */
export function formatFinding(finding: FindingText, lang: string, options: FormatFindingOptions = {}): string {
  const escape = options.escape ?? escapeForDisplay;
  return formatFindingParts(finding, lang)
    .map((part) => (part.param === undefined ? part.text : escape(part.text)))
    .join('');
}

/**
 * {@link formatFinding} as parts, unescaped, for a renderer that shows parameters apart from the catalog's text
 * (the web page isolates each parameter for bidirectional text, `<bdi>`). When the English message is used
 * instead (see {@link formatFinding}), it is one part with `param: 'message'`: it embeds bundle text.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 */
export function formatFindingParts(finding: FindingText, lang: string): MessagePart[] {
  const catalog = messages(lang);
  const template = findingTemplate(catalog, finding.code) ?? findingTemplate(CATALOGS['en']!, finding.code);
  const params: Readonly<Record<string, unknown>> = isRecord(finding.params) ? finding.params : {};
  const parts = template === undefined ? undefined : fill(template, (name) => paramText(name, params[name], intlTag(lang, catalog)));
  return parts ?? [{ text: String(finding.message), param: 'message' }];
}

/**
 * A fixed string of the renderings in a language, its values put in as given (the caller escapes what comes
 * from a bundle); numbers are formatted for the language.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 * @example formatText('fr', 'items.heading', { intact: 3, total: 3 }); // 'Éléments (3/3 intacts) :'
 */
export function formatText(lang: string, key: TextKey, values: Readonly<Record<string, string | number>> = {}): string {
  const catalog = messages(lang);
  const tag = intlTag(lang, catalog);
  const parts = fill(catalog.text[key], (name) => {
    const value = values[name];
    return typeof value === 'number' ? formatNumber(value, tag) : value;
  });
  // A renderer's own mistake (a value it forgot), not report content: show the name rather than lose the line.
  return (parts ?? [{ text: catalog.text[key] }]).map((p) => p.text).join('');
}

/**
 * A number for a language through `Intl.NumberFormat`; its plain digits where `Intl` lacks the locale (a
 * runtime built with few locales) or is absent.
 * @example formatNumber(1234567, 'fr'); // '1 234 567' (narrow no-break spaces)
 */
export function formatNumber(value: number, lang: string): string {
  const format = numberFormat(lang);
  return format === undefined ? String(value) : format.format(value);
}

/**
 * A number with exactly `digits` decimals for a language through `Intl.NumberFormat` (`1,5` in French);
 * `value.toFixed(digits)` where `Intl` lacks the locale or is absent.
 * @throws RangeError when `digits` is not an integer from 0 to 20
 * @example formatDecimal(1.5, 1, 'fr'); // '1,5'
 */
export function formatDecimal(value: number, digits: number, lang: string): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new RangeError('digits must be an integer from 0 to 20');
  const format = numberFormat(lang, digits);
  return format === undefined ? value.toFixed(digits) : format.format(value);
}

/**
 * An RFC 3339 time for a language through `Intl.DateTimeFormat`, in UTC with seconds; the text as given
 * where it is no RFC 3339 time, or where `Intl` lacks the locale or is absent.
 * @example formatDate('2026-03-01T10:00:00Z', 'en'); // 'March 1, 2026 at 10:00:00 AM UTC'
 */
export function formatDate(value: string, lang: string): string {
  if (!RFC3339.test(value)) return value;
  const time = Date.parse(value);
  const format = dateFormat(lang);
  if (Number.isNaN(time) || format === undefined) return value;
  return format.format(time);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

// Intl gets the tag requested, not the catalog's: ar-MA has Latin digits, ar-EG Arabic-Indic ones; fr-CA its
// own date order. The catalog's tag when nothing more was asked.
function intlTag(lang: string, catalog: Catalog): string {
  return lang === '' ? catalog.lang : canonicalLanguageTag(lang);
}

// Own keys only: a code read from JSON such as "constructor" or "__proto__" names no message.
function findingTemplate(catalog: Catalog, code: string): string | undefined {
  const findings: Readonly<Record<string, string | undefined>> = catalog.findings;
  return Object.hasOwn(findings, code) ? findings[code] : undefined;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function paramText(name: string, value: unknown, tag: string): string | undefined {
  const kind: FindingParamKind | undefined = (FINDING_PARAM_KINDS as Readonly<Record<string, FindingParamKind>>)[name];
  if (typeof value === 'number' && Number.isFinite(value)) return kind === 'number' ? formatNumber(value, tag) : String(value);
  if (typeof value !== 'string') return undefined;
  return kind === 'date' ? formatDate(value, tag) : value;
}

// {name} placeholders; undefined when one has no value.
function fill(template: string, value: (name: string) => string | undefined): MessagePart[] | undefined {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)) {
    const text = value(match[1]!);
    if (text === undefined) return undefined;
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    parts.push({ text, param: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}

const numberFormats = new Map<string, Intl.NumberFormat | undefined>();
const dateFormats = new Map<string, Intl.DateTimeFormat | undefined>();

// Bounded: a long-lived page asked for many tags keeps few formatters.
const MAX_CACHED = 32;

function numberFormat(lang: string, digits?: number): Intl.NumberFormat | undefined {
  const key = `${lang} ${digits ?? ''}`;
  if (!numberFormats.has(key)) {
    if (numberFormats.size >= MAX_CACHED) numberFormats.clear();
    const options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    numberFormats.set(key, supported(lang, () => Intl.NumberFormat) ? new Intl.NumberFormat(lang, options) : undefined);
  }
  return numberFormats.get(key);
}

function dateFormat(lang: string): Intl.DateTimeFormat | undefined {
  if (!dateFormats.has(lang)) {
    if (dateFormats.size >= MAX_CACHED) dateFormats.clear();
    const ok = supported(lang, () => Intl.DateTimeFormat);
    dateFormats.set(lang, ok ? new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }) : undefined);
  }
  return dateFormats.get(lang);
}

// Intl silently formats for its default locale when it lacks the one asked for: a French report would get
// English dates. Plain digits and the RFC 3339 text are unambiguous in every language.
function supported(lang: string, constructor: () => { supportedLocalesOf(locales: string[]): string[] }): boolean {
  try {
    return typeof Intl !== 'undefined' && constructor().supportedLocalesOf([lang]).length > 0;
  } catch {
    return false;
  }
}
