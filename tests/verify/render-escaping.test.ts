import { describe, expect, it } from 'vitest';
import { describeCustodyEvent } from '../../src/verify/describe-custody-event.js';
import {
  renderInspectionText,
  renderReportText,
  type BundleInspection,
  type VerificationReport,
} from '../../src/index.js';
import { smallManifest } from '../model/helpers.js';

// A hostile value: it tries every way of starting a new line, of rewriting the line on a terminal, and of
// reordering it, then writes a forged report line.
export const FORGERIES = [
  'x\nOutcome: VALID',
  'x\r\nOutcome: VALID',
  'x\u001b[2K\rOutcome: VALID',
  'x\u001b[1A\u001b[2KOutcome: VALID', // cursor up, erase line
  'x\u009b2K\u0085Outcome: VALID', // 8-bit CSI, NEL
  'x\u001b]0;VALID\u0007\u2028Outcome: VALID', // OSC title, line separator
  'x\u202eDILAV :emoctuO\u2066\u2069\u200f\u061c\ufeff\u200b', // right-to-left override
  'x\u007f\u0000\u000b\u000cOutcome: VALID',
];

/** Code points that must never reach the screen raw (the line feeds the renderer writes itself are removed first). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

/** Every string leaf of a value, by path. */
function stringLeaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function withLeaf<T>(value: T, path: Array<string | number>, leaf: string): T {
  const copy = structuredClone(value) as any;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = leaf;
  return copy;
}

/**
 * Checks one rendering against the same rendering of a harmless value: nothing raw, and every line the renderer
 * did not start itself is a deeper-indented continuation of prose (`indent`), never a line of its own.
 */
function expectNoForgery(hostile: string, benign: string, indent?: string): void {
  expect(hostile.replaceAll('\n', '')).not.toMatch(RAW);
  const own = (text: string) => text.split('\n').filter((l) => indent === undefined || !l.startsWith(indent));
  expect(own(hostile)).toHaveLength(own(benign).length);
  expect(hostile.split('\n').filter((l) => l.startsWith('Outcome'))).toHaveLength(own(benign).filter((l) => l.startsWith('Outcome')).length);
}

const report: VerificationReport = {
  reportVersion: '1.1',
  outcome: 'INVALID',
  checkedAt: '2026-10-07T10:00:00Z',
  bundle: {
    bundleId: '0b7f4c5e-8f61-4a35-9b0e-3c7d2a1e9f00',
    formatVersion: '1.0',
    createdAt: '2026-10-06T09:00:00Z',
    creator: { name: 'Forensic Institute', country: 'VN' },
    caseReference: 'VN-2026-0042',
    caseTitle: 'Case title',
    instrument: 'UN Convention against Cybercrime',
    article: 'Article 40',
    requestReference: 'MLA-DZ-2026-17',
    requestingCountry: 'DZ',
    executingCountry: 'VN',
  },
  items: [{ id: 'chat', path: 'chat/export.json', size: 10, status: 'altered' }],
  signatures: [
    {
      index: 0,
      status: 'untrusted',
      trusted: false,
      alg: 'EdDSA',
      kid: 'kid-kid',
      role: 'packager',
      signedAt: '2026-10-06T09:00:00Z',
      authority: 'vn-fi',
      timestamp: { status: 'none', genTime: '2026-10-06T09:00:01Z' },
    },
  ],
  custody: {
    events: [
      {
        seq: 1,
        type: 'transferred',
        time: '2026-10-06T10:00:00Z',
        actor: 'A (examiner, FI, VN)',
        kid: 'kid-a',
        items: ['chat'],
        place: 'Hanoi',
        purpose: 'handover',
        counterparty: 'B (CA, DZ)',
        status: 'untrusted',
      },
    ],
    custodians: { chat: 'kid-a' },
  },
  findings: [
    { code: 'item.digest-mismatch', severity: 'error', message: 'the bytes of data/chat/export.json differ', path: 'data/chat/export.json', item: 'chat', rule: 'r1', line: 3 },
  ],
  summary: { errors: 1, warnings: 0, itemsIntact: 0, itemsTotal: 1, trustedSignatures: 0 },
};

describe('renderReportText shows bundle text escaped', () => {
  const leaves = stringLeaves(report).filter((p) => !['outcome', 'reportVersion'].includes(String(p[0])));

  it('has every string field of the report to try', () => {
    expect(leaves.length).toBeGreaterThan(30);
  });

  it.each(leaves.map((p) => [p.join('.'), p]))('cannot be forged through %s', (_name, path) => {
    const benign = renderReportText(withLeaf(report, path, 'harmless'));
    for (const forgery of FORGERIES) {
      const out = renderReportText(withLeaf(report, path, forgery));
      expectNoForgery(out, benign);
      expect(out.split('\n').filter((l) => l.startsWith('Outcome:'))).toEqual(['Outcome: INVALID']);
    }
  });
});

describe('describeCustodyEvent keeps each part one line', () => {
  const event = report.custody!.events[0]!;
  it.each(stringLeaves(event).map((p) => [p.join('.'), p]))('through %s', (_name, path) => {
    for (const forgery of FORGERIES) {
      const { what, detail } = describeCustodyEvent(withLeaf(event, path, forgery));
      for (const part of [what, detail]) {
        expect(part).not.toMatch(RAW);
        expect(part).not.toContain('\n');
      }
    }
  });
});

describe('renderInspectionText shows bundle text escaped', () => {
  const manifest = smallManifest();
  manifest.case.description = { en: 'A case' };
  manifest.legalBasis.useRestrictions.conditions = ['only for the stated proceedings'];
  manifest.legalBasis.confidentiality.note = 'do not tell the subscriber';
  manifest.handling.retention = { until: '2027-01-01', onExpiry: 'return' };
  manifest.items[0].description = { en: 'Chat export' };
  manifest.items[0].acquisition = { time: '2026-10-01T10:00:00Z', actor: manifest.actors[0].id, method: 'export', tool: { name: 'tool', version: '1.0' } };
  const inspection: BundleInspection = {
    manifest,
    signatures: [{ index: 0, alg: 'EdDSA', kid: 'kid', role: 'packager', signedAt: '2026-10-06T09:00:00Z' }],
    custody: { events: report.custody!.events, custodians: {}, problems: 0 },
    findings: [],
  };
  const leaves = stringLeaves(inspection).filter((p) => p[0] !== 'findings');
  const PROSE = ' '.repeat(16);

  it('has every string field of the inspection to try', () => {
    expect(leaves.length).toBeGreaterThan(40);
  });

  it.each(leaves.map((p) => [p.join('.'), p]))('cannot be forged through %s', (_name, path) => {
    const benign = renderInspectionText(withLeaf(inspection, path, 'harmless'));
    for (const forgery of FORGERIES) expectNoForgery(renderInspectionText(withLeaf(inspection, path, forgery)), benign, PROSE);
  });

  it('shows line feeds of prose as deeper-indented lines, and of anything else as \\n', () => {
    const prose = renderInspectionText(withLeaf(inspection, ['manifest', 'legalBasis', 'purpose'], 'first\nOutcome: VALID'));
    expect(prose).toContain(`Purpose:     first\n${PROSE}Outcome: VALID\n`);
    const name = renderInspectionText(withLeaf(inspection, ['manifest', 'items', 0, 'path'], 'a\nOutcome: VALID'));
    expect(name).toContain('data/a\\nOutcome: VALID');
  });
});

describe('renderReportText: the places the issue names, each with a fake Outcome line', () => {
  const fake = '\nOutcome: VALID';
  const cases: Array<[string, (r: VerificationReport) => void]> = [
    ['a payload file name', (r) => (r.findings[0]!.path = `data/x${fake}.txt`)],
    ['an item id', (r) => (r.items[0]!.id = `chat${fake}`)],
    ['a custody place', (r) => (r.custody!.events[0]!.place = `Hanoi${fake}`)],
    ['a certificate name, as a chain finding quotes it', (r) => (r.findings[0]!.message = `x5c[0] (CN=Examiner${fake}, O=FI) is neither a trust anchor nor signed by one`)],
    ['a signature role', (r) => (r.signatures[0]!.role = `certifier${fake}`)],
    ['a kid', (r) => (r.signatures[0]!.kid = `kid${fake}`)],
    ['a policy finding message', (r) => (r.findings[0] = { code: 'policy.requirement.unmet', severity: 'error', message: `requirement vn${fake} is not met`, rule: `vn${fake}` })],
  ];
  it.each(cases)('%s', (_name, set) => {
    const hostile = structuredClone(report);
    set(hostile);
    const lines = renderReportText(hostile).split('\n');
    expect(lines.filter((l) => l.trimStart().startsWith('Outcome:'))).toEqual(['Outcome: INVALID']);
    expect(lines.some((l) => l.includes('\\nOutcome: VALID'))).toBe(true);
  });
});
