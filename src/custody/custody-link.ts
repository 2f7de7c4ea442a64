import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../internal/bytes.js';
import { CUSTODY_LINK_PREFIX } from './custody-event.js';

/**
 * The link value an event carries in `prev`: `sha256:` and the lower-case hex SHA-256 of the bytes it links to,
 * that is the manifest's canonical bytes for the first event and the previous line (without its LF) after that
 * (docs/format.md, "Custody log").
 */
export function custodyLink(bytes: Uint8Array): string {
  return CUSTODY_LINK_PREFIX + toHex(sha256(bytes));
}
