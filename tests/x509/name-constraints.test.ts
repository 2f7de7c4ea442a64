// Name constraints (RFC 5280 sections 4.2.1.10, 6.1.3 b/c, 6.1.4 g): each name type inside and outside
// permitted and excluded subtrees, several CAs intersecting, and extensions that must be refused.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { nameConstraintsOf, nameConstraintViolation, type CheckedName, type NameConstraints } from '../../src/x509/name-constraints.js';

const dns = (value: string): CheckedName => ({ type: 'dns', value });
const mail = (value: string): CheckedName => ({ type: 'rfc822', value });
const uri = (value: string): CheckedName => ({ type: 'uri', value });
const ip = (...bytes: number[]): CheckedName => ({ type: 'ip', value: new Uint8Array(bytes) });

const inside = (name: CheckedName, ...permitted: CheckedName[]) => nameConstraintViolation([name], [{ permitted }]) === undefined;
const excludedBy = (name: CheckedName, ...excluded: CheckedName[]) => nameConstraintViolation([name], [{ excluded }]) !== undefined;

describe('nameConstraintViolation', () => {
  it.each([
    ['the base itself', 'example.com'], ['a subdomain', 'www.example.com'], ['another letter case', 'WWW.Example.COM'], ['a trailing dot', 'www.example.com.'],
  ])('dNSName: %s is inside example.com', (_, host) => expect(inside(dns(host), dns('example.com'))).toBe(true));

  it.each([
    ['a name that only ends alike', 'badexample.com'], ['another domain', 'example.org'], ['a parent', 'com'],
  ])('dNSName: %s is outside example.com', (_, host) => expect(inside(dns(host), dns('example.com'))).toBe(false));

  it('dNSName: a leading dot means subdomains only; an empty base holds every name', () => {
    expect(inside(dns('www.example.com'), dns('.example.com'))).toBe(true);
    expect(inside(dns('example.com'), dns('.example.com'))).toBe(false);
    expect(inside(dns('anything.test'), dns(''))).toBe(true);
  });

  it('rfc822Name: a mailbox, a host, or a domain (leading dot)', () => {
    expect(inside(mail('a@example.com'), mail('a@example.com'))).toBe(true);
    expect(inside(mail('a@EXAMPLE.com'), mail('a@example.com'))).toBe(true);
    expect(inside(mail('b@example.com'), mail('a@example.com'))).toBe(false);
    expect(inside(mail('b@example.com'), mail('example.com'))).toBe(true);
    expect(inside(mail('b@mail.example.com'), mail('example.com'))).toBe(false);
    expect(inside(mail('b@mail.example.com'), mail('.example.com'))).toBe(true);
    expect(inside(mail('b@example.com'), mail('.example.com'))).toBe(false);
    expect(inside(mail('no-at-sign'), mail('example.com'))).toBe(false);
  });

  it('URI: the host of the URI, exact or under a leading-dot domain; a URI without a host is outside', () => {
    expect(inside(uri('https://example.com/path'), uri('example.com'))).toBe(true);
    expect(inside(uri('https://user@www.example.com:8443/'), uri('.example.com'))).toBe(true);
    expect(inside(uri('https://www.example.com/'), uri('example.com'))).toBe(false);
    expect(inside(uri('https://example.org/'), uri('.example.com'))).toBe(false);
    expect(inside(uri('urn:isbn:123'), uri('example.com'))).toBe(false);
  });

  it('iPAddress: address and mask, IPv4 and IPv6 apart', () => {
    const net10 = ip(10, 0, 0, 0, 255, 0, 0, 0);
    expect(inside(ip(10, 1, 2, 3), net10)).toBe(true);
    expect(inside(ip(11, 1, 2, 3), net10)).toBe(false);
    const v6 = ip(0xfd, 0, ...Array(14).fill(0), 0xff, 0xff, ...Array(14).fill(0));
    expect(inside(ip(0xfd, 0, ...Array(13).fill(0), 1), v6)).toBe(true);
    expect(inside(ip(0xfe, 0, ...Array(13).fill(0), 1), v6)).toBe(false);
    expect(inside(ip(10, 1, 2, 3), v6)).toBe(false);
  });

  it('excluded subtrees win over permitted ones, and apply whatever is permitted', () => {
    const c: NameConstraints = { permitted: [dns('example.com')], excluded: [dns('bad.example.com')] };
    expect(nameConstraintViolation([dns('www.example.com')], [c])).toBeUndefined();
    expect(nameConstraintViolation([dns('x.bad.example.com')], [c])).toMatch(/\S/);
    expect(excludedBy(dns('bad.example.com'), dns('bad.example.com'))).toBe(true);
    expect(excludedBy(dns('good.example.com'), dns('bad.example.com'))).toBe(false);
  });

  it('intersects the permitted subtrees of several CAs; types without constraints are free', () => {
    const upper: NameConstraints = { permitted: [dns('example.com')] };
    const lower: NameConstraints = { permitted: [dns('sub.example.com')] };
    expect(nameConstraintViolation([dns('a.sub.example.com')], [upper, lower])).toBeUndefined();
    expect(nameConstraintViolation([dns('a.example.com')], [upper, lower])).toMatch(/\S/);
    expect(nameConstraintViolation([mail('x@anywhere.test')], [upper, lower])).toBeUndefined();
    // Every name counts: one outside is enough.
    expect(nameConstraintViolation([dns('a.sub.example.com'), dns('evil.test')], [upper])).toMatch(/\S/);
  });

  it('fails closed for a name of a type it cannot compare when that type is constrained', () => {
    const other: CheckedName = { type: 'other', tag: 0 };
    expect(nameConstraintViolation([other], [{ permitted: [{ type: 'other', tag: 0 }] }])).toMatch(/\S/);
    expect(nameConstraintViolation([other], [{ excluded: [{ type: 'other', tag: 0 }] }])).toMatch(/\S/);
    expect(nameConstraintViolation([other], [{ permitted: [dns('example.com')] }])).toBeUndefined();
  });
});

describe('nameConstraintsOf', () => {
  const ia5 = (tag: number, text: string) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: new TextEncoder().encode(text) });
  const ipName = (bytes: number[]) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 7 }, valueHex: new Uint8Array(bytes) });
  const subtree = (base: asn1js.AsnType, extra: asn1js.AsnType[] = []) => new asn1js.Sequence({ value: [base, ...extra] });
  const list = (tag: number, items: asn1js.AsnType[]) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: tag }, value: items });
  const certWith = (value: asn1js.AsnType | Uint8Array) => {
    const cert = new pkijs.Certificate();
    const der = value instanceof Uint8Array ? value : new Uint8Array(value.toBER());
    cert.extensions = [new pkijs.Extension({ extnID: '2.5.29.30', critical: true, extnValue: der.slice().buffer })];
    return cert;
  };

  it('reads permitted and excluded subtrees', () => {
    const c = nameConstraintsOf(certWith(new asn1js.Sequence({ value: [list(0, [subtree(ia5(2, 'example.com'))]), list(1, [subtree(ipName([10, 0, 0, 0, 255, 0, 0, 0]))])] })));
    expect(c).toEqual({ permitted: [dns('example.com')], excluded: [ip(10, 0, 0, 0, 255, 0, 0, 0)] });
    expect(nameConstraintsOf(new pkijs.Certificate())).toBeUndefined();
  });

  it.each([
    ['not DER', new Uint8Array([0x30, 0x05, 0x01])],
    ['an empty extension', new asn1js.Sequence({ value: [] })],
    ['an empty subtree list', new asn1js.Sequence({ value: [list(0, [])] })],
    ['a minimum (RFC 5280 says it MUST be absent in DER, being 0)', new asn1js.Sequence({ value: [list(0, [subtree(ia5(2, 'example.com'), [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 1 })] })])])] })],
    ['a maximum', new asn1js.Sequence({ value: [list(0, [subtree(ia5(2, 'example.com'), [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.Integer({ value: 3 })] })])])] })],
    ['an IP subtree of the wrong length', new asn1js.Sequence({ value: [list(0, [subtree(ipName([10, 0, 0, 0]))])] })],
    ['an IP mask that is not contiguous', new asn1js.Sequence({ value: [list(0, [subtree(ipName([10, 0, 0, 0, 255, 0, 255, 0]))])] })],
    ['a dNSName that is not ASCII', new asn1js.Sequence({ value: [list(0, [subtree(ia5(2, 'exämple.com'))])] })],
    ['an unknown list tag', new asn1js.Sequence({ value: [list(2, [subtree(ia5(2, 'example.com'))])] })],
  ])('refuses %s with a reason', (_, value) => {
    expect(typeof nameConstraintsOf(certWith(value))).toBe('string');
  });
});
