import { EvidenceBundleError } from '../errors.js';

/** Length of `r` (and of `s`) in a JWS ECDSA signature (RFC 7518 section 3.4): the curve order's byte length. */
const COORDINATE_BYTES = { ES256: 32, ES384: 48 } as const;

/**
 * Converts an ECDSA signature from DER (`SEQUENCE { INTEGER r, INTEGER s }`, X9.62 / RFC 3279: what cloud KMSs,
 * PKCS#11 wrappers and OpenSSL return) to the fixed-length `r || s` a JWS carries (RFC 7518 section 3.4). The
 * DER is parsed strictly: definite minimal lengths, positive minimal integers, nothing after the sequence, and
 * `r` and `s` non-zero and no longer than the curve order, so a value that is not a signature is never padded
 * into one. A {@link Signer} over such a key returns `derToJoseSignature(await kms.sign(...), 'ES256')`.
 * @throws EvidenceBundleError `ERR_SIGNER_OUTPUT` when `der` is not such a DER signature for `alg`
 * @throws TypeError when `alg` is not `ES256` or `ES384`, or `der` is not a Uint8Array
 * @example
 * const signer: Signer = { alg: 'ES256', kid, publicKey, sign: async (input) => derToJoseSignature(await kmsSign(input), 'ES256') };
 */
export function derToJoseSignature(der: Uint8Array, alg: 'ES256' | 'ES384'): Uint8Array {
  if (!Object.hasOwn(COORDINATE_BYTES, alg)) throw new TypeError('alg must be ES256 or ES384');
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  const size = COORDINATE_BYTES[alg];
  const fail = (why: string): never => {
    throw new EvidenceBundleError('ERR_SIGNER_OUTPUT', `not a DER ${alg} signature: ${why}`);
  };
  // Both integers of a P-384 signature fit in 2 * (2 + 49) bytes, so the sequence length is always short form.
  if (der.length < 2 || der[0] !== 0x30) fail('no SEQUENCE');
  if (der[1]! >= 0x80) fail('the SEQUENCE length is not short form');
  if (der[1] !== der.length - 2) fail('the SEQUENCE length does not match the bytes');
  const out = new Uint8Array(2 * size);
  let at = 2;
  for (const name of ['r', 's']) {
    if (der[at] !== 0x02) fail(`${name} is not an INTEGER`);
    const length = der[at + 1];
    if (length === undefined || length >= 0x80 || length === 0 || at + 2 + length > der.length) fail(`${name} has a bad length`);
    let value = der.subarray(at + 2, at + 2 + length!);
    if (value[0]! >= 0x80) fail(`${name} is negative`);
    if (value[0] === 0 && value.length > 1) {
      if (value[1]! < 0x80) fail(`${name} has a superfluous leading zero`);
      value = value.subarray(1);
    }
    if (value.length > size) fail(`${name} is longer than ${size} bytes`);
    if (value.every((b) => b === 0)) fail(`${name} is zero`);
    out.set(value, (name === 'r' ? size : 2 * size) - value.length);
    at += 2 + length!;
  }
  if (at !== der.length) fail('bytes after s');
  return out;
}
