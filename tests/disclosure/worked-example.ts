// The worked example of docs/format.md ("Selective disclosure", "Worked example"): fixed items and salts.
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8Encode } from '../../src/internal/bytes.js';
import type { Item } from '../../src/model/item.js';

export const EXAMPLE_CONTENT = ['{"messages":["hello"]}', 'msisdn,name\n84905550100,Tran Thi A\n', '{"name":"Nguyen Van B"}'];

export const EXAMPLE_ITEMS: Item[] = [
  { id: 'chat', path: 'chat/export.json', mediaType: 'application/json' },
  { id: 'subscriber', path: 'subscriber.csv', mediaType: 'text/csv' },
  { id: 'third-party', path: 'third-party.json', mediaType: 'application/json' },
].map((item, i) => {
  const bytes = utf8Encode(EXAMPLE_CONTENT[i]!);
  return { ...item, size: bytes.length, digests: { sha256: toHex(sha256(bytes)) }, disclosure: { status: 'present' as const } };
});

/** Salts of 16 bytes: 00..0f, 10..1f, 20..2f, base64url. */
export const EXAMPLE_SALTS = ['AAECAwQFBgcICQoLDA0ODw', 'EBESExQVFhcYGRobHB0eHw', 'ICEiIyQlJicoKSorLC0uLw'];
