// Cost test (noble's slow-dos test): every parser and checker that could hide quadratic behaviour is timed on
// n and 4n of a hostile shape in the same run, in CPU time of this process (other processes do not add to it),
// and the ratio of the fastest of 3 must stay well under the 16 that quadratic time would give. Linear time gives about 4; 12 leaves room for a loaded 2-core machine and
// garbage collection, and still catches n^2 (and n^1.8). No absolute time is asserted.
import { describe, expect, it, vi } from 'vitest';
import { parseManifest as parseBagManifest } from '../../src/bagit/manifest.js';
import { parseBagInfo } from '../../src/bagit/bag-info.js';
import { checkCustodyChain } from '../../src/custody/check-custody-chain.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { parseCanonicalJson, parseJson } from '../../src/encoding/strict-json.js';
import { checkManifest } from '../../src/model/check-manifest.js';
import { checkPortablePath } from '../../src/path/bundle-path.js';
import { capFindings } from '../../src/report/cap-findings.js';
import { makeFinding } from '../../src/report/codes.js';
import { renderReportText } from '../../src/verify/render-text.js';
import type { VerificationReport } from '../../src/verify/report-schema.js';
import { chain, draft, joinLines, MANIFEST } from '../custody/helpers.js';
import { smallManifest } from '../model/helpers.js';
import { cpuMs } from '../helpers/cost.js';

vi.setConfig({ testTimeout: 300_000 });

const RATIO = 12;

/** CPU milliseconds per call of `run(input)`, repeated until at least 40 ms have passed so that timer resolution,
 * a garbage collection or a moment of contention weigh little. */
function perCall<T>(input: T, run: (input: T) => unknown): number {
  let calls = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    run(input);
    calls++;
    elapsed = cpuMs() - start;
  } while (elapsed < 40);
  return elapsed / calls;
}

/**
 * Ratio of the time on 4n to the time on n: the fastest of 3 each (noise only ever adds time), measured
 * alternately (n, 4n, n, 4n...) so that a change of load on a shared machine falls on both sizes alike.
 */
function expectLinear<T>(n: number, make: (n: number) => T, run: (input: T) => unknown): void {
  const small = make(n);
  const large = make(4 * n);
  run(small); // warm-up: compile the code paths before timing them
  run(large);
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    smallTimes.push(perCall(small, run));
    largeTimes.push(perCall(large, run));
  }
  expect(Math.min(...largeTimes) / Math.min(...smallTimes)).toBeLessThan(RATIO);
}

const encoder = new TextEncoder();
const repeat = (n: number, unit: (i: number) => string, sep = ','): string => Array.from({ length: n }, (_, i) => unit(i)).join(sep);

describe('cost: time linear in the input size (ratio of 4n to n well under quadratic)', () => {
  it('strict JSON: many tiny values, many keys, long strings with many escapes, deep nesting repeated', () => {
    expectLinear(50_000, (n) => `[${repeat(n, () => '0')}]`, (t) => parseJson(t, { maxBytes: 1 << 28 }));
    expectLinear(25_000, (n) => `{${repeat(n, (i) => `"k${i}":{}`)}}`, (t) => parseJson(t, { maxBytes: 1 << 28 }));
    expectLinear(50_000, (n) => `"${'\\n'.repeat(n)}"`, (t) => parseJson(t, { maxBytes: 1 << 28 }));
    expectLinear(1_000, (n) => `[${repeat(n, () => `${'['.repeat(60)}${']'.repeat(60)}`)}]`, (t) => parseJson(t, { maxBytes: 1 << 28 }));
  });

  it('JCS: arrays of many values, objects of many keys, and the canonical-form check of stored bytes', () => {
    expectLinear(50_000, (n) => new Array<number>(n).fill(0), (v) => canonicalizeToBytes(v));
    expectLinear(15_000, (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${n - i}`, [i, 'é']])), (v) => canonicalizeToBytes(v));
    expectLinear(25_000, (n) => canonicalizeToBytes({ a: Array.from({ length: n }, (_, i) => ({ id: `x${i}`, v: [i, null, true] })) }), (b) => parseCanonicalJson(b, { maxBytes: 1 << 28 }));
  });

  it('manifest schema and cross-field rules: many valid items, and many items all at fault', () => {
    const base = smallManifest();
    const item = base.items[0];
    const manifest = (n: number, broken: boolean) => ({
      ...base,
      items: Array.from({ length: n }, (_, i) => ({ ...item, id: `item-${i}`, path: `f/${i}.bin`, ...(broken ? { size: -1 } : {}) })),
    });
    expectLinear(2_500, (n) => manifest(n, false), (m) => checkManifest(m));
    expectLinear(2_500, (n) => manifest(n, true), (m) => checkManifest(m));
    // Every path colliding after case folding with the one before.
    expectLinear(2_500, (n) => ({ ...base, items: Array.from({ length: n }, (_, i) => ({ ...item, id: `i${i}`, path: `f/${Math.floor(i / 2)}${i % 2 === 0 ? 'a' : 'A'}` })) }), (m) => checkManifest(m));
  });

  it('a manifest of many items end to end: canonical parse, item checks, and a document found not canonical at its end', () => {
    const base = smallManifest();
    const item = base.items[0];
    const bytes = (n: number) => canonicalizeToBytes({ ...base, items: Array.from({ length: n }, (_, i) => ({ ...item, id: `item-${i}`, path: `f${i % 100}/${i}.bin` })) });
    expectLinear(2_500, bytes, (b) => checkManifest(parseCanonicalJson(b, { maxBytes: 1 << 28 })));
    // One space before the last brace: the whole document is parsed, then walked again to name the byte.
    const spoilt = (n: number) => {
      const b = bytes(n);
      return encoder.encode(`${new TextDecoder().decode(b.subarray(0, b.length - 1))} }`);
    };
    expectLinear(2_500, spoilt, (b) => {
      try {
        parseCanonicalJson(b, { maxBytes: 1 << 28 });
      } catch {
        return;
      }
      throw new Error('a spoilt document was accepted');
    });
  });

  it('the text report of many items: all intact (counted), all altered (listed), and verbose', () => {
    const report = (n: number, status: 'intact' | 'altered'): VerificationReport => ({
      reportVersion: '1.1', outcome: 'VALID', checkedAt: '2026-12-01T00:00:00Z', bundle: null, signatures: [], custody: null, findings: [],
      items: Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, path: `f/${i}`, size: 0, status })),
      summary: { errors: 0, warnings: 0, itemsIntact: 0, itemsTotal: n, trustedSignatures: 0 },
    });
    expectLinear(10_000, (n) => report(n, 'intact'), (r) => renderReportText(r));
    expectLinear(5_000, (n) => report(n, 'altered'), (r) => renderReportText(r));
    expectLinear(5_000, (n) => report(n, 'intact'), (r) => renderReportText(r, { verbose: true }));
  });

  it('custody log: unreadable lines, a chain in order, reversed, and repeated lines', () => {
    const root = custodyLink(MANIFEST);
    const ordered = (n: number) => chain(Array.from({ length: n }, (_, i) => draft('accessed', {}, i % 60)));
    const run = (log: Uint8Array) => checkCustodyChain(parseCustodyLog(log).lines, root);
    expectLinear(5_000, (n) => encoder.encode('x\n'.repeat(n)), run);
    expectLinear(1_000, (n) => joinLines(ordered(n)), run);
    expectLinear(1_000, (n) => joinLines(ordered(n).reverse()), run);
    expectLinear(1_000, (n) => joinLines(new Array<Uint8Array>(n).fill(ordered(1)[0]!)), run);
  });

  it('BagIt tag files: manifest lines (valid, malformed, duplicated paths) and bag-info lines', () => {
    const hex = '0'.repeat(64);
    const options = { file: 'tagmanifest-sha256.txt', hexLength: 64 };
    expectLinear(10_000, (n) => repeat(n, (i) => `${hex}  evidence/${i}`, '\n'), (t) => parseBagManifest(t, options));
    expectLinear(50_000, (n) => 'x\n'.repeat(n), (t) => parseBagManifest(t, options));
    expectLinear(10_000, (n) => `${hex}  evidence/same\n`.repeat(n), (t) => parseBagManifest(t, options));
    expectLinear(25_000, (n) => 'A: b\n \tcontinued\n'.repeat(n), (t) => parseBagInfo(t));
    // Sorted lines until the last one (the map of paths starts there, from every line before), and reversed ones.
    const pad = (i: number): string => String(i).padStart(8, '0');
    expectLinear(10_000, (n) => `${repeat(n, (i) => `${hex}  evidence/${pad(i + 1)}`, '\n')}\n${hex}  evidence/${pad(0)}\n`, (t) => parseBagManifest(t, options));
    expectLinear(10_000, (n) => repeat(n, (i) => `${hex}  evidence/${pad(n - i)}`, '\n'), (t) => parseBagManifest(t, options));
    // Line ends of every kind: CR only, and many CRs before the one LF at the end (each searched for once).
    expectLinear(50_000, (n) => 'x\r'.repeat(n), (t) => parseBagManifest(t, options));
    expectLinear(50_000, (n) => `${'x\r'.repeat(n)}\n`, (t) => parseBagManifest(t, options));
    expectLinear(50_000, (n) => `${'x\n'.repeat(n)}\r`, (t) => parseBagManifest(t, options));
  });

  it('path checks: a path of many segments with its one dot at the end', () => {
    expectLinear(10_000, (n) => `${'a/'.repeat(n)}x.txt`, (p) => checkPortablePath(p));
    expectLinear(10_000, (n) => `${'con/'.repeat(n)}x.txt`, (p) => checkPortablePath(p));
  });

  it('the report cap itself', () => {
    expectLinear(50_000, (n) => Array.from({ length: n }, (_, i) => makeFinding(i % 2 ? 'custody.malformed' : 'bag.payload.missing', 'x', { line: i })), (f) => capFindings(f));
  });
});
