import type { CustodyEventResult } from './report-schema.js';

/**
 * A custody event in words, as every text rendering shows it: what happened (`transferred to ...`,
 * `received from ...`) and who did it where, to which items, why.
 */
export function describeCustodyEvent(e: CustodyEventResult): { what: string; detail: string } {
  // A receipt names whom it came from; every other handover names whom it went to.
  const party = e.counterparty === undefined ? '' : ` ${e.type === 'received' ? 'from' : 'to'} ${e.counterparty}`;
  const items = e.items === 'all' ? 'all items' : e.items.join(', ');
  return { what: `${e.type}${party}`, detail: `by ${e.actor} at ${e.place}: ${items}; ${e.purpose}` };
}
