import { describe, expect, it } from 'vitest';
import { decodeDeterministicCbor } from '../../src/encoding/cbor/decode.js';
import { encodeDeterministicCbor } from '../../src/encoding/cbor/encode.js';
import type { ErrorCode } from '../../src/errors.js';
import { toHex } from '../../src/internal/bytes.js';
import { expectCode } from './helpers.js';

// RFC 8949 Appendix A, "Examples of Encoded CBOR Data Items", as published (value, hex).
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The examples inside the profile: each must encode to exactly these bytes and decode back to the value.
const IN_PROFILE: Array<[string, unknown]> = [
  ['00', 0],
  ['01', 1],
  ['0a', 10],
  ['17', 23],
  ['1818', 24],
  ['1819', 25],
  ['1864', 100],
  ['1903e8', 1000],
  ['1a000f4240', 1000000],
  ['1b000000e8d4a51000', 1000000000000],
  ['20', -1],
  ['29', -10],
  ['3863', -100],
  ['3903e7', -1000],
  ['f4', false],
  ['f5', true],
  ['f6', null],
  ['40', new Uint8Array()],
  ['4401020304', Uint8Array.of(1, 2, 3, 4)],
  ['60', ''],
  ['6161', 'a'],
  ['6449455446', 'IETF'],
  ['62225c', '"\\'],
  ['62c3bc', '\u00fc'],
  ['63e6b0b4', '\u6c34'],
  ['64f0908591', '\ud800\udd51'],
  ['80', []],
  ['83010203', [1, 2, 3]],
  ['8301820203820405', [1, [2, 3], [4, 5]]],
  ['98190102030405060708090a0b0c0d0e0f101112131415161718181819', range(1, 25)],
  ['a0', {}],
  ['a26161016162820203', { a: 1, b: [2, 3] }],
  ['826161a161626163', ['a', { b: 'c' }]],
  ['a56161614161626142616361436164614461656145', { a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }],
];

// The examples outside it, with the reason each is refused.
const OUT_OF_PROFILE: Array<[string, string, ErrorCode]> = [
  // integers beyond the safe-integer range, and bignums (tags 2 and 3)
  ['1bffffffffffffffff', '18446744073709551615', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['c249010000000000000000', '18446744073709551616', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['3bffffffffffffffff', '-18446744073709551616', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['c349010000000000000000', '-18446744073709551617', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  // floats of every width
  ['f90000', '0.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f98000', '-0.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f93c00', '1.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fb3ff199999999999a', '1.1', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f93e00', '1.5', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f97bff', '65504.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fa47c35000', '100000.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fa7f7fffff', '3.4028234663852886e+38', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fb7e37e43c8800759c', '1.0e+300', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f90001', '5.960464477539063e-8', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f90400', '0.00006103515625', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f9c400', '-4.0', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fbc010666666666666', '-4.1', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f97c00', 'Infinity', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f97e00', 'NaN', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f9fc00', '-Infinity', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fa7f800000', 'Infinity (single)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fa7fc00000', 'NaN (single)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['faff800000', '-Infinity (single)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fb7ff0000000000000', 'Infinity (double)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fb7ff8000000000000', 'NaN (double)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['fbfff0000000000000', '-Infinity (double)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  // undefined and the other simple values
  ['f7', 'undefined', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f0', 'simple(16)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['f8ff', 'simple(255)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  // tags
  ['c074323031332d30332d32315432303a30343a30305a', '0("2013-03-21T20:04:00Z")', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['c11a514b67b0', '1(1363896240)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['c1fb41d452d9ec200000', '1(1363896240.5)', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['d74401020304', "23(h'01020304')", 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['d818456449455446', "24(h'6449455446')", 'ERR_CBOR_UNSUPPORTED_VALUE'],
  ['d82076687474703a2f2f7777772e6578616d706c652e636f6d', '32("http://www.example.com")', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  // map keys that are not text strings
  ['a201020304', '{1: 2, 3: 4}', 'ERR_CBOR_UNSUPPORTED_VALUE'],
  // indefinite lengths
  ['5f42010243030405ff', "(_ h'0102', h'030405')", 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['7f657374726561646d696e67ff', '(_ "strea", "ming")', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['9fff', '[_ ]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['9f018202039f0405ffff', '[_ 1, [2, 3], [_ 4, 5]]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['9f01820203820405ff', '[_ 1, [2, 3], [4, 5]]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['83018202039f0405ff', '[1, [2, 3], [_ 4, 5]]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['83019f0203ff820405', '[1, [_ 2, 3], [4, 5]]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff', '[_ 1, ..., 25]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['bf61610161629f0203ffff', '{_ "a": 1, "b": [_ 2, 3]}', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['826161bf61626163ff', '["a", {_ "b": "c"}]', 'ERR_CBOR_NOT_DETERMINISTIC'],
  ['bf6346756ef563416d7421ff', '{_ "Fun": true, "Amt": -2}', 'ERR_CBOR_NOT_DETERMINISTIC'],
];

describe('RFC 8949 Appendix A examples', () => {
  it.each(OUT_OF_PROFILE)('refuses %s (%s) with %s', (hex, _diagnostic, code) => {
    expectCode(() => decodeDeterministicCbor(fromHex(hex)), code);
  });

  it.each(IN_PROFILE.map(([hex, value]) => [hex, value] as const))('encodes to %s', (hex, value) => {
    expect(toHex(encodeDeterministicCbor(value as never))).toBe(hex);
  });

  it.each(IN_PROFILE.map(([hex, value]) => [hex, value] as const))('decodes %s', (hex, value) => {
    expect(decodeDeterministicCbor(fromHex(hex))).toEqual(value);
  });
});
