import { encode as oracleEncode, rfc8949EncodeOptions } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CborValue } from '../../src/encoding/cbor/cbor-value.js';
import { decodeDeterministicCbor } from '../../src/encoding/cbor/decode.js';
import { encodeDeterministicCbor } from '../../src/encoding/cbor/encode.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { toHex } from '../../src/internal/bytes.js';
import { nonCanonicalVariants } from './cbor-variants.js';
import { expectCode } from './helpers.js';

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const decodeHex = (hex: string) => decodeDeterministicCbor(fromHex(hex));

// Values of the profile, with the edges of every head width among the integers and lengths.
const edgeInteger = fc.constantFrom(
  0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER,
  -1, -24, -25, -256, -257, -65536, -65537, -(2 ** 32), -(2 ** 32) - 1, -Number.MAX_SAFE_INTEGER,
);
const integer = fc.oneof(fc.maxSafeInteger(), edgeInteger, fc.integer({ min: -300, max: 300 }));
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 20, maxLength: 300 }));
const { value: profileValue } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    integer,
    text,
    fc.uint8Array({ maxLength: 300 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 30 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'b', 'aa', '__proto__', '1', '10', '\u00e9')), tie('value'), { maxKeys: 30 }),
  ),
}));

describe('encodeDeterministicCbor refuses what the profile has no form for', () => {
  const cases: Array<[string, unknown]> = [
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
    ['a negative unsafe integer', -(2 ** 53)],
    ['a bigint', 1n],
    ['undefined', undefined],
    ['undefined as a property', { a: undefined }],
    ['an array hole', [1, , 2]],
    ['a lone surrogate in a string', 'a\ud800'],
    ['a lone surrogate in a key', { '\udc00': 1 }],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a symbol key', { [Symbol('k')]: 1 }],
    ['a Map', new Map([['a', 1]])],
    ['a Date', new Date(0)],
    ['a class instance', new (class Point {})()],
    ['an Int8Array', new Int8Array(2)],
    ['an ArrayBuffer', new ArrayBuffer(2)],
    ['a DataView', new DataView(new ArrayBuffer(2))],
    ['a nested float', { a: [1, { b: 0.1 }] }],
  ];
  it.each(cases)('%s', (_what, value) => {
    expectCode(() => encodeDeterministicCbor(value as CborValue), 'ERR_CBOR_UNSUPPORTED_VALUE');
  });

  it('a cycle', () => {
    const a: unknown[] = [];
    a.push(a);
    expectCode(() => encodeDeterministicCbor(a as CborValue), 'ERR_CBOR_UNSUPPORTED_VALUE');
  });

  it('nesting past maxDepth, and the output past maxBytes', () => {
    expectCode(() => encodeDeterministicCbor([[[1]]], { maxDepth: 2 }), 'ERR_LIMIT_EXCEEDED');
    expectCode(() => encodeDeterministicCbor({ a: { b: {} } }, { maxDepth: 2 }), 'ERR_LIMIT_EXCEEDED');
    expect(toHex(encodeDeterministicCbor([[1]], { maxDepth: 2 }))).toBe('818101');
    expectCode(() => encodeDeterministicCbor(new Uint8Array(10), { maxBytes: 10 }), 'ERR_LIMIT_EXCEEDED');
    expect(encodeDeterministicCbor(new Uint8Array(10), { maxBytes: 11 })).toHaveLength(11);
  });

  it('limits out of range are caller misuse', () => {
    for (const limits of [{ maxDepth: 0 }, { maxDepth: 1025 }, { maxBytes: 0 }, { maxBytes: 1.5 }]) {
      expect(() => encodeDeterministicCbor(1, limits)).toThrow(RangeError);
      expect(() => decodeDeterministicCbor(Uint8Array.of(1), limits)).toThrow(RangeError);
    }
  });
});

describe('decodeDeterministicCbor refuses what is not one well-formed item', () => {
  const malformed: Array<[string, string]> = [
    ['empty input', ''],
    ['a stray break', 'ff'],
    ['a break inside a definite array', '81ff'],
    ['a two-byte simple value below 32', 'f814'],
    ['a truncated two-byte simple value', 'f8'],
    ['a truncated float', 'fb0000'],
    ['indefinite length on an unsigned integer', '1f'],
    ['indefinite length on a negative integer', '3f'],
    ['indefinite length on a tag', 'df'],
    ['a truncated head', '1900'],
    ['a string longer than the input', '6461'],
    ['a byte string with a 64-bit length', '5b000000010000000000'],
    ['an array count beyond the input (no allocation)', '9affffffff00'],
    ['a map count beyond the input', 'a20000'],
    ['invalid UTF-8: a lone continuation byte', '6180'],
    ['invalid UTF-8: an overlong encoding', '62c0af'],
    ['invalid UTF-8: an encoded surrogate', '63eda080'],
    ['invalid UTF-8: beyond U+10FFFF', '64f4908080'],
    ['invalid UTF-8: a truncated sequence', '62e282'],
    ['invalid UTF-8 in a key', 'a16180' + '01'],
    ['a trailing byte', '0000'],
    ['two items', '8080'],
  ];
  for (let info = 28; info <= 30; info++) {
    for (let major = 0; major < 8; major++) {
      malformed.push([`reserved additional information ${info} on major type ${major}`, toHex(Uint8Array.of((major << 5) | info))]);
    }
  }
  it.each(malformed)('%s (%s)', (_what, hex) => {
    expectCode(() => decodeHex(hex), 'ERR_CBOR_MALFORMED');
  });

  it('refuses input past maxBytes before reading it, and nesting past maxDepth', () => {
    expectCode(() => decodeDeterministicCbor(new Uint8Array(11), { maxBytes: 10 }), 'ERR_LIMIT_EXCEEDED');
    expect(decodeDeterministicCbor(fromHex('480000000000000000'), { maxBytes: 9 })).toHaveLength(8);
    expectCode(() => decodeDeterministicCbor(fromHex('81818101'), { maxDepth: 2 }), 'ERR_LIMIT_EXCEEDED');
    expectCode(() => decodeDeterministicCbor(fromHex('81a0'), { maxDepth: 1 }), 'ERR_LIMIT_EXCEEDED');
    expect(decodeDeterministicCbor(fromHex('818101'), { maxDepth: 2 })).toEqual([[1]]);
    // The default is 64 levels.
    expectCode(() => decodeHex('81'.repeat(65) + '01'), 'ERR_LIMIT_EXCEEDED');
    expect(decodeHex('81'.repeat(64) + '01')).toBeDefined();
  });
});

describe('decodeDeterministicCbor refuses every other encoding of a value', () => {
  const notDeterministic: Array<[string, string]> = [
    ['0 in a one-byte head', '1800'],
    ['23 in a one-byte head', '1817'],
    ['255 in a two-byte head', '1900ff'],
    ['65535 in a four-byte head', '1a0000ffff'],
    ['2^32-1 in an eight-byte head', '1b00000000ffffffff'],
    ['-1 in a one-byte head', '3800'],
    ['a string length in a longer head', '780161'],
    ['a byte-string length in a longer head', '59000101'],
    ['an array count in a longer head', '9800'],
    ['a map count in a longer head', 'b800'],
    ['an indefinite byte string', '5fff'],
    ['an indefinite text string', '7fff'],
    ['an indefinite array', '9f01ff'],
    ['an indefinite map', 'bfff'],
    ['keys in length-first order violated ("aa" before "b")', 'a262616101616202'],
    ['keys out of bytewise order ("b" before "a")', 'a2616201616101'],
    ['a repeated key', 'a2616101616102'],
    ['a repeated key with another value type', 'a261610161618101'],
    ['a nested map out of order', '81a2616201616101'],
  ];
  it.each(notDeterministic)('%s (%s)', (_what, hex) => {
    expectCode(() => decodeHex(hex), 'ERR_CBOR_NOT_DETERMINISTIC');
  });

  it('RFC 8949 section 4.2.1 orders keys by their encoded bytes, not by the text (section 4.2.3 length-first)', () => {
    // "b" (61 62) sorts before "aa" (62 61 61): the length in the head comes first.
    expect(toHex(encodeDeterministicCbor({ aa: 1, b: 2 }))).toBe('a261620262616101');
    expect(decodeHex('a261620262616101')).toEqual({ b: 2, aa: 1 });
    // Integer-like keys, which JS objects list first, sort by bytes like any other ("10" after "9").
    expect(toHex(encodeDeterministicCbor({ '10': 0, '9': 0, a: 0 }))).toBe('a361390061610062313000');
  });

  it('generated variants: every head widened, every length indefinite, entries swapped or repeated, floats, truncations', () => {
    const sample = { bytes: Uint8Array.of(1, 2), list: [0, 24, -25, 'x'.repeat(24)], nested: { a: null, b: true } };
    const variants = nonCanonicalVariants(encodeDeterministicCbor(sample));
    expect(variants.length).toBeGreaterThan(60);
    for (const variant of variants) {
      let code: unknown;
      try {
        decodeDeterministicCbor(variant.bytes);
      } catch (error) {
        code = isEvidenceBundleError(error) ? error.code : error;
      }
      expect(code, variant.what).toBe(variant.code);
    }
  });
});

describe('deterministic encoding, proved against an independent encoder', () => {
  it('gives the bytes of cborg with its RFC 8949 options', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        expect(toHex(encodeDeterministicCbor(value))).toBe(toHex(oracleEncode(value, rfc8949EncodeOptions)));
      }),
      { numRuns: 500 },
    );
  });

  it('decode(encode(x)) deep-equals x, and encodes to the same bytes again', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        const bytes = encodeDeterministicCbor(value);
        const decoded = decodeDeterministicCbor(bytes);
        expect(decoded).toEqual(value);
        expect(encodeDeterministicCbor(decoded)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every non-canonical variant of a random value with its code', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        for (const variant of nonCanonicalVariants(encodeDeterministicCbor(value))) {
          let code: unknown;
          try {
            decodeDeterministicCbor(variant.bytes);
          } catch (error) {
            code = isEvidenceBundleError(error) ? error.code : error;
          }
          expect(code, variant.what).toBe(variant.code);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('encodes a value independently of the order its keys were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), integer), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(encodeDeterministicCbor(reversed)).toEqual(encodeDeterministicCbor(dict));
      }),
    );
  });
});

describe('decoded values', () => {
  it('are plain Uint8Array copies, even from a Node Buffer', () => {
    const input = Buffer.from('a1616142abcd', 'hex');
    const decoded = decodeDeterministicCbor(input) as { a: Uint8Array };
    expect(Object.getPrototypeOf(decoded.a)).toBe(Uint8Array.prototype);
    input[4] = 0;
    expect(toHex(decoded.a)).toBe('abcd');
  });

  it('keep "__proto__" as an own key, never as a prototype', () => {
    const decoded = decodeHex('a1695f5f70726f746f5f5fa0') as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(toHex(encodeDeterministicCbor(decoded as CborValue))).toBe('a1695f5f70726f746f5f5fa0');
  });

  it('keep a leading byte order mark in a text string', () => {
    expect(decodeHex('63efbbbf')).toBe('\ufeff');
  });

  it('map -0 to 0', () => {
    expect(toHex(encodeDeterministicCbor(-0))).toBe('00');
  });
});
