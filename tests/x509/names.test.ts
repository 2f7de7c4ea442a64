// RFC 5280 section 7.1 name comparison: string preparation (RFC 4518) whatever the string type, RDNs as sets,
// RDN order and count significant, non-string values by their bytes.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { isPrefix, normalizedName, prepareString, sameName } from '../../src/x509/names.js';

type Value = { type: 'printable' | 'utf8' | 'ia5' | 'teletex' | 'bmp' | 'integer'; text: string };
const C = '2.5.4.6';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const CN = '2.5.4.3';

function value({ type, text }: Value): asn1js.AsnType {
  switch (type) {
    case 'printable': return new asn1js.PrintableString({ value: text });
    case 'utf8': return new asn1js.Utf8String({ value: text });
    case 'ia5': return new asn1js.IA5String({ value: text });
    case 'teletex': return new asn1js.TeletexString({ value: text });
    case 'bmp': return new asn1js.BmpString({ value: text });
    default: return new asn1js.Integer({ value: Number(text) });
  }
}

/** A Name from RDNs, each a list of [type, value]; decoded from its DER as a certificate's name is. */
function name(...rdns: Array<Array<[string, Value]>>): pkijs.RelativeDistinguishedNames {
  const seq = new asn1js.Sequence({
    value: rdns.map((rdn) => new asn1js.Set({ value: rdn.map(([oid, v]) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), value(v)] })) })),
  });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(seq.toBER()).result });
}
const p = (text: string): Value => ({ type: 'printable', text });
const u = (text: string): Value => ({ type: 'utf8', text });

/** A Name of one RDN whose value is a string of tag `tag` with these raw content bytes. */
function rawName(tag: number, bytes: number[]): pkijs.RelativeDistinguishedNames {
  const atv = [0x06, 0x03, 0x55, 0x04, 0x0a, tag, bytes.length, ...bytes];
  const der = [0x30, atv.length + 4, 0x31, atv.length + 2, 0x30, atv.length, ...atv];
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(new Uint8Array(der)).result });
}

describe('normalizedName refuses a string whose bytes are not text of its type', () => {
  const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
  it.each([
    ['a UTF8String that is not UTF-8 (a lone 0xA0)', 0x0c, [...ascii('Test'), 0xa0, ...ascii('PKI')]],
    ['a UTF8String with an overlong encoding', 0x0c, [0xc0, 0xa0]],
    ['a UTF8String with an encoded surrogate', 0x0c, [0xed, 0xa0, 0x80]],
    ['a PrintableString with a byte over 0x7F', 0x13, [0x41, 0xa0, 0x42]],
    ['an IA5String with a byte over 0x7F', 0x16, [0x61, 0xb2]],
    ['a BMPString of odd length', 0x1e, [0x00, 0x41, 0x00]],
    ['a BMPString with a surrogate', 0x1e, [0xd8, 0x00]],
    ['a UniversalString whose length is no multiple of 4', 0x1c, [0, 0, 0x41]],
    ['a UniversalString past U+10FFFF', 0x1c, [0, 0x11, 0, 0]],
  ])('%s: the name is unreadable and matches nothing, not even itself', (_, tag, bytes) => {
    const bad = rawName(tag, bytes);
    expect(normalizedName(bad)).toBeUndefined();
    expect(sameName(bad, bad)).toBe(false);
  });

  it('reads the same texts when their bytes are right: UTF-8, ASCII, UCS-2 and UCS-4', () => {
    const expected = normalizedName(rawName(0x0c, ascii('Test PKI')));
    expect(expected).toEqual([['2.5.4.10=s:test pki']]);
    expect(normalizedName(rawName(0x13, ascii('Test PKI')))).toEqual(expected);
    expect(normalizedName(rawName(0x16, ascii('TEST PKI')))).toEqual(expected);
    expect(normalizedName(rawName(0x1e, ascii('Test PKI').flatMap((b) => [0, b])))).toEqual(expected);
    expect(normalizedName(rawName(0x1c, ascii('Test PKI').flatMap((b) => [0, 0, 0, b])))).toEqual(expected);
    expect(normalizedName(rawName(0x0c, [...ascii('Caf'), 0xc3, 0xa9]))).toEqual([['2.5.4.10=s:café']]);
  });
});

describe('sameName (RFC 5280 section 7.1)', () => {
  const base = name([[C, p('VN')]], [[O, u('Ministry of Justice')]], [[CN, u('Root CA')]]);

  it.each([
    ['another letter case', name([[C, p('vn')]], [[O, u('MINISTRY OF JUSTICE')]], [[CN, u('root ca')]])],
    ['PrintableString against UTF8String', name([[C, u('VN')]], [[O, p('Ministry of Justice')]], [[CN, p('Root CA')]])],
    ['BMPString', name([[C, p('VN')]], [[O, { type: 'bmp', text: 'Ministry of Justice' }]], [[CN, u('Root CA')]])],
    ['leading, trailing and repeated spaces', name([[C, p(' VN')]], [[O, u('  Ministry   of  Justice ')]], [[CN, u('Root\tCA')]])],
    ['compatibility forms (NFKC)', name([[C, p('VN')]], [[O, u('Ministry of Justice')]], [[CN, u('Ｒｏｏｔ CA')]])],
  ])('matches the same name in %s', (_, other) => {
    expect(sameName(base, other)).toBe(true);
    expect(sameName(other, base)).toBe(true);
  });

  it.each([
    ['another value', name([[C, p('VN')]], [[O, u('Ministry of Justice')]], [[CN, u('Root CB')]])],
    ['RDNs in another order', name([[O, u('Ministry of Justice')]], [[C, p('VN')]], [[CN, u('Root CA')]])],
    ['one RDN fewer', name([[C, p('VN')]], [[O, u('Ministry of Justice')]])],
    ['one RDN more', name([[C, p('VN')]], [[O, u('Ministry of Justice')]], [[CN, u('Root CA')]], [[OU, u('x')]])],
    ['another attribute type', name([[C, p('VN')]], [[OU, u('Ministry of Justice')]], [[CN, u('Root CA')]])],
    ['two RDNs merged into one multi-valued RDN', name([[C, p('VN')]], [[O, u('Ministry of Justice')], [CN, u('Root CA')]])],
    ['inner space removed', name([[C, p('VN')]], [[O, u('MinistryofJustice')]], [[CN, u('Root CA')]])],
  ])('does not match %s', (_, other) => {
    expect(sameName(base, other)).toBe(false);
    expect(sameName(other, base)).toBe(false);
  });

  it('compares a multi-valued RDN as a set: attribute order within it does not matter', () => {
    const a = name([[C, p('VN')]], [[O, u('Ministry')], [OU, u('Cyber')]]);
    const b = name([[C, p('VN')]], [[OU, u('cyber')], [O, u('MINISTRY')]]);
    expect(sameName(a, b)).toBe(true);
    expect(sameName(a, name([[C, p('VN')]], [[O, u('Ministry')], [OU, u('Other')]]))).toBe(false);
  });

  it('compares TeletexString and non-string values by their bytes', () => {
    const t = name([[CN, { type: 'teletex', text: 'Root' }]]);
    expect(sameName(t, name([[CN, { type: 'teletex', text: 'Root' }]]))).toBe(true);
    expect(sameName(t, name([[CN, { type: 'teletex', text: 'ROOT' }]]))).toBe(false);
    expect(sameName(name([[CN, { type: 'integer', text: '5' }]]), name([[CN, { type: 'integer', text: '5' }]]))).toBe(true);
    expect(sameName(name([[CN, { type: 'integer', text: '5' }]]), name([[CN, { type: 'integer', text: '6' }]]))).toBe(false);
  });

  it('matches two empty names, and an empty name nothing else', () => {
    expect(sameName(name(), name())).toBe(true);
    expect(sameName(name(), base)).toBe(false);
  });
});

describe('isPrefix (directoryName subtrees)', () => {
  it('holds for the base itself and names below it, not for names beside or above it', () => {
    const subtree = normalizedName(name([[C, p('VN')]], [[O, u('Test PKI')]]))!;
    expect(isPrefix(subtree, normalizedName(name([[C, p('vn')]], [[O, u('test  pki')]]))!)).toBe(true);
    expect(isPrefix(subtree, normalizedName(name([[C, p('VN')]], [[O, u('Test PKI')]], [[CN, u('Leaf')]]))!)).toBe(true);
    expect(isPrefix(subtree, normalizedName(name([[C, p('VN')]], [[O, u('Other')]], [[CN, u('Leaf')]]))!)).toBe(false);
    expect(isPrefix(subtree, normalizedName(name([[C, p('VN')]]))!)).toBe(false);
  });
});

describe('prepareString (RFC 4518)', () => {
  it('folds case and spaces, removes what maps to nothing, keeps inner single spaces', () => {
    expect(prepareString('  Ministry \u00a0 of\n JUSTICE ')).toBe('ministry of justice');
    expect(prepareString('Se\u00adcure\u200b')).toBe('secure');
    expect(prepareString('a b')).not.toBe(prepareString('ab'));
  });
});
