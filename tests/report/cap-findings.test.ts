import { describe, expect, it } from 'vitest';
import { capFindings, createFindingCap, MAX_FINDINGS_PER_CODE } from '../../src/report/cap-findings.js';
import { makeFinding, type FindingCode } from '../../src/report/codes.js';
import type { Finding } from '../../src/report/finding-type.js';
import { decideOutcome } from '../../src/verify/outcome.js';

const many = (code: FindingCode, n: number, path?: (i: number) => string): Finding[] =>
  Array.from({ length: n }, (_, i) => makeFinding(code, `problem ${i}`, path ? { path: path(i), line: i + 1 } : { line: i + 1 }));

describe('capFindings', () => {
  it('rejects a cap that is not a non-negative integer', () => {
    for (const max of [-1, 1.5, Number.NaN, Infinity]) expect(() => capFindings([], max)).toThrow(RangeError);
  });

  it('keeps the first findings of each code and counts the rest in one verify.findings.omitted', () => {
    const input = [...many('custody.malformed', 250, () => 'evidence/custody.jsonl'), ...many('bag.payload.missing', 3, (i) => `data/${i}`)];
    const out = capFindings(input);
    const malformed = out.filter((f) => f.code === 'custody.malformed');
    expect(malformed).toHaveLength(MAX_FINDINGS_PER_CODE);
    expect(malformed.map((f) => f.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(out.filter((f) => f.code === 'bag.payload.missing')).toHaveLength(3);
    const omitted = out.filter((f) => f.code === 'verify.findings.omitted');
    expect(omitted).toHaveLength(1);
    expect(omitted[0]).toMatchObject({ severity: 'info', path: 'evidence/custody.jsonl' });
    expect(omitted[0]!.message).toMatch(/^150 more custody\.malformed /);
  });

  it('caps each code on its own, whatever the mix and the order', () => {
    const input: Finding[] = [];
    for (let i = 0; i < 300; i++) input.push(...many(i % 2 === 0 ? 'bag.tagfile.missing' : 'bag.manifest.malformed-line', 1));
    const out = capFindings(input, 10);
    expect(out.filter((f) => f.code === 'bag.tagfile.missing')).toHaveLength(10);
    expect(out.filter((f) => f.code === 'bag.manifest.malformed-line')).toHaveLength(10);
    expect(out.filter((f) => f.code === 'verify.findings.omitted').map((f) => f.message.split(' ').slice(0, 3).join(' ')).sort()).toEqual([
      '140 more bag.manifest.malformed-line',
      '140 more bag.tagfile.missing',
    ]);
  });

  it('locates the summary at a file only when every finding of the code is in it (a JSON Pointer fragment counts as the file)', () => {
    const spread = capFindings(many('bag.payload.missing', 5, (i) => `data/${i}`), 2);
    expect(spread.find((f) => f.code === 'verify.findings.omitted')!.path).toBeUndefined();
    const oneFile = capFindings(many('manifest.schema.invalid', 5, (i) => `evidence/manifest.json#/items/${i}`), 2);
    expect(oneFile.find((f) => f.code === 'verify.findings.omitted')!.path).toBe('evidence/manifest.json');
    const noPath = capFindings(many('custody.malformed', 5), 2);
    expect(noPath.find((f) => f.code === 'verify.findings.omitted')!.path).toBeUndefined();
  });

  it('leaves a list within the cap as it is, and never caps its own summaries', () => {
    const input = many('custody.malformed', MAX_FINDINGS_PER_CODE);
    expect(capFindings(input)).toEqual(input);
    const once = capFindings(many('custody.malformed', 500), 1);
    const twice = capFindings([...once, ...capFindings(many('custody.malformed', 500), 1)], 1);
    // Two summaries of an earlier cap are kept; the second listed finding is counted in a third.
    expect(twice.filter((f) => f.code === 'verify.findings.omitted')).toHaveLength(3);
  });

  it('keeps the outcome: every code found is listed at least once, even with a cap of 0 the summary says so', () => {
    const input = [...many('verify.unsigned', 1000), ...many('custody.malformed', 1000)];
    expect(decideOutcome(capFindings(input))).toBe(decideOutcome(input));
    expect(decideOutcome(capFindings(many('verify.unsigned', 1000)))).toBe('INDETERMINATE');
    expect(capFindings(input, 0).map((f) => f.code)).toEqual(['verify.findings.omitted', 'verify.findings.omitted']);
  });

  it('keeps only the cap and one summary however many findings are pushed', () => {
    const cap = createFindingCap(3);
    for (let i = 0; i < 1_000_000; i++) cap.push(makeFinding('bag.manifest.malformed-line', 'x', { path: 'm', line: i }));
    const out = cap.done();
    expect(out).toHaveLength(4);
    expect(out[3]!.message).toMatch(/^999997 more /);
  });
});
