import { describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { assertBundlePath, checkBundlePath, createTagFiles } from '../../src/entries/bagit.js';
import { assertWritablePath, checkPathByRules, checkPortablePath, checkPrintableAsciiPath } from '../../src/path/bundle-path.js';

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


const NOT_PORTABLE: Array<[string, string]> = [
  ['CON', 'device-name'],
  ['con', 'device-name'],
  ['logs/PRN.txt', 'device-name'],
  ['aux.tar.gz', 'device-name'],
  ['a/Nul', 'device-name'],
  ['nul .txt', 'device-name'],
  ['COM1', 'device-name'],
  ['com9.log', 'device-name'],
  ['LPT1', 'device-name'],
  ['lpt9.txt', 'device-name'],
  ['COM\u00b9', 'device-name'],
  ['CONIN$', 'device-name'],
  ['conout$.txt', 'device-name'],
  ['report.', 'trailing-dot-or-space'],
  ['report ', 'trailing-dot-or-space'],
  ['dir./file.txt', 'trailing-dot-or-space'],
  ['dir /file.txt', 'trailing-dot-or-space'],
  ['a<b', 'reserved-character'],
  ['a>b', 'reserved-character'],
  ['ab:c', 'reserved-character'],
  ['stream.txt:hidden', 'reserved-character'],
  ['say"hi"', 'reserved-character'],
  ['a|b', 'reserved-character'],
  ['why?', 'reserved-character'],
  ['*.log', 'reserved-character'],
];
// Near misses: names that only look like the refused ones.
const PORTABLE = ['CONSOLE', 'con-1.txt', 'icon', 'aux1', 'COM0', 'COM10', 'LPT', 'nul_', 'a.b.c', '.hidden', 'dir/.gitkeep', 'x .txt', 'Straße/ß.txt', 'a b/c d.txt'];

describe('checkBundlePath: the printable-ASCII fast path gives what the rules give', () => {
  // Random paths over an alphabet dense in what the rules look at: slashes, dots, a backslash, a drive colon,
  // letters; and lengths around the segment and path limits.
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const alphabet = ['/', '/', '.', '.', 'a', 'Z', ':', '\\', ' ', '~', '-', '0'];
  const paths: string[] = ['', '/', '.', '..', 'a', 'C:', 'c:x', '@:x', '[:x', '`:x', '{:x', 'a:', ':a', 'a/..', 'a/.b', 'a/..b', './a', 'a//b', 'a/', '\\a', 'a\\..', '/..'];
  for (let i = 0; i < 20_000; i++) paths.push(Array.from({ length: 1 + random(12) }, () => alphabet[random(alphabet.length)]).join(''));
  for (const n of [254, 255, 256, 1023, 1024, 1025]) {
    paths.push('a'.repeat(n), `d/${'b'.repeat(n)}`, `${'c/'.repeat(n >> 1)}x`, `${'e'.repeat(200)}/`.repeat(Math.ceil(n / 201)).slice(0, n));
  }

  it('the same first problem (or none) for every printable-ASCII path', () => {
    for (const path of paths) {
      expect(checkPrintableAsciiPath(path), JSON.stringify(path)).toBe(checkPathByRules(path));
      expect(checkBundlePath(path), JSON.stringify(path)).toBe(checkPathByRules(path));
    }
    // The sample reaches every problem printable ASCII can have, and accepted paths.
    const seen = new Set(paths.map((p) => String(checkPathByRules(p))));
    for (const problem of ['empty', 'backslash', 'absolute', 'empty-segment', 'dot-segment', 'too-long', 'undefined']) expect(seen).toContain(problem);
  });

  it('declines anything else, which the rules then judge', () => {
    for (const c of ['\0', '\t', '\u007f', '\u0080', 'é', '\u202e', '\u2028', '\ud800', '😀']) {
      expect(checkPrintableAsciiPath(`data/a${c}b`)).toBeNull();
      expect(checkBundlePath(`data/a${c}b`)).toBe(checkPathByRules(`data/a${c}b`));
    }
  });
});

describe('checkPortablePath', () => {
  it.each(NOT_PORTABLE)('%s cannot be created on Windows (%s)', (path, problem) => {
    // Each is a safe bundle path: only Windows refuses it.
    expect(checkBundlePath(path)).toBeUndefined();
    expect(checkPortablePath(path)).toBe(problem);
  });

  it.each(PORTABLE)('%s can', (path) => {
    expect(checkBundlePath(path)).toBeUndefined();
    expect(checkPortablePath(path)).toBeUndefined();
  });

  // The rules as written first, with a split per path and per segment: the one-pass check must agree.
  const bySplit = (path: string): string | undefined => {
    if (/[<>:"|?*]/.test(path)) return 'reserved-character';
    for (const segment of path.split('/')) {
      if (segment.endsWith('.') || segment.endsWith(' ')) return 'trailing-dot-or-space';
      if (/^(con|prn|aux|nul|conin\$|conout\$|(com|lpt)[1-9\u00b9\u00b2\u00b3])$/i.test(segment.split('.')[0]!.trimEnd())) return 'device-name';
    }
    return undefined;
  };
  it('gives what splitting into segments gives, on random paths dense in device names, dots and white space', () => {
    let seed = 5;
    // The high bits: the low ones of this generator repeat with a short period.
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    const pieces = ['/', '.', ' ', '\u00a0', '\u3000', 'con', 'CON', 'nul', 'Aux', 'prn', 'lpt', 'COM', '1', '\u00b9', '0', 'conin$', 'conout$', 'x', 'ab', ':'];
    const found = new Set<string | undefined>();
    for (let i = 0; i < 30_000; i++) {
      const path = Array.from({ length: 1 + random(6) }, () => pieces[random(pieces.length)]).join('');
      expect(checkPortablePath(path), JSON.stringify(path)).toBe(bySplit(path));
      found.add(bySplit(path));
    }
    expect([...found].sort()).toEqual(['device-name', 'reserved-character', 'trailing-dot-or-space', undefined]);
  });
});

describe('writers', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (error) {
      return isEvidenceBundleError(error) ? error.code : String(error);
    }
    return undefined;
  };

  it.each(NOT_PORTABLE.map(([p]) => p))('assertWritablePath refuses %s with ERR_PATH_UNSAFE', (path) => {
    expect(code(() => assertWritablePath(path))).toBe('ERR_PATH_UNSAFE');
  });

  it('assertWritablePath refuses what checkBundlePath refuses, and accepts a portable path', () => {
    expect(code(() => assertWritablePath('../x'))).toBe('ERR_PATH_UNSAFE');
    expect(code(() => assertWritablePath('logs/access.log'))).toBeUndefined();
  });

  const bagInfo = { bundleId: 'b6f0b1a2-3c4d-4e5f-8a9b-0c1d2e3f4a5b', sourceOrganization: 'Test', baggingDate: '2026-10-06' };
  const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('createTagFiles refuses a payload or tag file that Windows cannot create', () => {
    for (const path of ['data/logs/aux.log', 'data/CON', 'data/report.', 'data/a:b']) {
      expect(code(() => createTagFiles({ payload: [{ path, size: 0, digests: { sha256 } }], algorithms: ['sha256'], tagFiles: [], bagInfo }))).toBe('ERR_PATH_UNSAFE');
    }
    expect(code(() => createTagFiles({ payload: [], algorithms: ['sha256'], tagFiles: [['evidence/nul.json', new Uint8Array()]], bagInfo }))).toBe('ERR_PATH_UNSAFE');
    // The control: the same call with a portable name.
    expect(code(() => createTagFiles({ payload: [{ path: 'data/logs/access.log', size: 0, digests: { sha256 } }], algorithms: ['sha256'], tagFiles: [], bagInfo }))).toBeUndefined();
  });
});
