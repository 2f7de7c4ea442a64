// Byte helpers for the isomorphic core: Web APIs and Uint8Array only (no Buffer).
import { EvidenceBundleError } from '../errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
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
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares two byte arrays or two strings in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
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

export function base64urlEncode(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
