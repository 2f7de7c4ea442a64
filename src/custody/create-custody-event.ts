import { EvidenceBundleError } from '../errors.js';
import { CustodyEventSchema, type CustodyEvent } from './custody-event.js';

/**
 * Checks and normalises the fields of a custody event against its schema (docs/format.md, "Custody log"),
 * ready for {@link signCustodyEvent}. `seq` and `prev` come from the log the event is appended to
 * ({@link custodyTail}).
 * @throws EvidenceBundleError `ERR_CUSTODY_INVALID` naming the first field that breaks the schema
 * @example
 * const event = createCustodyEvent({ ...custodyTail(log, manifestBytes), type: 'sealed', time, actor, items: 'all',
 *   place: 'Lyon', purpose: 'seal before shipping', seals: [{ id: 'FR-2026-0042', condition: 'applied' }] });
 */
export function createCustodyEvent(fields: CustodyEvent): CustodyEvent {
  const parsed = CustodyEventSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.') || '(event)'}: ${issue.message}`;
    throw new EvidenceBundleError('ERR_CUSTODY_INVALID', `not a valid custody event: ${where}`, { cause: parsed.error });
  }
  return parsed.data;
}
