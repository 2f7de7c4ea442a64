import { describeCustodyEvent } from './describe-custody-event.js';
import type { VerificationReport } from './report-schema.js';

type Finding = VerificationReport['findings'][number];

function where(finding: Finding): string {
  const parts: string[] = [];
  if (finding.path !== undefined) parts.push(finding.path + (finding.line !== undefined ? `:${finding.line}` : ''));
  if (finding.item !== undefined) parts.push(`item ${finding.item}`);
  if (finding.signature !== undefined) parts.push(`signature #${finding.signature}`);
  if (finding.custody !== undefined) parts.push(`custody event #${finding.custody}`);
  if (finding.rule !== undefined) parts.push(`rule ${finding.rule}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const MARK: Record<string, string> = { error: 'x', warning: '!', info: 'i' };

/**
 * Renders a verification report for a person: the outcome first, then what the bundle is, each item, each
 * signature, and every finding with its code, so that the text can be quoted and the code looked up.
 */
export function renderReportText(report: VerificationReport): string {
  const lines: string[] = [];
  lines.push(`Outcome: ${report.outcome}`);
  const b = report.bundle;
  if (b !== null) {
    lines.push(`Bundle:  ${b.bundleId} (format ${b.formatVersion}, created ${b.createdAt})`);
    lines.push(`Creator: ${b.creator.name} [${b.creator.country}]`);
    lines.push(`Case:    ${b.caseReference}${b.caseTitle !== undefined ? ` - ${b.caseTitle}` : ''}`);
    lines.push(`Basis:   ${b.instrument}${b.article !== undefined ? `, ${b.article}` : ''}; request ${b.requestReference} (${b.requestingCountry} -> ${b.executingCountry})`);
  } else {
    lines.push('Bundle:  manifest could not be read');
  }
  lines.push('');
  lines.push(`Items (${report.summary.itemsIntact}/${report.summary.itemsTotal} intact):`);
  for (const item of report.items) {
    lines.push(`  ${item.status.padEnd(9)} ${item.id}${item.path !== undefined ? `  data/${item.path}` : ''}`);
  }
  lines.push('');
  lines.push(`Signatures (${report.summary.trustedSignatures} trusted):`);
  if (report.signatures.length === 0) lines.push('  none');
  for (const s of report.signatures) {
    const who = [s.role, s.alg, s.kid !== undefined ? `kid ${s.kid}` : undefined].filter(Boolean).join(', ');
    const trust = s.authority !== undefined ? `; ${s.trusted ? 'trusted' : 'not trusted'} through ${s.authority}` : '';
    const stamp = s.timestamp !== undefined ? `; timestamp ${s.timestamp.status}${s.timestamp.genTime !== undefined ? ` ${s.timestamp.genTime}` : ''}` : '';
    lines.push(`  #${s.index} ${s.status.padEnd(9)} ${who}${s.signedAt !== undefined ? `, signed ${s.signedAt}` : ''}${trust}${stamp}`);
  }
  if (report.custody !== null) {
    lines.push('');
    lines.push(`Custody (${report.custody.events.length} events):`);
    for (const e of report.custody.events) {
      const { what, detail } = describeCustodyEvent(e);
      lines.push(`  #${e.seq} ${e.status.padEnd(9)} ${e.time}  ${what}`);
      lines.push(`      ${detail}`);
    }
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('Findings: none');
  } else {
    lines.push(`Findings (${report.summary.errors} errors, ${report.summary.warnings} warnings):`);
    for (const f of report.findings) {
      lines.push(`  [${MARK[f.severity] ?? '?'}] ${f.code}${where(f)}: ${f.message}`);
    }
  }
  return lines.join('\n') + '\n';
}
