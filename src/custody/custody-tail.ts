import { LIMITS } from '../model/layout.js';
import { EvidenceBundleError } from '../errors.js';
import { custodyLink } from './custody-link.js';
import { parseCustodyLog } from './parse-custody-log.js';

/**
 * Where the next event of a log goes: its `seq` (one more than the last event's) and its `prev` (the link to
 * the last line, or to the manifest for the first event). Only the last line is decoded, so appending stays
 * fast however long the log.
 * @throws EvidenceBundleError `ERR_CUSTODY_INVALID` when the log does not end with a readable event,
 *   `ERR_LIMIT_EXCEEDED` when one more event would exceed `LIMITS.custodyEvents` or `LIMITS.custodyBytes`
 */
export function custodyTail(log: Uint8Array, manifestBytes: Uint8Array): { seq: number; prev: string } {
  if (log.length === 0) return { seq: 1, prev: custodyLink(manifestBytes) };
  if (log[log.length - 1] !== 0x0a) throw new EvidenceBundleError('ERR_CUSTODY_INVALID', 'the custody log does not end with LF');
  if (log.length >= LIMITS.custodyBytes) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', 'the custody log is full (bytes)');
  let lines = 0;
  for (let i = 0; i < log.length; i++) if (log[i] === 0x0a) lines++;
  if (lines >= LIMITS.custodyEvents) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', 'the custody log is full (events)');
  const start = log.lastIndexOf(0x0a, log.length - 2) + 1;
  const { lines: [last], findings } = parseCustodyLog(log.subarray(start));
  if (last?.signed === undefined || findings.length > 0) {
    throw new EvidenceBundleError('ERR_CUSTODY_INVALID', `the last event of the custody log cannot be read: ${findings[0]?.message ?? ''}`);
  }
  return { seq: last.signed.event.seq + 1, prev: last.link };
}
