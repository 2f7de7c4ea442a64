import type { VerificationReport } from './report-schema.js';

type Finding = VerificationReport['findings'][number];

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most C0 controls, even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');
}

interface Case {
  name: string;
  failures: Finding[];
}

/**
 * Renders a report as JUnit XML for CI systems: one test case per item, per signature, and one for the bundle
 * as a whole; a finding of severity `error` is a failure of the case it belongs to. INDETERMINATE is a failure
 * too (trust not established), so a CI gate never passes an untrusted bundle.
 */
export function renderReportJUnit(report: VerificationReport, name = 'evidence-bundle'): string {
  const cases: Case[] = [];
  const byItem = new Map<string, Case>();
  const bySignature = new Map<number, Case>();
  for (const item of report.items) {
    const c: Case = { name: `item ${item.id}`, failures: [] };
    byItem.set(item.id, c);
    cases.push(c);
  }
  for (const s of report.signatures) {
    const c: Case = { name: `signature #${s.index}${s.role !== undefined ? ` (${s.role})` : ''}`, failures: [] };
    bySignature.set(s.index, c);
    cases.push(c);
  }
  const overall: Case = { name: `outcome ${report.outcome}`, failures: [] };
  cases.unshift(overall);
  for (const f of report.findings) {
    if (f.severity !== 'error' && !(f.severity === 'warning' && report.outcome === 'INDETERMINATE')) continue;
    const target = (f.item !== undefined ? byItem.get(f.item) : undefined) ?? (f.signature !== undefined ? bySignature.get(f.signature) : undefined) ?? overall;
    target.failures.push(f);
  }
  const failures = cases.filter((c) => c.failures.length > 0).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xml(name)}" tests="${cases.length}" failures="${failures}">`);
  out.push(`  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" timestamp="${xml(report.checkedAt)}">`);
  for (const c of cases) {
    if (c.failures.length === 0) {
      out.push(`    <testcase classname="${xml(name)}" name="${xml(c.name)}"/>`);
      continue;
    }
    out.push(`    <testcase classname="${xml(name)}" name="${xml(c.name)}">`);
    const first = c.failures[0]!;
    const body = c.failures.map((f) => `${f.code}: ${f.message}${f.path !== undefined ? ` [${f.path}]` : ''}`).join('\n');
    out.push(`      <failure type="${xml(first.code)}" message="${xml(first.message)}">${xml(body)}</failure>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
