import { escapeForDisplay as shown } from '../report/display-text.js';
import { describeCustodyEvent } from './describe-custody-event.js';
import type { VerificationReport } from './report-schema.js';

type Finding = VerificationReport['findings'][number];

function where(finding: Finding): string {
  const parts: string[] = [];
  if (finding.path !== undefined) parts.push(shown(finding.path) + (finding.line !== undefined ? `:${finding.line}` : ''));
  if (finding.item !== undefined) parts.push(`item ${shown(finding.item)}`);
  if (finding.signature !== undefined) parts.push(`signature #${finding.signature}`);
  if (finding.custody !== undefined) parts.push(`custody event #${finding.custody}`);
  if (finding.rule !== undefined) parts.push(`rule ${shown(finding.rule)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const MARK: Record<string, string> = { error: 'x', warning: '!', info: 'i' };

/**
 * Renders a verification report for a person: the outcome first, then what the bundle is, each item, each
 * signature, and every finding with its code, so that the text can be quoted and the code looked up. Every
 * piece of text that comes from the bundle or the policy (names, ids, paths, roles, key ids, finding messages,
 * which embed them) goes through {@link escapeForDisplay}, so that no line of the rendering can be forged and
 * nothing in it reaches a terminal raw; so is everything else, codes and statuses included, so that a report
 * read back from JSON renders as safely as one just made.
 * @example
 * process.stdout.write(renderReportText(await verifyBundle(source, { trustedKeys })));
 */
export function renderReportText(report: VerificationReport): string {
  const lines: string[] = [];
  lines.push(`Outcome: ${report.outcome}`);
  const b = report.bundle;
  if (b !== null) {
    lines.push(`Bundle:  ${shown(b.bundleId)} (format ${shown(b.formatVersion)}, created ${shown(b.createdAt)})`);
    lines.push(`Creator: ${shown(b.creator.name)} [${shown(b.creator.country)}]`);
    lines.push(`Case:    ${shown(b.caseReference)}${b.caseTitle !== undefined ? ` - ${shown(b.caseTitle)}` : ''}`);
    lines.push(
      `Basis:   ${shown(b.instrument)}${b.article !== undefined ? `, ${shown(b.article)}` : ''}; request ${shown(b.requestReference)} (${shown(b.requestingCountry)} -> ${shown(b.executingCountry)})`,
    );
  } else {
    lines.push('Bundle:  manifest could not be read');
  }
  lines.push('');
  lines.push(`Items (${report.summary.itemsIntact}/${report.summary.itemsTotal} intact):`);
  for (const item of report.items) {
    lines.push(`  ${shown(item.status).padEnd(9)} ${shown(item.id)}${item.path !== undefined ? `  data/${shown(item.path)}` : ''}`);
  }
  lines.push('');
  lines.push(`Signatures (${report.summary.trustedSignatures} trusted):`);
  if (report.signatures.length === 0) lines.push('  none');
  for (const s of report.signatures) {
    const who = [s.role, s.alg, s.kid !== undefined ? `kid ${s.kid}` : undefined].filter(Boolean).map((t) => shown(t!)).join(', ');
    const trust = s.authority !== undefined ? `; ${s.trusted ? 'trusted' : 'not trusted'} through ${shown(s.authority)}` : '';
    const stamp = s.timestamp !== undefined ? `; timestamp ${shown(s.timestamp.status)}${s.timestamp.genTime !== undefined ? ` ${shown(s.timestamp.genTime)}` : ''}` : '';
    lines.push(`  #${s.index} ${shown(s.status).padEnd(9)} ${who}${s.signedAt !== undefined ? `, signed ${shown(s.signedAt)}` : ''}${trust}${stamp}`);
  }
  if (report.custody !== null) {
    lines.push('');
    lines.push(`Custody (${report.custody.events.length} events):`);
    for (const e of report.custody.events) {
      const { what, detail } = describeCustodyEvent(e);
      lines.push(`  #${e.seq} ${shown(e.status).padEnd(9)} ${shown(e.time)}  ${what}`);
      lines.push(`      ${detail}`);
    }
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('Findings: none');
  } else {
    lines.push(`Findings (${report.summary.errors} errors, ${report.summary.warnings} warnings):`);
    for (const f of report.findings) {
      lines.push(`  [${MARK[f.severity] ?? '?'}] ${shown(f.code)}${where(f)}: ${shown(f.message)}`);
    }
  }
  return lines.join('\n') + '\n';
}
