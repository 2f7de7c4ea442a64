import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastestOf, timed } from '../helpers/cost.js';
import { canonicalize, canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { countJsonValues } from '../../src/encoding/json-common.js';
import { parseCanonicalJson, parseJson } from '../../src/encoding/strict-json.js';
import { expectCode } from './helpers.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseJson (strict RFC 8259)', () => {
  it('parses every kind of value, from a string or from bytes', () => {
    const text = ' {"a" : [1, -2.5e+3, 0.125, 1E2, true, false, null, "x\\u00e9\\n"], "b": {}, "c": []}\n';
    const expected = { a: [1, -2500, 0.125, 100, true, false, null, 'xé\n'], b: {}, c: [] };
    expect(parseJson(text)).toEqual(expected);
    expect(parseJson(bytes(text))).toEqual(expected);
    expect(parseJson('"top"')).toBe('top');
    expect(parseJson('0')).toBe(0);
    expect(parseJson('-0')).toBe(-0);
    expect(parseJson('"\\ud83d\\ude00"')).toBe('😀');
    expect(parseJson('"\\/\\b\\f\\r\\t\\"\\\\"')).toBe('/\b\f\r\t"\\');
  });

  it('gives plain objects with own properties', () => {
    const value = parseJson('{"toString": 1, "constructor": 2, "hasOwnProperty": 3}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['toString', 'constructor', 'hasOwnProperty']);
  });

  it('makes __proto__ an own data property and never changes a prototype', () => {
    const value = parseJson('{"__proto__": {"polluted": true}, "a": {"__proto__": [1]}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toEqual({
      value: { polluted: true },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const inner = value.a as object;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Array.isArray(inner)).toBe(false);
    expect(canonicalize(value)).toBe('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}');
    expectCode(() => parseJson('{"__proto__": 1, "__proto__": 2}'), 'ERR_JSON_DUPLICATE_KEY');
  });

  describe('rejects syntax errors: ERR_JSON_SYNTAX', () => {
    const cases = [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{,}',
      '[,1]',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '[1 2]',
      '01',
      '-',
      '-01',
      '1.',
      '.5',
      '1e',
      '1e+',
      '+1',
      '0x10',
      'NaN',
      'Infinity',
      '1e400',
      '-1e400',
      'tru',
      'nul',
      'True',
      '"abc',
      '"\\x41"',
      '"\\u12"',
      '"\\u12G4"',
      '"\\U0041"',
      '"a\tb"',
      '"a\nb"',
      '"\u0000"',
      '[1]]',
      '{} {}',
      '1 2',
      '[1]x',
      '\u00a0[]',
      '[]\u000b',
      '[]\u0000',
      '// comment\n1',
      '\ufeff{}',
    ];
    it.each(cases.map((c) => [JSON.stringify(c), c]))('%s', (_name, text) => {
      expectCode(() => parseJson(text), 'ERR_JSON_SYNTAX');
    });

    it('rejects a UTF-8 byte order mark', () => {
      expectCode(() => parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), 'ERR_JSON_SYNTAX');
    });

    it('reports line and column', () => {
      expect(expectCode(() => parseJson('{\n  "a": tru\n}'), 'ERR_JSON_SYNTAX').message).toMatch(/line 2, column 8/);
    });
  });

  it('rejects duplicate keys and names their path: ERR_JSON_DUPLICATE_KEY', () => {
    expectCode(() => parseJson('{"a":1,"a":1}'), 'ERR_JSON_DUPLICATE_KEY');
    // Equal after escape decoding is equal.
    expectCode(() => parseJson('{"a":1,"\\u0061":2}'), 'ERR_JSON_DUPLICATE_KEY');
    const error = expectCode(() => parseJson('{"x":[{"ok":1},{"k/~":1,"k/~":2}]}'), 'ERR_JSON_DUPLICATE_KEY');
    expect(error.message).toContain('"/x/1/k~1~0"');
    // Same key in different objects is fine.
    expect(parseJson('{"a":{"a":1},"b":{"a":2}}')).toEqual({ a: { a: 1 }, b: { a: 2 } });
    // Keys in increasing order need no lookup; the first key out of order starts them, for every key after it.
    expectCode(() => parseJson('{"a":1,"b":2,"a":3}'), 'ERR_JSON_DUPLICATE_KEY');
    expectCode(() => parseJson('{"b":1,"a":2,"c":3,"b":4}'), 'ERR_JSON_DUPLICATE_KEY');
    expectCode(() => parseJson('{"a":1,"b":2,"c":3,"c":4}'), 'ERR_JSON_DUPLICATE_KEY');
    // The same through the canonical parse of bytes (a signed manifest's): a repeat is refused as a repeat, not
    // only as out of order, however long the increasing run before it.
    for (const text of ['{"a":1,"a":1}', '{"a":1,"b":2,"b":2}', `{${Array.from({ length: 300 }, (_, i) => `"k${String(i).padStart(3, '0')}":0`).join(',')},"k299":0}`, '{"x":{"a":1,"b":{},"b":{}}}']) {
      expectCode(() => parseCanonicalJson(bytes(text)), 'ERR_JSON_DUPLICATE_KEY');
    }
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'B', 'é', '\u00e9', 'z', '__proto__'), { maxLength: 8 }), (keys) => {
        const text = `{${keys.map((k, i) => `"${k}":${i}`).join(',')}}`;
        const repeated = new Set(keys.map((k) => JSON.parse(`"${k}"`))).size !== keys.length;
        if (repeated) expectCode(() => parseJson(text), 'ERR_JSON_DUPLICATE_KEY');
        else expect(Object.keys(parseJson(text) as object)).toHaveLength(keys.length);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects lone surrogates, raw or escaped: ERR_JSON_LONE_SURROGATE', () => {
    const escaped = ['"\\uD800"', '"\\udc00"', '"\\ud83d\\u0041"', '"\\ude00\\ud83d"', '{"\\ud800":1}'];
    // Raw ones can only come in a JS string: UTF-8 bytes cannot encode a surrogate.
    const raw = ['"\ud800"', '["a\udc00b"]', '{"\udc00":1}'];
    for (const text of [...escaped, ...raw]) expectCode(() => parseJson(text), 'ERR_JSON_LONE_SURROGATE');
  });

  it('rejects invalid UTF-8: ERR_JSON_INVALID_UTF8', () => {
    const cases = [
      [0x22, 0xff, 0x22],
      [0x22, 0xc3, 0x22],
      [0x22, 0xc0, 0xaf, 0x22], // overlong '/'
      [0x22, 0xed, 0xa0, 0x80, 0x22], // an encoded surrogate (CESU-8)
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], // beyond U+10FFFF
    ];
    for (const input of cases) expectCode(() => parseJson(new Uint8Array(input)), 'ERR_JSON_INVALID_UTF8');
  });

  it('limits nesting without a stack overflow: ERR_JSON_TOO_DEEP', () => {
    expect(parseJson(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeInstanceOf(Array);
    expectCode(() => parseJson(`${'['.repeat(65)}${']'.repeat(65)}`), 'ERR_JSON_TOO_DEEP');
    expectCode(() => parseJson(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`), 'ERR_JSON_TOO_DEEP');
    expectCode(() => parseJson('['.repeat(1_000_000)), 'ERR_JSON_TOO_DEEP');
    expect(parseJson('[[1]]', { maxDepth: 2 })).toEqual([[1]]);
    expectCode(() => parseJson('[[[1]]]', { maxDepth: 2 }), 'ERR_JSON_TOO_DEEP');
    expect(() => parseJson('1', { maxDepth: 0 })).toThrow(RangeError);
    expect(() => parseJson('1', { maxDepth: 1.5 })).toThrow(RangeError);
  });

  it('limits input size in UTF-8 bytes: ERR_JSON_TOO_LARGE', () => {
    expectCode(() => parseJson(new Uint8Array(17 * 1024 * 1024).fill(0x20)), 'ERR_JSON_TOO_LARGE');
    expect(parseJson('"aé"', { maxBytes: 5 })).toBe('aé');
    expectCode(() => parseJson('"aé"', { maxBytes: 4 }), 'ERR_JSON_TOO_LARGE');
    expectCode(() => parseJson(bytes('"aé"'), { maxBytes: 4 }), 'ERR_JSON_TOO_LARGE');
    expectCode(() => parseJson('"😀"', { maxBytes: 5 }), 'ERR_JSON_TOO_LARGE');
    expect(parseJson('"😀"', { maxBytes: 6 })).toBe('😀');
    expect(() => parseJson('1', { maxBytes: -1 })).toThrow(RangeError);
  });

  it('rejects other input types with a TypeError', () => {
    expect(() => parseJson(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseCanonicalJson('{}' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('agrees with JSON.parse on valid JSON without duplicate keys', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        expect(parseJson(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  // From bytes, a string of 13 characters or more is decoded again from its own bytes (found by counting the
  // UTF-8 length of the characters before it) rather than sliced from the text: any miscount shifts it.
  it('gives the same strings from bytes as from text, after characters of every UTF-8 length (property)', () => {
    const piece = fc.constantFrom('a', 'é', 'ấ', '😀', 'z'.repeat(13), '\\n', '\\u00e9', '\\ud83d\\ude00', '0123456789abcdef');
    const jsonString = fc.array(piece, { maxLength: 12 }).map((p) => `"${p.join('')}"`);
    fc.assert(
      fc.property(fc.array(fc.tuple(jsonString, jsonString), { maxLength: 8 }), (members) => {
        // The same member names in several objects, with the same values and with others (a repeated value is
        // held once, and only when it is the same).
        const object = (shift: number): string => `{${members.map(([k], i) => `${k.slice(0, -1)}#${i}":${members[(i + shift) % members.length]![1]}`).join(',')}}`;
        const text = `[${object(0)},${object(0)},${object(1)},${object(0)}]`;
        const fromText = parseJson(text);
        expect(parseJson(bytes(text))).toEqual(fromText);
        expect(fromText).toEqual(JSON.parse(text));
        const canonical = canonicalizeToBytes(fromText);
        expect(parseCanonicalJson(canonical)).toEqual(fromText);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses in linear time: 8 times the input costs about 8 times as much, not 64', async () => {
    const row = { id: 1234567, name: 'evidence item \u00e9 "quoted" \\ \n', tags: ['a', 'b', 'c'], size: 1.5e9, ok: true };
    const input = (scale: number): string => {
      const rows = Array.from({ length: 5_000 * scale }, (_, i) => ({ ...row, id: i, note: 'x'.repeat(i % 50) }));
      // One long string with many escapes too: the case where naive string building turns quadratic.
      return JSON.stringify({ rows, blob: 'ab\\"\n\u00e9'.repeat(20_000 * scale) });
    };
    const [small, large] = [input(1), input(8)];
    expect(large.length).toBeGreaterThan(5_000_000);
    expect(parseJson(large)).toEqual(JSON.parse(large));
    const ratio = (await fastestOf(3, () => timed(() => parseJson(large)))) / (await fastestOf(5, () => timed(() => parseJson(small))));
    expect(ratio).toBeLessThan(24);
  });
});

describe('parseCanonicalJson', () => {
  it('returns the value of canonical bytes', () => {
    expect(parseCanonicalJson(bytes('{"a":[1,"x"],"b":null}'))).toEqual({ a: [1, 'x'], b: null });
  });

  const notCanonical = [
    '{"b":1,"a":2}',
    '{"a": 1}',
    ' {}',
    '{}\n',
    '[1.0]',
    '[1E2]',
    '[-0]',
    '[1e21]',
    '["\\u0041"]',
    '["\\/"]',
    '["\\u001F"]',
    '[9007199254740993]',
  ];
  it.each(notCanonical)('rejects %s: ERR_JSON_NOT_CANONICAL', (text) => {
    expectCode(() => parseCanonicalJson(bytes(text)), 'ERR_JSON_NOT_CANONICAL');
  });

  it('reports parse errors with their own codes', () => {
    expectCode(() => parseCanonicalJson(bytes('{"a":1,"a":1}')), 'ERR_JSON_DUPLICATE_KEY');
    expectCode(() => parseCanonicalJson(bytes('{"a":')), 'ERR_JSON_SYNTAX');
    expectCode(() => parseCanonicalJson(new Uint8Array([0x22, 0xff, 0x22])), 'ERR_JSON_INVALID_UTF8');
    expectCode(() => parseCanonicalJson(bytes('[]'), { maxBytes: 1 }), 'ERR_JSON_TOO_LARGE');
  });

  it('accepts what canonicalizeToBytes writes, and rejects any one-byte change that still parses', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), fc.nat(), fc.integer({ min: 1, max: 255 }), (v, i, x) => {
        const canonical = canonicalizeToBytes(v);
        expect(canonicalizeToBytes(parseCanonicalJson(canonical))).toEqual(canonical);
        const changed = canonical.slice();
        const at = i % changed.length;
        changed[at] = changed[at]! ^ x;
        let value: unknown;
        try {
          value = parseCanonicalJson(changed);
        } catch {
          return;
        }
        // A change that is still canonical must mean a different value.
        expect(canonicalizeToBytes(value)).toEqual(changed);
        expect(changed).not.toEqual(canonical);
      }),
    );
  });
});

describe('maxValues (the memory bound of a parsed tree)', () => {
  // Every kind of short value a hostile document can repeat, and containers of them at several depths.
  const shapes: Array<[string, (n: number) => string, (n: number) => number]> = [
    ['numbers', (n) => `[${Array(n).fill('0').join(',')}]`, (n) => n + 1],
    ['empty strings', (n) => `[${Array(n).fill('""').join(',')}]`, (n) => n + 1],
    ['empty objects', (n) => `[${Array(n).fill('{}').join(',')}]`, (n) => n + 1],
    ['empty arrays', (n) => `[${Array(n).fill('[]').join(',')}]`, (n) => n + 1],
    ['literals', (n) => `[${Array(n).fill('null').join(',')}]`, (n) => n + 1],
    ['object members', (n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":true`).join(',')}}`, (n) => n + 1],
    ['nested arrays', (n) => `[${Array(n).fill('[[0]]').join(',')}]`, (n) => 3 * n + 1],
  ];

  it('refuses a document with one value more than maxValues, with ERR_JSON_TOO_LARGE, whatever the values', () => {
    for (const [, make, count] of shapes) {
      const text = make(50);
      expectCode(() => parseJson(text, { maxValues: count(50) - 1 }), 'ERR_JSON_TOO_LARGE');
      expectCode(() => parseCanonicalJson(bytes(text), { maxValues: count(50) - 1 }), 'ERR_JSON_TOO_LARGE');
    }
  });

  it('accepts a document of exactly maxValues values', () => {
    for (const [name, make, count] of shapes) {
      expect(() => parseJson(make(50), { maxValues: count(50) }), name).not.toThrow();
    }
    expect(parseJson('7', { maxValues: 1 })).toBe(7);
  });

  it('stops at the first value past the limit, before the rest is read', () => {
    // Past the limit the text is not even valid JSON: the limit is what is reported.
    expectCode(() => parseJson(`[0,0,0,${'x'.repeat(1000)}`, { maxValues: 3 }), 'ERR_JSON_TOO_LARGE');
  });

  it('rejects a maxValues that is not a positive integer', () => {
    for (const maxValues of [0, -1, 1.5, Number.NaN]) {
      expect(() => parseJson('1', { maxValues })).toThrow(RangeError);
      expect(() => parseCanonicalJson(bytes('1'), { maxValues })).toThrow(RangeError);
    }
  });

  it('counts as countJsonValues counts, so a writer can check what a reader will accept (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const n = countJsonValues(value);
        expect(() => parseJson(text, { maxValues: n })).not.toThrow();
        if (n > 1) expectCode(() => parseJson(text, { maxValues: n - 1 }), 'ERR_JSON_TOO_LARGE');
      }),
    );
  });
});

describe('parseCanonicalJson compares without a second copy', () => {
  it('reports the byte offset of the first difference, also after multi-byte characters', () => {
    const error = expectCode(() => parseCanonicalJson(bytes('{"é":1 }')), 'ERR_JSON_NOT_CANONICAL');
    // {"é":1 is 7 bytes (é is 2): the space is byte 7.
    expect(error.message).toMatch(/at byte 7$/);
  });

  it('rejects canonical text with anything after it, and a document cut short inside a piece', () => {
    expectCode(() => parseCanonicalJson(bytes('{"a":1} ')), 'ERR_JSON_NOT_CANONICAL');
    expectCode(() => parseCanonicalJson(bytes('1.0')), 'ERR_JSON_NOT_CANONICAL');
    expectCode(() => parseCanonicalJson(bytes('"\\u0041"')), 'ERR_JSON_NOT_CANONICAL');
    expect(parseCanonicalJson(bytes('{"a":[1,"\\u001f",{}]}'))).toEqual({ a: [1, '\u001f', {}] });
  });
});

describe('parseCanonicalJson decides in one pass what re-serialising would decide', () => {
  // JSON text whose every token may or may not be in its canonical form: whitespace, key order, number forms
  // (exponents, fractions, -0, leading digits), every escape, upper- and lower-case hex, integer-like keys.
  const ws = fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\t', '\r') });
  const char = fc.oneof(
    fc.constantFrom('a', 'é', '/', '\u2028', '\u007f', '😀', '"', '\\', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f', '\u0008', 'A'),
    fc.string({ maxLength: 2, unit: 'grapheme' }),
  );
  const encodeChar = (c: string, form: number): string => {
    if (c.length !== 1) return c;
    const code = c.charCodeAt(0);
    const hex = code.toString(16).padStart(4, '0');
    switch (form % 5) {
      case 1:
        return `\\u${hex}`;
      case 2:
        return `\\u${hex.toUpperCase()}`;
      case 3:
        return c === '/' ? '\\/' : JSON.stringify(c).slice(1, -1);
      default:
        return JSON.stringify(c).slice(1, -1);
    }
  };
  const string = fc.array(fc.tuple(char, fc.nat()), { maxLength: 4 }).map((cs) => `"${cs.map(([c, f]) => encodeChar(c, f)).join('')}"`);
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
    fc.constantFrom('0', '-0', '1.0', '1e2', '1E2', '1e+2', '100', '0.5', '5e-1', '1e21', '1e+21', '123456789012345678901', '0.000001', '1e-7', '-1', '10', '9007199254740993'),
  );
  const keys = fc.constantFrom('"a"', '"b"', '"B"', '"10"', '"9"', '"é"', '"\\u0061"', '"__proto__"', '""', '"aa"', '"😀"', '"\uff61"');
  const { json } = fc.letrec<{ json: string; object: string; array: string }>((tie) => ({
    json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, number, string, fc.constantFrom('true', 'false', 'null'), tie('object'), tie('array')),
    object: fc.uniqueArray(fc.tuple(keys, tie('json'), ws, ws), { selector: ([k]) => JSON.parse(k) as string, maxLength: 4 }).map(
      (members) => `{${members.map(([k, v, a, b]) => `${a}${k}${b}:${v}`).join(',')}}`,
    ),
    array: fc.array(fc.tuple(tie('json'), ws), { maxLength: 4 }).map((xs) => `[${xs.map(([v, w]) => `${w}${v}`).join(',')}]`),
  }));

  const reference = (text: string): 'canonical' | 'not-canonical' | 'malformed' => {
    let value: unknown;
    try {
      value = parseJson(text);
    } catch {
      return 'malformed';
    }
    return canonicalize(value) === text ? 'canonical' : 'not-canonical';
  };

  it('accepts exactly the texts equal to the canonical form of their value (property, 20,000 texts)', () => {
    let seen = { canonical: 0, notCanonical: 0, unordered: 0 };
    fc.assert(
      fc.property(json, ws, ws, (text, before, after) => {
        const whole = `${before}${text}${after}`;
        const expected = reference(whole);
        let got: string;
        try {
          parseCanonicalJson(bytes(whole));
          got = 'canonical';
        } catch (error) {
          got = (error as { code?: string }).code === 'ERR_JSON_NOT_CANONICAL' ? 'not-canonical' : 'malformed';
        }
        expect(got).toBe(expected);
        if (expected === 'canonical') seen = { ...seen, canonical: seen.canonical + 1 };
        if (expected === 'not-canonical') seen = { ...seen, notCanonical: seen.notCanonical + 1 };
        if (expected === 'not-canonical' && !/\s/.test(whole) && canonicalize(parseJson(whole)).length === whole.length) seen = { ...seen, unordered: seen.unordered + 1 };
      }),
      { numRuns: 20_000 },
    );
    // Both verdicts are exercised, many times each.
    expect(seen.canonical).toBeGreaterThan(1000);
    expect(seen.notCanonical).toBeGreaterThan(1000);
    // Texts whose only fault is their order (same length as the canonical text, no whitespace).
    expect(seen.unordered).toBeGreaterThan(100);
  });
});

describe('integers, read without a string up to 15 digits', () => {
  it('give the value JSON.parse gives, -0 included, on both sides of 15 digits (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 18 }), fc.nat(), (negative, length, seed) => {
        const digits = length === 1 ? String(seed % 10) : String(1 + (seed % 9)) + String(seed).padStart(length, '7').slice(0, length - 1);
        const text = `${negative ? '-' : ''}${digits}`;
        const value = parseJson(`[${text}]`) as number[];
        expect(Object.is(value[0], JSON.parse(text))).toBe(true);
        // Canonical exactly when ECMAScript writes the number back the same way.
        const canonical = String(JSON.parse(text)) === text;
        if (canonical) expect(parseCanonicalJson(bytes(`[${text}]`))).toEqual([JSON.parse(text)]);
        else expectCode(() => parseCanonicalJson(bytes(`[${text}]`)), 'ERR_JSON_NOT_CANONICAL');
      }),
      { numRuns: 5_000 },
    );
    expect(Object.is(parseJson('-0'), -0)).toBe(true);
    expect(parseJson('999999999999999')).toBe(999_999_999_999_999);
    expect(parseJson('9007199254740993')).toBe(9007199254740992);
  });
});

describe('maxMembers (the memory bound of one object)', () => {
  const object = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${String(i).padStart(5, '0')}":0`).join(',')}}`;
  it('refuses the first member past the limit, in any object at any depth, with ERR_JSON_TOO_LARGE', () => {
    expect(parseCanonicalJson(bytes(object(50)), { maxMembers: 50 })).toMatchObject({ k00049: 0 });
    for (const text of [object(51), `{"a":[${object(51)}]}`, `[{"x":${object(51)}}]`]) {
      expectCode(() => parseCanonicalJson(bytes(text), { maxMembers: 50 }), 'ERR_JSON_TOO_LARGE');
      expectCode(() => parseJson(text, { maxMembers: 50 }), 'ERR_JSON_TOO_LARGE');
    }
    // Many small objects are not one large one.
    expect(() => parseJson(`[${Array(200).fill(object(50)).join(',')}]`, { maxMembers: 50 })).not.toThrow();
    expect(() => parseJson('{}', { maxMembers: 0 })).toThrow(RangeError);
  });
});
