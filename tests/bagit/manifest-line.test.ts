import { describe, expect, it } from 'vitest';
import { parseManifest, splitManifestLine } from '../../src/bagit/manifest.js';

// RFC 8493 section 2.1.3 as the expression the parser used to run on every line; the splitter must agree with it.
const LINE = /^([0-9A-Za-z]+)([ \t]+)([^ \t].*)$/;
const HEX = /^[0-9A-Fa-f]+$/;
const byExpression = (line: string) => {
  const match = LINE.exec(line);
  if (match === null || !HEX.test(match[1]!)) return undefined;
  return { digest: match[1]!, oneSpace: match[2] === ' ', path: match[3]! };
};

describe('splitManifestLine gives what the expression of RFC 8493 section 2.1.3 gives', () => {
  // Random lines over an alphabet dense in what the form looks at: hex and other letters, digits, spaces, tabs,
  // the binary marker, line and paragraph separators, a lone CR, non-ASCII.
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const alphabet = ['a', 'F', '0', '9', 'g', 'Z', ' ', ' ', '\t', '*', '/', '.', '\u2028', '\u2029', '\r', '\n', 'é', '-', '@', '`', '[', '{'];
  const lines = ['', ' ', 'ab', 'ab ', 'ab  ', 'ab\t', ' ab c', 'ab c', 'ab  c', 'ab\tc', 'ab *c', 'ab  *c', 'xyz c', 'AB c', 'a\u2028 c', 'ab c\u2028', 'ab c\u2029d', 'ab \u2028', 'ab \u2028c'];
  // Random tails, alone, after a hex run, and after a hex run and a space: lines of both kinds in numbers.
  for (let i = 0; i < 30_000; i++) lines.push(['', 'a0F', 'a0F '][i % 3] + Array.from({ length: 1 + random(10) }, () => alphabet[random(alphabet.length)]).join(''));

  it('the same digest, white space and path, or the same refusal, for every line', () => {
    for (const line of lines) expect(splitManifestLine(line), JSON.stringify(line)).toEqual(byExpression(line));
    // The sample holds lines of both kinds, and lines with one space before a binary marker.
    expect(lines.filter((l) => byExpression(l) !== undefined).length).toBeGreaterThan(500);
    expect(lines.filter((l) => byExpression(l) === undefined).length).toBeGreaterThan(500);
    expect(lines.some((l) => byExpression(l)?.oneSpace === true && byExpression(l)!.path.startsWith('*'))).toBe(true);
  });

  it('parseManifest: a line whose path holds a line separator after its first character is malformed, as before', () => {
    const digest = 'a'.repeat(64);
    const { entries, findings } = parseManifest(`${digest}  data/a\u2028b\n${digest}  data/ok\n`, { hexLength: 64 });
    expect(entries.map((e) => e.path)).toEqual(['data/ok']);
    expect(findings.map((f) => [f.code, f.line])).toEqual([['bag.manifest.malformed-line', 1]]);
  });
});

describe('parseManifest finds repeated paths whether the lines are in order or not', () => {
  // The parser needs no map while the lines are in strictly increasing path order, and starts one at the first
  // line out of order: the result must be what a map over every line gives, for any order and any repeats.
  let seed = 11;
  // The high bits: the low ones of this generator repeat with a short period.
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 16) % n;
  };
  const paths = ['data/a', 'data/b', 'data/B', 'data/b/c', 'data/é', 'data/z', 'data/\u{1F600}', 'data/\uFFFD'];
  const digestOf = (k: number): string => k.toString(16).padStart(64, '0');

  it('the first line of each path kept, every later one a duplicate-entry finding at its line, in 2,000 random manifests', () => {
    let outOfOrder = 0;
    let repeats = 0;
    for (let trial = 0; trial < 2000; trial++) {
      // Sorted runs (as a writer makes them) with random breaks and repeats.
      const sorted = [...paths].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
      const lines: string[] = [];
      for (let n = 1 + random(10); n > 0; n--) lines.push(random(3) === 0 ? paths[random(paths.length)]! : sorted[Math.min(lines.length, sorted.length - 1)]!);
      const text = lines.map((p, k) => `${digestOf(k)}  ${p}\n`).join('');
      const expected = new Map<string, { path: string; digest: string; line: number }>();
      const duplicates: number[] = [];
      lines.forEach((p, k) => (expected.has(p) ? duplicates.push(k + 1) : expected.set(p, { path: p, digest: digestOf(k), line: k + 1 })));
      const parsed = parseManifest(text, { file: 'manifest-sha256.txt', hexLength: 64 });
      expect(parsed.entries, text).toEqual([...expected.values()]);
      expect(parsed.findings.map((f) => [f.code, f.line])).toEqual(duplicates.map((line) => ['bag.manifest.duplicate-entry', line]));
      if (lines.some((p, k) => k > 0 && Buffer.compare(Buffer.from(lines[k - 1]!), Buffer.from(p)) > 0)) outOfOrder++;
      if (duplicates.length > 0) repeats++;
    }
    // The sample holds manifests in order, out of order, and with repeats.
    expect(outOfOrder).toBeGreaterThan(200);
    expect(repeats).toBeGreaterThan(200);
    expect(2000 - outOfOrder).toBeGreaterThan(200);
  });
});
