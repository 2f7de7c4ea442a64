import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { toHex, utf8DecodeStrict } from '../internal/bytes.js';

/** One relative distinguished name: its attributes, each as `type=comparable value`, sorted (a SET has no order). */
export type NormalizedRdn = readonly string[];

// Directory string types whose values are compared after RFC 4518 preparation (RFC 5280 section 7.1):
// PrintableString, UTF8String, BMPString, UniversalString, and IA5String (emailAddress, domainComponent use
// caseIgnoreIA5Match). TeletexString has no defined character mapping and is compared as bytes, as openssl does.
const PREPARED = new Set([19, 12, 30, 28, 22]);

/**
 * A distinguished name as RFC 5280 section 7.1 compares it: a list of RDNs in order, each the sorted list of
 * its attributes, with the string values prepared as RFC 4518 asks (NFKC, case folded, leading and trailing
 * spaces removed, inner runs of spaces folded to one), whatever string type encodes them; other values by
 * their DER bytes. Undefined for a Name that is not SEQUENCE OF SET OF AttributeTypeAndValue, or with a string
 * whose bytes are not text of its type (a UTF8String that is not UTF-8, a PrintableString or IA5String with a
 * byte over 0x7F, a BMPString or UniversalString of the wrong length or with a surrogate). Never throws.
 * @example
 * normalizedName(cert.subject); // [['2.5.4.6=vn'], ['2.5.4.10=test pki'], ['2.5.4.3=leaf 3']]
 */
export function normalizedName(name: pkijs.RelativeDistinguishedNames): NormalizedRdn[] | undefined {
  try {
    const schema = name.toSchema() as asn1js.AsnType;
    if (!(schema instanceof asn1js.Sequence)) return undefined;
    const rdns: NormalizedRdn[] = [];
    for (const set of schema.valueBlock.value) {
      if (!(set instanceof asn1js.Set) || set.valueBlock.value.length === 0) return undefined;
      const attributes: string[] = [];
      for (const atv of set.valueBlock.value) {
        const parts = atv instanceof asn1js.Sequence ? atv.valueBlock.value : [];
        const [type, value] = parts;
        if (parts.length !== 2 || !(type instanceof asn1js.ObjectIdentifier) || value === undefined) return undefined;
        const comparable = comparableValue(value);
        if (comparable === undefined) return undefined;
        attributes.push(`${type.valueBlock.toString()}=${comparable}`);
      }
      rdns.push(attributes.sort());
    }
    return rdns;
  } catch {
    return undefined;
  }
}

// The value of an attribute as compared: a directory string's prepared text, anything else its DER bytes;
// undefined for a directory string whose bytes are not text of its type, which makes the whole name unreadable.
function comparableValue(value: asn1js.AsnType): string | undefined {
  const { tagClass, tagNumber } = value.idBlock;
  if (tagClass === 1 && PREPARED.has(tagNumber) && !value.idBlock.isConstructed) {
    const text = directoryText(tagNumber, (value as asn1js.BaseStringBlock).valueBlock.valueHexView);
    return text === undefined ? undefined : `s:${prepareString(text)}`;
  }
  return `d:${toHex(new Uint8Array(value.toBER()))}`;
}

/**
 * The text of a directory string, read as its type says, strictly: asn1js reads the bytes of a UTF8String that
 * is not UTF-8 (or a PrintableString with a byte over 0x7F) as Latin-1, so 0xA0 became a no-break space that
 * RFC 4518 folds into a space, and a timestamp's signer identifier with a flipped byte still named the signer.
 */
function directoryText(tagNumber: number, bytes: Uint8Array): string | undefined {
  switch (tagNumber) {
    case 12: // UTF8String
      try {
        return utf8DecodeStrict(bytes);
      } catch {
        return undefined;
      }
    // PrintableString and IA5String: ASCII. Not X.680's narrower PrintableString set: certificates in use carry
    // '*' and '&' there, and openssl reads them.
    case 19:
    case 22: {
      let text = '';
      for (const b of bytes) {
        if (b > 0x7f) return undefined;
        text += String.fromCharCode(b);
      }
      return text;
    }
    case 30: { // BMPString: UCS-2, big-endian, no surrogates
      if (bytes.length % 2 !== 0) return undefined;
      let text = '';
      for (let i = 0; i < bytes.length; i += 2) {
        const unit = (bytes[i]! << 8) | bytes[i + 1]!;
        if (unit >= 0xd800 && unit <= 0xdfff) return undefined;
        text += String.fromCharCode(unit);
      }
      return text;
    }
    case 28: { // UniversalString: UCS-4, big-endian
      if (bytes.length % 4 !== 0) return undefined;
      let text = '';
      for (let i = 0; i < bytes.length; i += 4) {
        const point = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
        if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
        text += String.fromCodePoint(point);
      }
      return text;
    }
    default:
      return undefined;
  }
}

/**
 * RFC 4518 string preparation for caseIgnoreMatch, as far as RFC 5280 section 7.1 requires it: NFKC
 * normalisation with case folding, control characters removed, every whitespace a space, and insignificant
 * space handling (section 2.6.1: no leading or trailing space, runs of inner spaces as one).
 * @example
 * prepareString('  Ministry   of JUSTICE '); // 'ministry of justice'
 */
export function prepareString(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    // Mapped to nothing (RFC 4518 section 2.2): controls other than whitespace, soft hyphen, zero-width characters.
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u200b\u2060\ufeff]/g, '')
    .replace(/[\s\u0085]+/g, ' ')
    .trim();
}

/**
 * Whether two names are the same under the rules of RFC 5280 section 7.1 ({@link normalizedName}): same number
 * of RDNs in the same order, each with the same attributes in any order, string values equal after RFC 4518
 * preparation. A name that cannot be read matches nothing.
 * @example
 * sameName(cert.issuer, issuer.subject); // true for 'CN=Root' (UTF8String) against 'cn=ROOT' (PrintableString)
 */
export function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  const x = normalizedName(a);
  const y = normalizedName(b);
  return x !== undefined && y !== undefined && isPrefix(x, y) && x.length === y.length;
}

/**
 * Whether the RDNs of `base` are the first RDNs of `name` (the directoryName subtree rule of RFC 5280 section
 * 4.2.1.10: a name is within a subtree when the subtree's base is a prefix of it).
 * @example
 * isPrefix(normalizedName(base)!, normalizedName(cert.subject)!);
 */
export function isPrefix(base: readonly NormalizedRdn[], name: readonly NormalizedRdn[]): boolean {
  if (base.length > name.length) return false;
  return base.every((rdn, i) => rdn.length === name[i]!.length && rdn.every((v, j) => v === name[i]![j]));
}
