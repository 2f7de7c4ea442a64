import { base64urlEncodeToBytes, utf8Encode } from '../internal/bytes.js';

/**
 * The JWS Signing Input, built as bytes: ASCII(BASE64URL(protected) "." BASE64URL(payload)) (RFC 7515 section
 * 5.1 step 8). Signer and verifier share it so that they can never disagree on what is signed.
 */
export function jwsSigningInput(protectedB64: string, payload: Uint8Array): Uint8Array {
  return base64urlEncodeToBytes(payload, utf8Encode(`${protectedB64}.`));
}
