import { formatText } from '../i18n/format.js';
import { escapeForDisplay as shown } from '../report/display-text.js';
import type { CustodyEventResult } from './report-schema.js';

/**
 * A custody event in words, as every text rendering shows it, in a language (default English): what happened
 * (`transferred to ...`, `received from ...`) and who did it where, to which items, why. The event type stays
 * the format's own word (`transferred`), which docs/format.md defines. Every part taken from the event is
 * escaped for display ({@link escapeForDisplay}): each of the two strings is one line whatever the event holds.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 */
export function describeCustodyEvent(e: CustodyEventResult, lang = 'en'): { what: string; detail: string } {
  // A receipt names whom it came from; every other handover names whom it went to.
  const type = shown(e.type);
  const what = e.counterparty === undefined ? type : formatText(lang, e.type === 'received' ? 'custody.from' : 'custody.to', { type, party: shown(e.counterparty) });
  const items = e.items === 'all' ? formatText(lang, 'custody.all-items') : e.items.map((id) => shown(id)).join(', ');
  return { what, detail: formatText(lang, 'custody.detail', { actor: shown(e.actor), place: shown(e.place), items, purpose: shown(e.purpose) }) };
}
