import { canonicalizeToBytes } from '../encoding/jcs.js';
import { LONE_SURROGATE } from '../encoding/json-common.js';
import { base64urlEncode, utf8Encode } from '../internal/bytes.js';
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
 * A source of fresh salts that draws the CSPRNG in blocks of 4,096 salts (one `getRandomValues` call of 64 KiB,
 * the most one call gives) instead of one call per item: the same randomness, a fraction of the calls. Every
 * salt is a distinct 16-byte slice of fresh random bytes, never handed out twice.
 * @example const salt = createSaltSource(); const a = salt(); const b = salt();
 */
export function createSaltSource(): () => string {
  const block = new Uint8Array(65536);
  let at = block.length;
  return () => {
    if (at === block.length) {
      crypto.getRandomValues(block);
      at = 0;
    }
    const salt = base64urlEncode(block.subarray(at, at + SALT_BYTES));
    at += SALT_BYTES;
    return salt;
  };
}

/**
 * The committed value of an item: the RFC 8785 canonical bytes of the object `{"item": <item>, "salt": <salt>}`,
 * exactly these two members (docs/format.md, "Commitments"). The item is the full item object of a 1.1
 * manifest (id, metadata, digests, disclosure), so the commitment covers its metadata and its digests.
 * @example const bytes = committedValue(item, salt);
 */
export function committedValue(item: Item, salt: string): Uint8Array {
  // The general RFC 8785 writer refuses what JSON cannot hold and tracks paths for its messages; an item that
  // passed its schema is plain JSON data, so the lean writer below gives the same bytes several times faster
  // (a million items are committed at packing). Anything else goes to the general writer, which says why.
  const text = leanCanonical({ item, salt });
  return text === undefined ? canonicalizeToBytes({ item, salt }) : utf8Encode(text);
}

/**
 * RFC 8785 text of plain JSON data (strings without lone surrogates, finite numbers, booleans, null, arrays,
 * plain objects, at most 64 deep), or undefined for anything else. Same escaping and number form as the general
 * writer (JSON.stringify of a well-formed string; ECMAScript Number-to-String); keys in UTF-16 code-unit order.
 */
function leanCanonical(v: unknown, depth = 0): string | undefined {
  switch (typeof v) {
    case 'string':
      return LONE_SURROGATE.test(v) ? undefined : JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return 'null';
  if (depth >= 64) return undefined;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const e of v) {
      const t = leanCanonical(e, depth + 1);
      if (t === undefined) return undefined;
      parts.push(t);
    }
    return `[${parts.join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (Object.getOwnPropertySymbols(v).length > 0) return undefined;
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = record[key];
    // JCS refuses undefined; so does this writer (the general one names the member).
    if (value === undefined || LONE_SURROGATE.test(key)) return undefined;
    const t = leanCanonical(value, depth + 1);
    if (t === undefined) return undefined;
    out += `${i > 0 ? ',' : ''}${JSON.stringify(key)}:${t}`;
  }
  return `${out}}`;
}

/**
 * The commitment of an item, a leaf of the bundle's Merkle tree: SHA-256(0x00 || committedValue(item, salt)).
 * `hash` computes that leaf hash (by default @noble/hashes; `leafHasher(backend)` for another backend).
 * @example const leaf = itemCommitment(item, salt);
 */
export function itemCommitment(item: Item, salt: string, hash: (bytes: Uint8Array) => Uint8Array = merkleLeafHash): Uint8Array {
  return hash(committedValue(item, salt));
}
