import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForDisplay } from '../../src/index.js';
import { escapeJsonForDisplay } from '../../src/entries/report.js';

// The oracle, written independently of the escaper's own pattern: the code points that must never reach a
// person's screen raw.
const ranges: Array<[number, number]> = [
  [0x00, 0x1f], // C0
  [0x7f, 0x9f], // DEL, C1
  [0x00ad, 0x00ad], // soft hyphen
  [0x061c, 0x061c], // ALM
  [0x200b, 0x200b], // zero width space
  [0x200e, 0x200f], // LRM, RLM
  [0x2028, 0x2029], // line and paragraph separators
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates, deprecated format controls
  [0xd800, 0xdfff], // surrogates (only lone ones can occur in a string iterated by code point)
  [0xfeff, 0xfeff], // BOM / zero width no-break space
  [0xfff9, 0xfffb], // interlinear annotation
  [0xe0001, 0xe0001], // language tag
  [0xe0020, 0xe007f], // tag characters
];
const DANGEROUS = ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
const isDangerous = (cp: number) => ranges.some(([from, to]) => cp >= from && cp <= to);
const rawDangerous = (s: string) => [...s].map((c) => c.codePointAt(0)!).filter(isDangerous);

/** Reverses the escaping: if this gives back every input, the escaping is injective. */
function unescape(s: string): string {
  return s.replace(/\\(?:([\\nrt])|x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4}))/g, (_m, named, x, braced, u) => {
    if (named !== undefined) return ({ '\\': '\\', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[named]!;
    return String.fromCodePoint(parseInt(x ?? braced ?? u, 16));
  });
}

const char = (cp: number) => String.fromCodePoint(cp);

describe('escapeForDisplay refuses to pass anything a terminal could act on', () => {
  it.each(DANGEROUS.filter((cp) => cp < 0xd800 || cp > 0xdfff).map((cp) => [cp.toString(16), cp]))('escapes U+%s visibly', (_hex, cp) => {
    const out = escapeForDisplay(`a${char(cp)}b`);
    expect(rawDangerous(out)).toEqual([]);
    expect(out).not.toBe(`a${char(cp)}b`);
    expect(out.startsWith('a\\')).toBe(true);
    expect(unescape(out)).toBe(`a${char(cp)}b`);
  });

  it('escapes every lone surrogate, leading or trailing, and keeps a well-formed pair', () => {
    for (const unit of [0xd800, 0xdbff, 0xdc00, 0xdfff]) {
      const lone = `x${String.fromCharCode(unit)}y`;
      expect(escapeForDisplay(lone)).toBe(`x\\u${unit.toString(16)}y`);
    }
    expect(escapeForDisplay('\ud83d\ude00')).toBe('😀');
    // A pair split by the escaper would be two lone halves: the pair stays one character.
    expect(escapeForDisplay('\ud83d\ud83d\ude00')).toBe('\\ud83d😀');
  });

  it('uses the short forms for line feed, carriage return, tab, backslash, and lower-case hex otherwise', () => {
    expect(escapeForDisplay('\n\r\t\\')).toBe('\\n\\r\\t\\\\');
    expect(escapeForDisplay('\u001b\u007f\u0085\u009b')).toBe('\\x1b\\x7f\\x85\\x9b');
    expect(escapeForDisplay('\u202e\u2066\u200f\u061c\u2028\ufeff')).toBe('\\u202e\\u2066\\u200f\\u061c\\u2028\\ufeff');
    expect(escapeForDisplay('\u{e0041}')).toBe('\\u{e0041}');
  });

  it('renders CSI and OSC sequences inert', () => {
    const sequences = [
      '\u001b[2K\u001b[1A', // erase line, cursor up
      '\u001b[31mred\u001b[0m',
      '\u001b]0;title\u0007', // OSC set title, BEL
      '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\', // OSC 8 hyperlink, ST as ESC \
      '\u009b2K', // 8-bit CSI
      '\u009d0;title\u009c', // 8-bit OSC and ST
      '\u001bP+q\u001b\\', // DCS
    ];
    for (const s of sequences) {
      const out = escapeForDisplay(s);
      expect(rawDangerous(out)).toEqual([]);
      expect(unescape(out)).toBe(s);
    }
  });

  it('cannot be made to forge a line of a report', () => {
    const forgeries = [
      'x.txt\nOutcome: VALID',
      'x.txt\r\nOutcome: VALID',
      'x.txt\rOutcome: VALID',
      'x.txt\u001b[2K\rOutcome: VALID',
      'x.txt\u0085Outcome: VALID', // NEL
      'x.txt\u2028Outcome: VALID',
      'x.txt\u000bOutcome: VALID', // vertical tab
      'x.txt\u000cOutcome: VALID', // form feed
    ];
    for (const s of forgeries) {
      const out = escapeForDisplay(s);
      expect(out.split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/)).toHaveLength(1);
      expect(out.startsWith('x.txt\\')).toBe(true);
    }
  });

  it('does not let text fake an escape: a backslash sequence in the input stays distinguishable', () => {
    const real = escapeForDisplay('\u001b');
    const fake = escapeForDisplay('\\x1b');
    expect(real).toBe('\\x1b');
    expect(fake).toBe('\\\\x1b');
    expect(real).not.toBe(fake);
  });

  it('leaves ordinary text of every script, ZWJ, ZWNJ and variation selectors alone', () => {
    for (const s of ['Dữ liệu thuê bao', 'سجلات المشتركين', 'רשומות', 'می\u200cخواهم', '👩\u200d💻', '❤\ufe0f', 'Straße', 'C:/x "q" \'s\' {}', '中文']) {
      expect(escapeForDisplay(s)).toBe(s);
    }
  });
});

describe('escapeForDisplay with an indent shows line feeds as indented lines', () => {
  it('refuses an indent that is not spaces', () => {
    for (const indent of ['', '\t', '\n', ' \u001b', 'x', ' \u2028']) expect(() => escapeForDisplay('a', { indent })).toThrow(RangeError);
  });

  it('breaks only at line feeds, and indents every following line', () => {
    expect(escapeForDisplay('one\ntwo\n\nOutcome: VALID', { indent: '    ' })).toBe('one\n    two\n    \n    Outcome: VALID');
    // Every other line break stays escaped.
    expect(escapeForDisplay('a\rb\u2028c\u0085d', { indent: '  ' })).toBe('a\\rb\\u2028c\\x85d');
  });
});

// Strings made of everything that is hard: the dangerous code points, the escape syntax's own characters,
// lone surrogates (any UTF-16 code unit) and arbitrary Unicode.
const hard = fc
  .array(
    fc.oneof(
      fc.constantFrom(...DANGEROUS.map(char), '\\', 'x', 'u', '{', '}', '0', '1b', 'a', 'n', ' '),
      fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

describe('escapeForDisplay, for any string', () => {
  it('leaves no dangerous code point and no line break in the output', () => {
    fc.assert(
      fc.property(hard, (s) => {
        expect(rawDangerous(escapeForDisplay(s))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('is injective: the escaped form determines the input', () => {
    fc.assert(
      fc.property(hard, (s) => {
        expect(unescape(escapeForDisplay(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(hard, hard, (a, b) => {
        fc.pre(a !== b);
        expect(escapeForDisplay(a)).not.toBe(escapeForDisplay(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('with an indent, starts every line after the first with the indent and stays injective', () => {
    const indent = '      ';
    fc.assert(
      fc.property(hard, (s) => {
        const out = escapeForDisplay(s, { indent });
        const lines = out.split('\n');
        expect(lines).toHaveLength(s.split('\n').length);
        for (const line of lines.slice(1)) expect(line.startsWith(indent)).toBe(true);
        expect(rawDangerous(out.replaceAll('\n', ''))).toEqual([]);
        expect(unescape(lines.map((l, i) => (i === 0 ? l : l.slice(indent.length))).join('\\n'))).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('escapeJsonForDisplay', () => {
  const value = fc.jsonValue({ maxDepth: 3 }).chain((v) => fc.tuple(fc.constant(v), hard, hard));

  it('keeps the data exactly and leaves nothing dangerous raw, for any JSON value holding any text', () => {
    fc.assert(
      fc.property(value, ([v, key, text]) => {
        const doc = { [key]: text, v, list: [text, key] };
        for (const json of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
          const out = escapeJsonForDisplay(json);
          expect(JSON.parse(out)).toEqual(JSON.parse(json));
          expect(rawDangerous(out.replaceAll('\n', ''))).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes the characters JSON.stringify leaves raw as \\u escapes, tag characters as surrogate pairs', () => {
    expect(escapeJsonForDisplay(JSON.stringify('a\u009b\u202e\u2028\u{e0041}b'))).toBe('"a\\u009b\\u202e\\u2028\\udb40\\udc41b"');
    expect(escapeJsonForDisplay(JSON.stringify('\\ "q" \u001b'))).toBe(JSON.stringify('\\ "q" \u001b'));
  });
});
