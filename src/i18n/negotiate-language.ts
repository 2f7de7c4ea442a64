import { canonicalLanguageTag } from './language-tag.js';

/**
 * Picks one language from `available` for a list of requested ones, by the "lookup" scheme of RFC 4647
 * section 3.4: each requested tag in turn, then shorter and shorter prefixes of it (`zh-Hant-TW`, `zh-Hant`,
 * `zh`; a singleton left at the end is dropped with its subtag: `de-CH-x-court` -> `de-CH`), compared without
 * regard to case; the first that is available wins, else `fallback`. A `*` range matches nothing by itself
 * (RFC 4647 section 3.4). Returns the tag as `available` spells it.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when a requested tag is not well-formed BCP 47
 * @example
 * negotiateLanguage(['fr-CA'], ['en', 'fr']); // 'fr'
 * negotiateLanguage(['pt-BR', 'es'], ['en', 'es']); // 'es'
 * negotiateLanguage(['de'], ['en', 'fr']); // 'en'
 */
export function negotiateLanguage(requested: readonly string[], available: readonly string[], fallback = 'en'): string {
  const byLower = new Map(available.map((tag) => [tag.toLowerCase(), tag] as const));
  for (const range of requested) {
    if (range === '*') continue;
    let subtags = canonicalLanguageTag(range).toLowerCase().split('-');
    while (subtags.length > 0) {
      const hit = byLower.get(subtags.join('-'));
      if (hit !== undefined) return hit;
      subtags = subtags.slice(0, -1);
      // A singleton (an extension or x-) never ends a prefix that is looked up.
      if (subtags.length > 0 && subtags[subtags.length - 1]!.length === 1) subtags = subtags.slice(0, -1);
    }
  }
  return fallback;
}
