import { canonicalLanguageTag, languagesFromEnvironment } from '../i18n/language-tag.js';
import type { CliIO } from './io.js';

/** Help text of the --lang option for a command whose option descriptions start at `column`. */
export function langHelp(column: number): string {
  const pad = ' '.repeat(column);
  return [
    `${'--lang TAG'.padEnd(column - 2)}language of the report (BCP 47: en, fr, fr-CA, ar, es, ru, zh, vi). A tag with no`,
    `${pad}catalog falls back by RFC 4647 lookup (fr-CA -> fr), then to English. Default: from LC_ALL,`,
    `${pad}LC_MESSAGES or LANG (fr_CA.UTF-8 -> fr-CA), else en. An invalid tag is a usage error (64)`,
  ].join('\n');
}

/**
 * The language a command reports in: --lang when given (checked before any work is done), else the one the
 * environment asks for (POSIX locale names), else English.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` (exit 64) when --lang is not a well-formed BCP 47 tag
 */
export function reportLanguage(values: Record<string, unknown>, io: CliIO): string {
  const given = values['lang'];
  if (typeof given === 'string') return canonicalLanguageTag(given);
  return languagesFromEnvironment(io.env ?? {})[0] ?? 'en';
}
