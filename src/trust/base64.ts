import { base64urlDecodeStrict, base64urlEncode } from '../internal/bytes.js';

/** Strict padded base64 (RFC 4648 section 4), as JWS uses for `x5c` and this format for `tst`. */
export function decodeBase64Strict(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new TypeError('not strict base64');
  // The same alphabet but two characters, so the strict base64url decoder (canonical tail) does the work.
  return base64urlDecodeStrict(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
}

/** Padded base64 (RFC 4648 section 4). */
export function encodeBase64(bytes: Uint8Array): string {
  const url = base64urlEncode(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}
