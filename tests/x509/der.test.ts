// Strict DER (X.690 section 10): each rule of isStrictDer broken in turn, and the strict Ecdsa-Sig-Value reader.
import { describe, expect, it } from 'vitest';
import { ecdsaSignatureToRaw, isStrictDer } from '../../src/x509/der.js';

const b = (...bytes: number[]) => new Uint8Array(bytes);
const int = (...content: number[]) => [0x02, content.length, ...content];
const seq = (...content: number[]) => [0x30, content.length, ...content];

describe('isStrictDer', () => {
  it.each([
    ['indefinite length', b(0x30, 0x80, ...int(1), 0x00, 0x00)],
    ['long-form length where the short one fits', b(0x02, 0x81, 0x01, 0x05)],
    ['long-form length with a leading zero octet', b(0x04, 0x82, 0x00, 0x80, ...new Array(0x80).fill(0))],
    ['length beyond the bytes', b(0x04, 0x05, 0x01)],
    ['trailing bytes', b(...int(5), 0x00)],
    ['SEQUENCE with the constructed bit cleared', b(0x10, 0x03, ...int(5))],
    ['SET with the constructed bit cleared', b(0x11, 0x03, ...int(5))],
    ['INTEGER with the constructed bit set', b(0x22, 0x03, ...int(5))],
    ['OCTET STRING in constructed form', b(0x24, 0x03, 0x04, 0x01, 0xaa)],
    ['INTEGER with a leading 0x00 not needed', b(...int(0x00, 0x05))],
    ['INTEGER with a leading 0xff not needed', b(...int(0xff, 0x80))],
    ['empty INTEGER', b(0x02, 0x00)],
    ['ENUMERATED with a leading 0x00 not needed', b(0x0a, 0x02, 0x00, 0x01)],
    ['BOOLEAN other than 0x00 or 0xff', b(0x01, 0x01, 0x01)],
    ['NULL with content', b(0x05, 0x01, 0x00)],
    ['BIT STRING with 8 unused bits', b(0x03, 0x02, 0x08, 0x00)],
    ['BIT STRING with non-zero padding bits', b(0x03, 0x02, 0x01, 0x01)],
    ['empty BIT STRING with unused bits', b(0x03, 0x01, 0x03)],
    ['high-tag form for a low tag number', b(0x9f, 0x05, 0x00)],
    ['end-of-contents as a value', b(0x00, 0x00)],
    ['a bad value nested deep inside', b(...seq(...seq(...int(0x00, 0x01))))],
    ['nothing', b()],
  ])('refuses %s', (_, bytes) => {
    expect(isStrictDer(bytes)).toBe(false);
  });

  it.each([
    ['a minimal INTEGER', b(...int(0x05))],
    ['an INTEGER whose leading zero is needed', b(...int(0x00, 0x80))],
    ['a negative INTEGER', b(...int(0xff, 0x7f))],
    ['a SEQUENCE of INTEGERs', b(...seq(...int(1), ...int(2)))],
    ['a long-form length over 127', b(0x04, 0x81, 0x80, ...new Array(0x80).fill(0))],
    ['BOOLEAN true', b(0x01, 0x01, 0xff)],
    ['NULL', b(0x05, 0x00)],
    ['a BIT STRING with zero padding', b(0x03, 0x02, 0x04, 0xf0)],
    ['a context-specific constructed tag', b(0xa0, 0x03, ...int(2))],
    ['a context-specific primitive tag', b(0x80, 0x01, 0xff)],
    ['an OCTET STRING whose content is no DER (it is not descended into)', b(0x04, 0x02, 0x02, 0x00)],
  ])('accepts %s', (_, bytes) => {
    expect(isStrictDer(bytes)).toBe(true);
  });
});

describe('ecdsaSignatureToRaw', () => {
  const r = [0x01, ...new Array(31).fill(0x11)];
  const high = [0x00, 0x80, ...new Array(31).fill(0x22)];

  it('reads r and s, padded to the curve size', () => {
    const raw = ecdsaSignatureToRaw(b(...seq(...int(...r), ...int(0x05))), 32)!;
    expect(raw).toHaveLength(64);
    expect([...raw.subarray(0, 32)]).toEqual(r);
    expect([...raw.subarray(32)]).toEqual([...new Array(31).fill(0), 0x05]);
    expect([...ecdsaSignatureToRaw(b(...seq(...int(...high), ...int(...high))), 32)!.subarray(0, 32)]).toEqual(high.slice(1));
  });

  it.each([
    ['r as ENUMERATED', b(...seq(0x0a, r.length, ...r, ...int(0x05)))],
    ['s as ENUMERATED', b(...seq(...int(...r), 0x0a, 0x01, 0x05))],
    ['the SEQUENCE with its constructed bit cleared', b(0x10, 2 + r.length + 3, ...int(...r), ...int(0x05))],
    ['a SET instead of a SEQUENCE', b(0x31, 2 + r.length + 3, ...int(...r), ...int(0x05))],
    ['a leading zero added to r', b(...seq(...int(0x00, ...r), ...int(0x05)))],
    ['a leading zero added to s', b(...seq(...int(...r), ...int(0x00, 0x05)))],
    ['the needed leading zero of s removed (s negative)', b(...seq(...int(...r), ...int(...high.slice(1))))],
    ['the needed leading zero of s replaced by 0xff', b(...seq(...int(...r), ...int(0xff, ...high.slice(1))))],
    ['s zero', b(...seq(...int(...r), ...int(0x00)))],
    ['r wider than the curve', b(...seq(...int(0x01, ...r), ...int(0x05)))],
    ['a long-form length on r', b(...seq(0x02, 0x81, r.length, ...r, ...int(0x05)))],
    ['an indefinite SEQUENCE', b(0x30, 0x80, ...int(...r), ...int(0x05), 0x00, 0x00)],
    ['a third INTEGER', b(...seq(...int(...r), ...int(0x05), ...int(0x05)))],
    ['trailing bytes', b(...seq(...int(...r), ...int(0x05)), 0x00)],
    ['one INTEGER only', b(...seq(...int(...r)))],
  ])('refuses %s', (_, bytes) => {
    expect(ecdsaSignatureToRaw(bytes, 32)).toBeUndefined();
  });
});
