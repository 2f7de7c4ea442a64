// evidence-bundle/i18n: reports in the reader's language. Message catalogs keyed by finding code, RFC 4647
// language negotiation, Intl formatting. Part of the isomorphic core; explicit list of exports.

export { LANGUAGES, CATALOGS } from '../i18n/catalogs.js';
export { TEXT_KEYS } from '../i18n/catalog.js';
export type { Catalog, TextKey } from '../i18n/catalog.js';
export { negotiateLanguage } from '../i18n/negotiate-language.js';
export { isLanguageTag, canonicalLanguageTag, posixLocaleToLanguageTag, languagesFromEnvironment, languagesFromNavigator } from '../i18n/language-tag.js';
export type { NavigatorLanguages } from '../i18n/language-tag.js';
export { messages, textDirection, formatFinding, formatFindingParts, formatText, formatNumber, formatDecimal, formatDate } from '../i18n/format.js';
export type { FindingText, MessagePart, FormatFindingOptions } from '../i18n/format.js';
