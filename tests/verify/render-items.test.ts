// The items of the text report: intact items counted in one line unless verbose, every other item listed, in
// every language; a report of 100,000 items renders in a few lines, and one of a million without a crash.
import { describe, expect, it } from 'vitest';
import { CATALOGS, LANGUAGES } from '../../src/entries/i18n.js';
import { renderReportText, type VerificationReport } from '../../src/index.js';

function report(items: VerificationReport['items']): VerificationReport {
  return {
    reportVersion: '1.1',
    outcome: items.every((i) => i.status === 'intact') ? 'VALID' : 'INVALID',
    checkedAt: '2026-12-01T00:00:00.000Z',
    bundle: null,
    items,
    signatures: [],
    custody: null,
    findings: [],
    summary: { errors: 0, warnings: 0, itemsIntact: items.filter((i) => i.status === 'intact').length, itemsTotal: items.length, trustedSignatures: 0 },
  };
}

const intact = (n: number, from = 0): VerificationReport['items'] =>
  Array.from({ length: n }, (_, i) => ({ id: `item-${from + i}`, path: `f/${from + i}.eml`, size: 1, status: 'intact' as const }));

describe('renderReportText: the items', () => {
  it('counts 100,000 intact items in one line, and lists each with verbose', () => {
    const r = report(intact(100_000));
    const text = renderReportText(r);
    expect(text.split('\n').length).toBeLessThan(20);
    expect(text).not.toContain('item-0');
    expect(text).toContain('  100,000 intact items not listed (--verbose lists every item)\n');
    const verbose = renderReportText(r, { verbose: true });
    expect(verbose.split('\n').filter((l) => / item-\d+ {2}data\/f\//.test(l))).toHaveLength(100_000);
    expect(verbose).not.toContain('not listed');
  });

  it('lists every item that is not intact, in the report order, with the count of the others', () => {
    const items = [...intact(500), { id: 'gone', path: 'g.bin', status: 'missing' as const }, ...intact(500, 500), { id: 'changed', path: 'c.bin', size: 3, status: 'altered' as const }, { id: 'sealed', status: 'withheld' as const }];
    const lines = renderReportText(report(items)).split('\n');
    const listed = lines.filter((l) => /^ {2}\S+ +\S+( {2}data\/\S+)?$/.test(l) && !l.includes('not listed'));
    expect(listed.map((l) => l.trim().split(/\s+/)[1])).toEqual(['gone', 'changed', 'sealed']);
    expect(lines).toContain('  1,000 intact items not listed (--verbose lists every item)');
  });

  it('prints no count line when no item is intact, nor when there are no items', () => {
    expect(renderReportText(report([{ id: 'a', path: 'a', status: 'missing' }]))).not.toContain('not listed');
    expect(renderReportText(report([]))).not.toContain('not listed');
  });

  it('says it in every language, with the count in that language\'s digits and separators', () => {
    for (const lang of LANGUAGES) {
      const text = renderReportText(report(intact(12_345)), { lang });
      const template = CATALOGS[lang]!.text['items.intact-omitted'];
      const count = new Intl.NumberFormat(lang).format(12_345);
      expect(text, lang).toContain(template.replace('{count}', count));
    }
  });

  it('renders a million items without overflowing the stack (no spread of every item)', () => {
    const items = intact(1_000_000);
    items[999_999] = { id: 'last', path: 'l', status: 'altered' };
    const text = renderReportText(report(items));
    expect(text).toContain(' last  data/l\n');
    expect(text).toContain('999,999 intact');
  });
});
