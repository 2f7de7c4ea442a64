import { base64urlEncode } from '../internal/bytes.js';

/** Padded base64 (RFC 4648 section 4), as JWS uses for `x5c` and this format for `tst`; decoded by `decodeBase64` of src/x509/der.ts. */
export function encodeBase64(bytes: Uint8Array): string {
  const url = base64urlEncode(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}
