import { canonicalizeToBytes } from '../encoding/jcs.js';
import { base64urlEncode, utf8Encode } from '../internal/bytes.js';
import type { Item } from '../model/item.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { merkleLeafHash, sha256Of } from './merkle.js';

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
    const salt = saltText(block, at);
    at += SALT_BYTES;
    return salt;
  };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url without padding of the 16 bytes at `at` (22 characters), as `base64urlEncode` gives them, without
 * its binary string and three replacements per salt.
 */
function saltText(bytes: Uint8Array, at: number): string {
  let out = '';
  let i = at;
  for (const end = at + 15; i < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!;
  }
  const last = bytes[i]!;
  return out + B64URL[last >>> 2]! + B64URL[(last & 3) << 4]!;
}

/**
 * The committed value of an item: the RFC 8785 canonical bytes of the object `{"item": <item>, "salt": <salt>}`,
 * exactly these two members (docs/format.md, "Commitments"). The item is the full item object of a 1.1
 * manifest (id, metadata, digests, disclosure), so the commitment covers its metadata and its digests.
 * @example const bytes = committedValue(item, salt);
 */
export function committedValue(item: Item, salt: string): Uint8Array {
  const text = committedText(item, salt);
  return text === undefined ? canonicalizeToBytes({ item, salt }) : utf8Encode(text);
}

/**
 * The RFC 8785 text of `{"item": item, "salt": salt}` by the fast path, or undefined when the general writer
 * must say why it refuses. Internal.
 */
export function committedText(item: Item, salt: string): string | undefined {
  // The general RFC 8785 writer tracks paths for its messages and builds the text piece by piece; an item that
  // passed its schema is plain JSON data, for which RFC 8785 text is exactly JSON.stringify of the same data with
  // every object's members in UTF-16 code-unit order (RFC 8785 section 3.2.2: the escaping and the number form are
  // ECMAScript's). So the data is checked and put in that order, copying only an object whose members are out of
  // order (shallowly), then written by one native JSON.stringify. Anything else goes to the general writer.
  if (typeof salt !== 'string') return undefined;
  const ordered = inCanonicalOrder(item, 1); // the item is one level inside the wrapper
  if (ordered === undefined) return undefined;
  // "item" < "salt": the wrapper is already in order.
  const text = JSON.stringify({ item: ordered, salt });
  // JSON.stringify writes a lone surrogate (which RFC 8785 refuses) as the escape \udXXX, and nothing else as
  // such an escape (a well-formed pair is written as itself): text without "\ud" has no lone surrogate. Text with
  // it (a lone surrogate, or a string holding a backslash and "ud" itself) goes to the general writer.
  return text.includes('\\ud') ? undefined : text;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * `v` itself when it is plain JSON data (strings, finite numbers, booleans, null,
 * arrays, plain objects without symbol keys or undefined members, at most 64 deep) whose objects list their
 * members in UTF-16 code-unit order; a copy with the members in that order (copying only the objects that need
 * it) when they are not; undefined for anything that is not plain JSON data.
 */
function inCanonicalOrder(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : undefined;
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return v;
  if (depth >= 64) return undefined;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      const t = inCanonicalOrder(e, depth + 1);
      if (t === undefined) return undefined;
      if (t !== e) (copy ??= v.slice())[i] = t;
    }
    return copy ?? v;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (Object.getOwnPropertySymbols(v).length > 0) return undefined;
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  let changed = false;
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Plain `<` on strings compares UTF-16 code units, the order RFC 8785 prescribes.
    if (i > 0 && !(keys[i - 1]! < key)) sorted = false;
    const value = record[key];
    // JCS refuses undefined (the general writer names the member).
    // (A member named "__proto__" would set the copy's prototype: the general writer takes it too.)
    if (value === undefined || key === '__proto__') return undefined;
    // JavaScript lists array-index keys ("7", "10") first, in numeric order, whatever the insertion order: such
    // an object cannot be written in code-unit order by JSON.stringify, so the general writer takes it.
    const c = key.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39 && ARRAY_INDEX.test(key)) return undefined;
    const t = inCanonicalOrder(value, depth + 1);
    if (t === undefined) return undefined;
    if (t !== value) changed = true;
    values[i] = t;
  }
  if (sorted && !changed) return v;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const i of order) out[keys[i]!] = values[i];
  return out;
}

/**
 * The commitment of an item, a leaf of the bundle's Merkle tree: SHA-256(0x00 || committedValue(item, salt)).
 * `hash` computes that leaf hash (by default @noble/hashes; `leafHasher(backend)` for another backend).
 * @example const leaf = itemCommitment(item, salt);
 */
export function itemCommitment(item: Item, salt: string, hash: (bytes: Uint8Array) => Uint8Array = merkleLeafHash): Uint8Array {
  return hash(committedValue(item, salt));
}

const encoder = new TextEncoder();

/**
 * `itemCommitment` for many items in a row: the committed text is encoded into one reused buffer behind the
 * leaf prefix byte and hashed from there (by `backend`'s one-shot where it has one), so an item costs no byte
 * arrays but its leaf hash. The same leaves as `itemCommitment(item, salt, leafHasher(backend))`. Internal.
 */
export function itemLeafHasher(backend?: DigestBackend): (item: Item, salt: string) => Uint8Array {
  const hash = sha256Of(backend);
  let buffer = new Uint8Array(4096);
  let tail = buffer.subarray(1);
  return (item, salt) => {
    const text = committedText(item, salt);
    if (text === undefined) {
      const bytes = canonicalizeToBytes({ item, salt });
      const input = new Uint8Array(bytes.length + 1);
      input.set(bytes, 1);
      return hash(input);
    }
    // At most 3 bytes of UTF-8 per UTF-16 code unit.
    if (tail.length < text.length * 3) {
      buffer = new Uint8Array(text.length * 3 + 1);
      tail = buffer.subarray(1);
    }
    buffer[0] = 0x00;
    const { written } = encoder.encodeInto(text, tail);
    return hash(buffer.subarray(0, written + 1));
  };
}
