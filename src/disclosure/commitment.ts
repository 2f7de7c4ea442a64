import { CanonicalBytesWriter, canonicalizeToBytes } from '../encoding/jcs.js';
import { base64urlEncode } from '../internal/bytes.js';
import type { Item } from '../model/item.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { merkleLeafHash } from './merkle.js';
import { leafHashInto } from './tree-hash.js';

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
const SALT_UNITS = new Array<number>(22);

/**
 * base64url without padding of the 16 bytes at `at` (22 characters), as `base64urlEncode` gives them, without
 * its binary string and three replacements per salt: one flat string made at once from its 22 code units.
 */
function saltText(bytes: Uint8Array, at: number): string {
  let i = at;
  let o = 0;
  for (const end = at + 15; i < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    SALT_UNITS[o++] = B64URL.charCodeAt(n >>> 18);
    SALT_UNITS[o++] = B64URL.charCodeAt((n >>> 12) & 63);
    SALT_UNITS[o++] = B64URL.charCodeAt((n >>> 6) & 63);
    SALT_UNITS[o++] = B64URL.charCodeAt(n & 63);
  }
  const last = bytes[i]!;
  SALT_UNITS[20] = B64URL.charCodeAt(last >>> 2);
  SALT_UNITS[21] = B64URL.charCodeAt((last & 3) << 4);
  return String.fromCharCode.apply(null, SALT_UNITS);
}

/**
 * The committed value of an item: the RFC 8785 canonical bytes of the object `{"item": <item>, "salt": <salt>}`,
 * exactly these two members (docs/format.md, "Commitments"). The item is the full item object of a 1.1
 * manifest (id, metadata, digests, disclosure), so the commitment covers its metadata and its digests.
 * @throws EvidenceBundleError what {@link canonicalizeToBytes} throws for a value that has no RFC 8785 form
 * @example const bytes = committedValue(item, salt);
 */
export function committedValue(item: Item, salt: string): Uint8Array {
  const out = new CanonicalBytesWriter(512);
  writeCommittedValue(out, item, salt);
  return out.bytes.slice(0, out.length);
}

/**
 * Appends the committed value of `item` and `salt` to `out`: written straight into its buffer by the
 * RFC 8785 byte writer ("item" < "salt", so the wrapper's members are in order as written), or, for whatever
 * that writer does not take (anything that is not plain JSON data, a lone surrogate), by the general writer,
 * which writes it or throws as {@link committedValue} does. Internal.
 */
export function writeCommittedValue(out: CanonicalBytesWriter, item: Item, salt: string): void {
  const mark = out.length;
  out.pushAscii('{"item":');
  if (out.tryValue(item, 1)) {
    out.pushAscii(',"salt":');
    if (out.tryValue(salt, 1)) {
      out.pushAscii('}');
      return;
    }
  }
  out.length = mark;
  out.pushBytes(canonicalizeToBytes({ item, salt }));
}

/**
 * From this many bytes on, a backend's one-shot hashes a leaf faster than tree-hash.ts: node:crypto costs about
 * 0.9-1.0 us a call up to 400 bytes, tree-hash.ts about 0.7 us at 64 bytes and 1.0 us at 128, 2.0 us at 320 (the
 * size of a typical item's committed value), 3.0 us at 512 (measured one leaf size at a time, Node 20.20).
 */
const NATIVE_LEAF_BYTES = 128;

/**
 * A leaf hash of bytes where they lie: `hash(bytes, start, end, out, at)` writes SHA-256(0x00 || bytes[start,
 * end)) to `out` at `at`. By the allocation-free SHA-256 of tree-hash.ts, except for a leaf of 128 bytes or more
 * when the backend has a one-shot (node:crypto), which is faster from there despite the cost of a call (for
 * shorter leaves it costs more: measured in bench/disclosure.ts); then the byte before `start` is set to the
 * prefix for the call and put back, so it must be in `bytes`. Internal.
 */
export function leafHashAt(backend?: DigestBackend): (bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number) => void {
  const once = backend?.digestOnce?.bind(backend);
  if (once === undefined || once('sha256', new Uint8Array(0)) === undefined) {
    return (bytes, start, end, out, at) => leafHashInto(bytes, start, end - start, out, at);
  }
  return (bytes, start, end, out, at) => {
    if (end - start < NATIVE_LEAF_BYTES) {
      leafHashInto(bytes, start, end - start, out, at);
      return;
    }
    const before = bytes[start - 1]!;
    bytes[start - 1] = 0x00;
    const digest = once('sha256', bytes.subarray(start - 1, end))!;
    bytes[start - 1] = before;
    out.set(digest, at);
  };
}

/**
 * The commitment of an item, a leaf of the bundle's Merkle tree: SHA-256(0x00 || committedValue(item, salt)).
 * `hash` computes that leaf hash (by default @noble/hashes; `leafHasher(backend)` for another backend).
 * @example const leaf = itemCommitment(item, salt);
 */
export function itemCommitment(item: Item, salt: string, hash: (bytes: Uint8Array) => Uint8Array = merkleLeafHash): Uint8Array {
  return hash(committedValue(item, salt));
}

/**
 * `itemCommitment` for many items in a row: each committed value is written into one reused buffer behind the
 * leaf prefix byte and hashed from there ({@link leafHashAt}), so an item costs no byte arrays but its leaf hash.
 * The same leaves as `itemCommitment(item, salt, leafHasher(backend))`. Internal.
 */
export function itemLeafHasher(backend?: DigestBackend): (item: Item, salt: string) => Uint8Array {
  const hash = leafHashAt(backend);
  const out = new CanonicalBytesWriter(4096);
  return (item, salt) => {
    out.length = 1; // byte 0 is room for the prefix
    writeCommittedValue(out, item, salt);
    const leaf = new Uint8Array(32);
    hash(out.bytes, 1, out.length, leaf, 0);
    return leaf;
  };
}
