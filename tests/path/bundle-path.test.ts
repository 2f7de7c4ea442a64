import { describe, expect, it } from 'vitest';
import { assertBundlePath, checkBundlePath } from '../../src/index.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const hex = (c: string) => c.codePointAt(0)!.toString(16).padStart(4, '0');

// A path is shown to people (reports, listings, terminals): what could rewrite or reorder it is refused, each
// class with its own stable reason. NUL has its own reason, as before.
const REFUSED: Array<[string, string[]]> = [
  ['control-character', [...range(0x01, 0x1f), '\u007f', ...range(0x80, 0x9f)]],
  ['bidi-control', [...range(0x202a, 0x202e), ...range(0x2066, 0x2069)]],
  ['line-separator', ['\u2028', '\u2029']],
];

describe('checkBundlePath refuses characters that forge or reorder what a person reads', () => {
  for (const [problem, chars] of REFUSED) {
    it.each(chars.map((c) => [hex(c), c]))(`U+%s is ${problem}, anywhere in the path`, (_hex, c) => {
      for (const path of [`${c}a`, `a${c}b.txt`, `dir/a${c}`, `d${c}/x`]) {
        expect(checkBundlePath(path)).toBe(problem);
        expect(() => assertBundlePath(path)).toThrow(expect.objectContaining({ code: 'ERR_PATH_UNSAFE' }));
      }
    });
  }

  it('keeps evidence names with bidi marks, joiners, invisible but inert characters and every script', () => {
    for (const path of ['chat/\u200fمحادثة.json', 'a\u200eb', 'a\u061cb', 'می\u200cخواهم.txt', '👩\u200d💻.png', 'a\u200bb', 'a\ufeffb', 'a\u00adb', 'Ünïcödé/ファイル.bin']) {
      expect(checkBundlePath(path)).toBeUndefined();
    }
  });
});
