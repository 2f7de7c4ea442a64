import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { base64DecodeStrict } from '../internal/bytes.js';

/** Largest certificate accepted (bounded resources): real certificates are a few KiB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/**
 * DER certificates of a PEM text (every CERTIFICATE block, RFC 7468) or of one base64 DER string; undefined if
 * neither. Trust anchors arrive in both forms (policy files hold PEM, `x5c` style arrays hold base64).
 * @example
 * const ders = certificatesFromText(readFileSync('root.pem', 'utf8')) ?? [];
 */
export function certificatesFromText(text: string): Uint8Array[] | undefined {
  if (!text.includes('-----BEGIN')) {
    const der = base64DecodeStrict(text.replace(/\s+/g, ''));
    return der === undefined ? undefined : [der];
  }
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g)];
  const ders = blocks.map((b) => base64DecodeStrict(b[1]!.replace(/\s+/g, '')));
  return ders.length === 0 || ders.some((d) => d === undefined) ? undefined : (ders as Uint8Array[]);
}

/** An X.509 certificate with the DER bytes it arrived as (hashes and comparisons are over those bytes). */
export interface DerCertificate {
  der: Uint8Array;
  cert: pkijs.Certificate;
}

/**
 * The certificates of trust anchors given as PEM texts or base64 DER strings ({@link certificatesFromText}). An
 * anchor that does not parse anchors nothing (the policy parser reports it); never throws.
 * @example
 * const anchors = parseAnchors(policy.timestampAuthorities[0].anchors);
 */
export function parseAnchors(anchors: readonly string[]): DerCertificate[] {
  return anchors.flatMap((text) =>
    ((typeof text === 'string' ? certificatesFromText(text) : undefined) ?? []).flatMap((der) => {
      const cert = parseCertificate(der);
      return cert === undefined ? [] : [{ der, cert }];
    }),
  );
}

// Universal tags DER always encodes constructed (SEQUENCE, SET) and those it never does (X.690 section 10.2:
// strings are primitive; BOOLEAN, INTEGER, NULL, OID, ENUMERATED, times have no constructed form at all).
const UNIVERSAL_CONSTRUCTED = new Set([16, 17]);
const MAX_DER_DEPTH = 64;

/**
 * Whether `der` is exactly one value in strict DER (X.690 section 10, RFC 5280 section 4.1): definite lengths
 * in their shortest form, tag numbers in their shortest form, SEQUENCE and SET constructed and every other
 * universal type primitive, INTEGER and ENUMERATED minimal (no leading 0x00 or 0xFF octet that is not needed),
 * BOOLEAN 0x00 or 0xFF, NULL empty, BIT STRING with at most 7 unused bits that are zero, nothing after the value.
 * asn1js accepts all of these variants and re-encodes them as received, so its round trip alone cannot refuse
 * them; openssl's DER decoder does. Contents of OCTET and BIT STRINGs are not descended into: a caller that
 * reads DER inside them checks those bytes on their own. SET OF ordering (X.690 section 11.6) is not checked.
 * @example
 * isStrictDer(new Uint8Array([0x02, 0x01, 0x05])); // true
 * isStrictDer(new Uint8Array([0x02, 0x02, 0x00, 0x05])); // false: a leading zero that is not needed
 */
export function isStrictDer(der: Uint8Array): boolean {
  return strictValue(der, 0, 0) === der.length;
}

// The offset after the value at `at`, or -1 when it is not strict DER.
function strictValue(der: Uint8Array, at: number, depth: number): number {
  if (depth > MAX_DER_DEPTH || at >= der.length) return -1;
  const first = der[at]!;
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let i = at + 1;
  if (tag === 0x1f) {
    // High-tag form only for numbers of 31 and more, without a leading 0x80 septet.
    if (i >= der.length || der[i] === 0x80) return -1;
    tag = 0;
    for (;;) {
      if (i >= der.length || tag > 0xffffff) return -1;
      const b = der[i++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) return -1;
  }
  if (i >= der.length) return -1;
  let length = der[i++]!;
  if (length === 0x80) return -1; // indefinite length
  if (length > 0x80) {
    const octets = length & 0x7f;
    if (octets > 4 || i + octets > der.length || der[i] === 0) return -1;
    length = 0;
    for (let k = 0; k < octets; k++) length = length * 256 + der[i++]!;
    if (length < 0x80) return -1; // the short form would have done
  }
  const end = i + length;
  if (end > der.length) return -1;
  if (tagClass === 0 && tag !== 0 && constructed !== UNIVERSAL_CONSTRUCTED.has(tag)) return -1;
  if (constructed) {
    while (i < end) {
      i = strictValue(der.subarray(0, end), i, depth + 1);
      if (i === -1) return -1;
    }
    return end;
  }
  if (tagClass === 0 && !strictPrimitive(tag, der.subarray(i, end))) return -1;
  return end;
}

function strictPrimitive(tag: number, content: Uint8Array): boolean {
  switch (tag) {
    case 0: // end-of-contents only ends an indefinite length, which DER has not
      return false;
    case 1:
      return content.length === 1 && (content[0] === 0x00 || content[0] === 0xff);
    case 2:
    case 10:
      return isMinimalInteger(content);
    case 3:
      return content.length >= 1 && content[0]! <= 7 && (content.length > 1 || content[0] === 0) &&
        (content[content.length - 1]! & ((1 << content[0]!) - 1)) === 0;
    case 5:
      return content.length === 0;
    default:
      return true;
  }
}

/** Two's-complement content of an INTEGER in its shortest form (X.690 section 8.3.2). */
function isMinimalInteger(content: Uint8Array): boolean {
  if (content.length === 0) return false;
  if (content.length === 1) return true;
  return !(content[0] === 0x00 && content[1]! < 0x80) && !(content[0] === 0xff && content[1]! >= 0x80);
}

/**
 * The two integers of an ECDSA signature value (Ecdsa-Sig-Value, RFC 5480 section 2.2: SEQUENCE { INTEGER r,
 * INTEGER s }) in strict DER, as the fixed-size `r || s` WebCrypto verifies (IEEE P1363, `size` octets each);
 * undefined when the bytes are anything else: another tag (ENUMERATED is an asn1js Integer too), a negative or
 * zero or non-minimal integer, one wider than `size`, a length in long form where the short one fits, trailing bytes.
 * @example
 * const rs = ecdsaSignatureToRaw(signatureValue, 32); if (rs === undefined) return false;
 */
export function ecdsaSignatureToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> | undefined {
  if (!isStrictDer(der) || der[0] !== 0x30) return undefined;
  let i = der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f);
  const out = new Uint8Array(2 * size);
  for (let n = 0; n < 2; n++) {
    if (der[i] !== 0x02 || i + 1 >= der.length) return undefined;
    const length = der[i + 1]!;
    // At most size + 1 octets, so the length is in short form for every supported curve (P-521: 67).
    if (length >= 0x80) return undefined;
    let value = der.subarray(i + 2, i + 2 + length);
    i += 2 + length;
    if (value[0]! >= 0x80) return undefined; // negative
    if (value[0] === 0) value = value.subarray(1);
    if (value.length === 0 || value.length > size) return undefined; // zero (strict DER has one 0x00 octet for it)
    out.set(value, (n + 1) * size - value.length);
  }
  return i === der.length ? out : undefined;
}

/**
 * Decodes one DER value with nothing after it; undefined when the bytes are not exactly one value, not strict
 * DER ({@link isStrictDer}), or not in the encoding they re-encode to. asn1js parses BER leniently (a declared length shorter than the content is
 * accepted), and bytes that change without changing the parse would let a signed object vary unnoticed: only
 * bytes that re-encode to themselves are accepted ("on decode, re-encode and compare").
 * @example
 * const asn1 = decodeDer(tokenBytes); if (asn1 === undefined) return malformed();
 */
export function decodeDer(der: Uint8Array): asn1js.AsnType | undefined {
  const view = new Uint8Array(der);
  if (!isStrictDer(view)) return undefined;
  try {
    const parsed = asn1js.fromBER(view);
    if (parsed.offset === -1 || parsed.offset !== view.length || parsed.result.error) return undefined;
    const again = new Uint8Array(parsed.result.toBER());
    if (again.length !== view.length || !again.every((b, i) => b === view[i])) return undefined;
    return parsed.result;
  } catch {
    return undefined;
  }
}

/**
 * Parses one DER certificate (RFC 5280 section 4.1) with pkijs; undefined when it is not exactly one
 * well-formed X.509 certificate of at most {@link MAX_CERTIFICATE_BYTES}. Never throws.
 * @example
 * const cert = parseCertificate(der); if (cert) console.log(nameToString(cert.subject));
 */
export function parseCertificate(der: Uint8Array): pkijs.Certificate | undefined {
  if (der.length === 0 || der.length > MAX_CERTIFICATE_BYTES) return undefined;
  const asn1 = decodeDer(der);
  if (asn1 === undefined) return undefined;
  try {
    return new pkijs.Certificate({ schema: asn1 });
  } catch {
    return undefined;
  }
}

const NAME_KEYS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress', '2.5.4.97': 'organizationIdentifier',
};

/**
 * A distinguished name for people, in encoded order (most general first, as openssl prints), `C=VN, O=..., CN=...`.
 * For messages only: names are compared with {@link sameName}, never as strings.
 * @example
 * nameToString(cert.subject); // 'C=VN, O=Ministry, CN=Signer'
 */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAME_KEYS[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ');
}

// Names are compared as RFC 5280 section 7.1 says (string preparation, RDNs as sets), not byte for byte.
export { sameName } from './names.js';
