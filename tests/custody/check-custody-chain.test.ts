import { describe, expect, it } from 'vitest';
import { cpuMs, fastestOf } from '../helpers/cost.js';
import { checkCustodyChain } from '../../src/custody/check-custody-chain.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { chain, draft, joinLines, MANIFEST, unsignedLine } from './helpers.js';

const ROOT = custodyLink(MANIFEST);
const drafts = [0, 1, 2, 3, 4].map((m) => draft('accessed', {}, m));

function check(lines: readonly Uint8Array[], root = ROOT) {
  const parsed = parseCustodyLog(joinLines(lines));
  const result = checkCustodyChain(parsed.lines, root);
  return { ...result, all: [...parsed.findings, ...result.findings], codes: [...parsed.findings, ...result.findings].map((f) => f.code) };
}

describe('checkCustodyChain', () => {
  it('accepts a correct chain and returns it in order', () => {
    const r = check(chain(drafts));
    expect(r.codes).toEqual([]);
    expect(r.events.map((e) => e.signed.event.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('accepts an empty log', () => {
    expect(check([]).codes).toEqual([]);
  });

  it('reports a first link to another manifest', () => {
    const r = check(chain(drafts), custodyLink(new Uint8Array([1])));
    expect(r.codes).toEqual(['custody.link.manifest-mismatch']);
    expect(r.all[0]).toMatchObject({ custody: 1, path: 'evidence/custody.jsonl' });
  });

  it('reports a removed event in the middle, at the first event after it', () => {
    const lines = chain(drafts);
    lines.splice(2, 1);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.removed']);
    expect(r.all[0]!.custody).toBe(4);
  });

  it('reports the removal of the first event', () => {
    const r = check(chain(drafts).slice(1));
    expect(r.codes).toEqual(['custody.sequence.removed']);
    expect(r.all[0]!.custody).toBe(2);
  });

  it('reports two removed events once', () => {
    const lines = chain(drafts);
    lines.splice(1, 2);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.removed']);
    expect(r.all[0]!.message).toContain('2 events');
  });

  it('reports a swap as one reordered event', () => {
    const lines = chain(drafts);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.reordered']);
  });

  it('reports an event moved to the end', () => {
    const lines = chain(drafts);
    const [moved] = lines.splice(1, 1);
    lines.push(moved!);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.reordered']);
    expect(r.all[0]!.custody).toBe(2);
  });

  it('reports a duplicated line', () => {
    const lines = chain(drafts);
    lines.splice(4, 0, lines[1]!);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.duplicate']);
    expect(r.all[0]).toMatchObject({ custody: 2, line: 5 });
  });

  it('reports a second event at the same place in the chain as inserted', () => {
    const lines = chain(drafts);
    const forged = chain([...drafts.slice(0, 2), draft('analysed', { notes: 'forged' }, 1)]);
    lines.splice(3, 0, forged[2]!);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.inserted']);
    expect(r.all[0]).toMatchObject({ custody: 3, line: 4 });
  });

  it('reports an event linked to nothing inside the log as inserted', () => {
    const lines = chain(drafts);
    const stray = unsignedLine({ ...draft('copied'), seq: 9, prev: `sha256:${'ab'.repeat(32)}` } as never);
    lines.splice(2, 0, stray);
    const r = check(lines);
    expect(r.codes).toEqual(['custody.sequence.inserted']);
  });

  it('reports a gap in numbering when the links hold', () => {
    const lines = chain([drafts[0]!, drafts[1]!]);
    const third = unsignedLine({ ...drafts[2]!, seq: 4, prev: custodyLink(lines[1]!) } as never);
    const r = check([...lines, third]);
    expect(r.codes).toEqual(['custody.sequence.gap']);
  });

  it('reports a broken link when an event is altered', () => {
    const lines = chain(drafts);
    lines[2] = chain([...drafts.slice(0, 2), draft('accessed', { place: 'Paris' }, 2)])[2]!;
    const r = check(lines);
    expect(r.codes).toEqual(['custody.link.broken']);
    expect(r.all[0]!.custody).toBe(4);
  });

  it('reports an unreadable line and a broken link after it, not a removal', () => {
    const lines = chain(drafts);
    lines[1] = new TextEncoder().encode('{"garbage":true}');
    const r = check(lines);
    expect(r.codes).toEqual(['custody.malformed', 'custody.link.broken']);
    expect(r.all[0]!.line).toBe(2);
  });

  it('reports a truncated last line and an empty line as malformed', () => {
    const lines = chain(drafts);
    const bytes = joinLines(lines);
    const parsed = parseCustodyLog(bytes.subarray(0, bytes.length - 5));
    expect(parsed.findings.map((f) => f.code)).toEqual(['custody.malformed']);
    expect(parsed.findings[0]!.line).toBe(5);
    const withEmpty = parseCustodyLog(joinLines([lines[0]!, new Uint8Array(0)]));
    expect(withEmpty.findings.map((f) => f.code)).toEqual(['custody.malformed']);
  });
});

describe('checkCustodyChain, copies placed before the original', () => {
  it('reports only the duplicate, whichever copy comes first', () => {
    const lines = chain(drafts);
    for (const at of [0, 1, 2]) {
      const copy = [...lines];
      copy.splice(at, 0, lines[3]!);
      expect(check(copy).codes).toEqual(['custody.sequence.duplicate']);
    }
  });
});

describe('checkCustodyChain cost', () => {
  it('stays linear on hostile logs: many copies of one line, many unreadable lines', async () => {
    const one = chain(drafts.slice(0, 1))[0]!;
    const garbage = new TextEncoder().encode('{}');
    const timeFor = (n: number): number => {
      const lines = [...Array.from({ length: n }, () => one), ...Array.from({ length: n }, () => garbage), ...chain(drafts).slice(1)];
      const parsed = parseCustodyLog(joinLines(lines));
      const t0 = cpuMs();
      const r = checkCustodyChain(parsed.lines, ROOT);
      const elapsed = cpuMs() - t0;
      expect(r.duplicates.length).toBeGreaterThan(n - 2);
      return elapsed;
    };
    timeFor(2000);
    const small = await fastestOf(5, () => timeFor(2000));
    expect((await fastestOf(3, () => timeFor(20000))) / small).toBeLessThan(40);
  });
});
