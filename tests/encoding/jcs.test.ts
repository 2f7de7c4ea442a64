import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, canonicalizeToBytes, serializeNumber } from '../../src/encoding/jcs.js';
import { parseJson } from '../../src/encoding/strict-json.js';
import { expectCode } from './helpers.js';

// Any Unicode in strings and keys. fc.jsonValue() can produce -0, which JCS writes as 0 (RFC 8785
// section 3.2.2.3), so round-trip properties leave it out.
const anyJson = fc.jsonValue({ stringUnit: 'grapheme' });
const jsonValue = anyJson.filter((v) => !hasNegativeZero(v));

function hasNegativeZero(v: unknown): boolean {
  if (Object.is(v, -0)) return true;
  if (Array.isArray(v)) return v.some(hasNegativeZero);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNegativeZero);
  return false;
}

function nest(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('canonicalize (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+FB33 sorts before U+1F602 by code point, after it by UTF-16 code unit (0xD83D < 0xFB33).
    expect(canonicalize({ '\u{fb33}': 1, '\u{1f602}': 2, b: 3, B: 4, '\u00e9': 5, '': 6 })).toBe(
      '{"":6,"B":4,"b":3,"\u00e9":5,"\u{1f602}":2,"\u{fb33}":1}',
    );
  });

  it('writes no whitespace and nests arrays and objects', () => {
    expect(canonicalize({ b: [1, { d: null, c: true }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":true,"d":null}]}');
    expect(canonicalize([])).toBe('[]');
    expect(canonicalize({})).toBe('{}');
  });

  it('escapes strings as section 3.2.2.2 says', () => {
    expect(canonicalize('\b\t\n\f\r"\\/\u0000\u001f\u007f\u2028é😂')).toBe(
      '"\\b\\t\\n\\f\\r\\"\\\\/\\u0000\\u001f\u007f\u2028é😂"',
    );
  });

  it('serialises numbers as ECMAScript does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-1.5, '-1.5'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [1e-6, '0.000001'],
      [1e-7, '1e-7'],
      [333333333.33333329, '333333333.3333333'],
      [Number.MAX_SAFE_INTEGER + 1, '9007199254740992'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [Number.MIN_VALUE, '5e-324'],
    ];
    for (const [n, s] of cases) {
      expect(serializeNumber(n)).toBe(s);
      expect(canonicalize([n])).toBe(`[${s}]`);
    }
  });

  it('encodes UTF-8 bytes', () => {
    expect(canonicalizeToBytes({ é: '😂' })).toEqual(new Uint8Array([
      0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x82, 0x22, 0x7d,
    ]));
  });

  it('accepts null-prototype objects and shared (non-cyclic) references', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.b = 1;
    o.a = 2;
    const shared = { x: 1 };
    expect(canonicalize(o)).toBe('{"a":2,"b":1}');
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('keeps an own __proto__ key', () => {
    const o = {};
    Object.defineProperty(o, '__proto__', { value: 1, enumerable: true, configurable: true, writable: true });
    expect(canonicalize(o)).toBe('{"__proto__":1}');
  });

  describe('rejects values with no JSON form: ERR_JCS_UNSUPPORTED_VALUE', () => {
    class Thing {
      a = 1;
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    const cases: [string, unknown][] = [
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', [-Infinity]],
      ['undefined', undefined],
      ['an undefined property', { a: undefined }],
      ['an array hole', [1, , 2]],
      ['a function', { f: () => 1 }],
      ['a symbol', Symbol('s')],
      ['a symbol key', { [Symbol('k')]: 1 }],
      ['a bigint', { n: 1n }],
      ['a Date', new Date(0)],
      ['a Map', new Map()],
      ['a Set', new Set()],
      ['a Uint8Array', new Uint8Array(1)],
      ['a class instance', new Thing()],
      ['a boxed string', Object('x')],
      ['a cycle', cyclic],
      ['an array cycle', (() => { const a: unknown[] = []; a.push(a); return a; })()],
    ];
    it.each(cases)('%s', (_name, value) => {
      expectCode(() => canonicalize(value), 'ERR_JCS_UNSUPPORTED_VALUE');
    });
    it('serializeNumber rejects non-finite numbers', () => {
      expectCode(() => serializeNumber(NaN), 'ERR_JCS_UNSUPPORTED_VALUE');
    });
  });

  it('rejects lone surrogates in strings and keys: ERR_JSON_LONE_SURROGATE', () => {
    for (const value of ['\ud800', 'a\udc00', '\ude00\ud83d', { '\ud83d': 1 }, ['ok', { k: 'x\udfff' }]]) {
      expectCode(() => canonicalize(value), 'ERR_JSON_LONE_SURROGATE');
    }
    expect(canonicalize('\ud83d\ude00')).toBe('"😀"');
  });

  it('limits depth without a stack overflow: ERR_JSON_TOO_DEEP', () => {
    expect(canonicalize(nest(64))).toBe(`${'['.repeat(64)}0${']'.repeat(64)}`);
    expectCode(() => canonicalize(nest(65)), 'ERR_JSON_TOO_DEEP');
    expectCode(() => canonicalize(nest(100_000)), 'ERR_JSON_TOO_DEEP');
    expect(canonicalize(nest(3), { maxDepth: 3 })).toBe('[[[0]]]');
    expectCode(() => canonicalize(nest(4), { maxDepth: 3 }), 'ERR_JSON_TOO_DEEP');
    expect(() => canonicalize(1, { maxDepth: 0 })).toThrow(RangeError);
    expect(() => canonicalize(1, { maxDepth: 5000 })).toThrow(RangeError);
  });

  describe('properties', () => {
    it('parseJson(canonicalize(x)) deep-equals x', () => {
      fc.assert(
        fc.property(jsonValue, (v) => {
          expect(parseJson(canonicalize(v))).toEqual(v);
        }),
      );
    });

    it('is idempotent over parsing', () => {
      fc.assert(
        fc.property(anyJson, (v) => {
          const once = canonicalize(v);
          expect(canonicalize(parseJson(once))).toBe(once);
        }),
      );
    });

    it('agrees with JSON.parse on its own output', () => {
      fc.assert(
        fc.property(jsonValue, (v) => {
          expect(canonicalize(JSON.parse(canonicalize(v)))).toBe(canonicalize(v));
        }),
      );
    });

    it('does not depend on key insertion order', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), anyJson), fc.integer(), (dict, seed) => {
          const entries = Object.entries(dict);
          // A seeded rotation and reversal gives a different insertion order with the same contents.
          const k = entries.length === 0 ? 0 : Math.abs(seed) % entries.length;
          const reordered = [...entries.slice(k), ...entries.slice(0, k)].reverse();
          const a = Object.create(null) as Record<string, unknown>;
          for (const [key, value] of reordered) a[key] = value;
          expect(canonicalize(a)).toBe(canonicalize(dict));
        }),
      );
    });

    it('escapes every string so that JSON.parse gives it back', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), (s) => {
          expect(JSON.parse(canonicalize(s))).toBe(s);
        }),
      );
    });
  });
});
