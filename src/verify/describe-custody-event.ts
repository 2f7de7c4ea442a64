import { escapeForDisplay as shown } from '../report/display-text.js';
import type { CustodyEventResult } from './report-schema.js';

/**
 * A custody event in words, as every text rendering shows it: what happened (`transferred to ...`,
 * `received from ...`) and who did it where, to which items, why. Every part taken from the event is escaped
 * for display ({@link escapeForDisplay}): each of the two strings is one line whatever the event holds.
 */
export function describeCustodyEvent(e: CustodyEventResult): { what: string; detail: string } {
  // A receipt names whom it came from; every other handover names whom it went to.
  const party = e.counterparty === undefined ? '' : ` ${e.type === 'received' ? 'from' : 'to'} ${shown(e.counterparty)}`;
  const items = e.items === 'all' ? 'all items' : e.items.map((id) => shown(id)).join(', ');
  return { what: `${shown(e.type)}${party}`, detail: `by ${shown(e.actor)} at ${shown(e.place)}: ${items}; ${shown(e.purpose)}` };
}
