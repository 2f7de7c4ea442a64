import { canonicalizeToBytes } from '../encoding/jcs.js';
import { base64urlEncode } from '../internal/bytes.js';
import type { Item } from '../model/item.js';
import { merkleLeafHash } from './merkle.js';

/** Bytes of a fresh salt: 128 bits, the least the format allows (docs/format.md, "Selective disclosure"). */
export const SALT_BYTES = 16;

/**
 * A fresh random salt for one item's commitment: 16 bytes from the platform's CSPRNG (`crypto.getRandomValues`),
 * base64url without padding (22 characters). One per item, never reused.
 * @example const salt = newSalt();
 */
export function newSalt(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(SALT_BYTES)));
}

/**
 * The committed value of an item: the RFC 8785 canonical bytes of the object `{"item": <item>, "salt": <salt>}`,
 * exactly these two members (docs/format.md, "Commitments"). The item is the full item object of a 1.1
 * manifest (id, metadata, digests, disclosure), so the commitment covers its metadata and its digests.
 * @example const bytes = committedValue(item, salt);
 */
export function committedValue(item: Item, salt: string): Uint8Array {
  return canonicalizeToBytes({ item, salt });
}

/**
 * The commitment of an item, a leaf of the bundle's Merkle tree: SHA-256(0x00 || committedValue(item, salt)).
 * @example const leaf = itemCommitment(item, salt);
 */
export function itemCommitment(item: Item, salt: string): Uint8Array {
  return merkleLeafHash(committedValue(item, salt));
}
