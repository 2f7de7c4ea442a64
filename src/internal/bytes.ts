// Byte helpers for the isomorphic core: Web APIs and Uint8Array only (no Buffer).
import { EvidenceBundleError } from '../errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Writes the UTF-8 of `text` into `out` at `offset`, which must have room for 3 bytes per code unit; returns the
 * offset after it. ASCII, the bulk of JSON, is copied by a loop: cheaper than encodeInto for short pieces.
 */
export function utf8EncodeInto(text: string, out: Uint8Array, offset: number): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return o + encoder.encodeInto(text.slice(i), out.subarray(o)).written;
    out[o++] = c;
  }
  return o;
}

/** Length in UTF-8 of a string (a lone surrogate counted as the 3 bytes of U+FFFD), without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** Decodes UTF-8, rejecting invalid sequences instead of replacing them (signed data is never decoded lossily). */
export function utf8DecodeStrict(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw new EvidenceBundleError('ERR_JSON_INVALID_UTF8', 'input is not valid UTF-8', { cause });
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return joinChunks(parts);
}

/**
 * Joins chunks into one array. Takes an array rather than arguments: a stream may yield more chunks (hundreds of
 * thousands of small ones) than a function call takes arguments.
 */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Compares two byte arrays or two strings in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    // Equal strings have equal UTF-16 code units: no need to encode them (digests are compared by the million).
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
  }
  const x = typeof a === 'string' ? utf8Encode(a) : a;
  const y = typeof b === 'string' ? utf8Encode(b) : b;
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url without padding (RFC 7515 section 2): rejects padding, other alphabets and non-canonical tails. */
export function base64urlDecodeStrict(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) {
    throw new EvidenceBundleError('ERR_JWS_MALFORMED', 'not canonical base64url');
  }
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (base64urlEncode(out) !== text) {
    throw new EvidenceBundleError('ERR_JWS_MALFORMED', 'not canonical base64url');
  }
  return out;
}

const B64URL_ALPHABET = utf8Encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

/**
 * base64url without padding, as ASCII bytes, after `prefix` (copied first) in the same buffer: the form a JWS
 * Signing Input needs, built without a second copy of a manifest's tens of megabytes. A table loop over the bytes;
 * building a string first (String.fromCharCode, btoa, three replaces) took over a second on a 20 MB manifest.
 */
export function base64urlEncodeToBytes(bytes: Uint8Array, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(prefix.length + Math.ceil((bytes.length * 4) / 3));
  out.set(prefix);
  const A = B64URL_ALPHABET;
  let o = prefix.length;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = A[n >>> 18]!;
    out[o++] = A[(n >>> 12) & 63]!;
    out[o++] = A[(n >>> 6) & 63]!;
    out[o++] = A[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[o++] = A[n >>> 18]!;
    out[o++] = A[(n >>> 12) & 63]!;
    if (i + 1 < bytes.length) out[o++] = A[(n >>> 6) & 63]!;
  }
  return out.subarray(0, o);
}

const asciiDecoder = new TextDecoder('latin1');

export function base64urlEncode(bytes: Uint8Array): string {
  if (bytes.length > 4096) return asciiDecoder.decode(base64urlEncodeToBytes(bytes));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Padded base64 (RFC 4648 section 4), as JWS uses for `x5c` and this format for `tst` timestamp tokens. */
export function base64Encode(bytes: Uint8Array): string {
  const url = base64urlEncode(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

/**
 * Strict padded base64 (RFC 4648 section 4), as `x5c` (RFC 7515 section 4.1.6) and PEM bodies use; undefined
 * for anything else (whitespace, base64url, non-canonical tails), so hostile text never throws.
 */
export function base64DecodeStrict(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    // Same alphabet but two characters: the strict base64url decoder checks the canonical tail.
    return base64urlDecodeStrict(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
  } catch {
    return undefined;
  }
}

/** Bytewise lexicographic order (a shorter array first when it is a prefix of the other): negative, 0 or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
