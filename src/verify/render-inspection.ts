import { escapeForDisplay as shown } from '../report/display-text.js';
import { describeCustodyEvent } from './describe-custody-event.js';
import type { BundleInspection } from './inspect-bundle.js';

// Prose may hold line feeds on purpose; its later lines are indented deeper than any line this rendering
// starts itself (labels at 0, lists at 2, details at 6, continuations at 13), so none can pass for one of them.
const PROSE = { indent: ' '.repeat(16) };

function text(t: Record<string, string> | undefined, lang = 'en'): string {
  if (t === undefined) return '';
  return t[lang] ?? Object.values(t)[0] ?? '';
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

/**
 * Renders what a bundle claims (case, legal basis, handling, items, actors, signers) for a person. The text
 * says plainly that nothing here is verified. Every piece of text from the bundle is escaped for display
 * ({@link escapeForDisplay}); line feeds in prose (descriptions, purpose, conditions) are shown as indented
 * lines, every other control, bidi or invisible character as an escape.
 */
export function renderInspectionText(inspection: BundleInspection, lang = 'en'): string {
  const m = inspection.manifest;
  const out: string[] = [];
  if (m === undefined) {
    out.push('Manifest: unreadable or invalid (run "evb verify" for the findings)');
  } else {
    const lb = m.legalBasis;
    out.push(`Bundle ${shown(m.bundleId)} (format ${shown(m.formatVersion)}), created ${shown(m.createdAt)}`);
    out.push(`  by ${shown(m.creator.name)} [${shown(m.creator.country)}]`);
    out.push('');
    out.push(`Case:        ${shown(m.case.reference)}${m.case.title !== undefined ? ` - ${shown(m.case.title)}` : ''}`);
    const desc = text(m.case.description, lang);
    if (desc) out.push(`             ${shown(desc, PROSE)}`);
    out.push(`Instrument:  ${shown(lb.instrument.name)}${lb.instrument.article !== undefined ? `, ${shown(lb.instrument.article)}` : ''}`);
    out.push(`Request:     ${shown(lb.request.kind)} ${shown(lb.request.reference)}${lb.request.date !== undefined ? ` of ${shown(lb.request.date)}` : ''}`);
    for (const id of lb.request.identifiers ?? []) out.push(`  id:        ${shown(id.scheme)} ${shown(id.value)}`);
    out.push(`Requesting:  ${shown(lb.requestingAuthority.name)} [${shown(lb.requestingAuthority.country)}]`);
    out.push(`Executing:   ${shown(lb.executingAuthority.name)} [${shown(lb.executingAuthority.country)}]`);
    out.push(`Purpose:     ${shown(lb.purpose, PROSE)}`);
    out.push(`Speciality:  ${lb.useRestrictions.speciality ? 'yes: use only for the stated proceedings' : 'no'}`);
    for (const c of lb.useRestrictions.conditions ?? []) out.push(`             - ${shown(c, PROSE)}`);
    out.push(`Confidential request: ${lb.confidentiality.requestConfidential ? 'yes' : 'no'}${lb.confidentiality.note !== undefined ? ` (${shown(lb.confidentiality.note, PROSE)})` : ''}`);
    for (const r of m.relatedBundles ?? []) out.push(`Related:     ${shown(r.relation)} bundle ${shown(r.bundleId)} (manifest ${shown(r.manifestDigest)})`);
    out.push('');
    const h = m.handling;
    out.push(`Handling:    ${shown(h.marking)}`);
    const personal = (h.personalData.categories ?? []).map((c) => shown(c)).join(', ') || 'unspecified';
    out.push(`Data:        ${h.dataCategories.map((c) => shown(c)).join(', ')}; personal data: ${h.personalData.present ? `yes (${personal})` : 'no'}`);
    if (h.retention !== undefined) {
      out.push(`Retention:   ${h.retention.until !== undefined ? `until ${shown(h.retention.until)}, ` : ''}then ${shown(h.retention.onExpiry)}`);
    }
    out.push('');
    out.push(`Items (${m.items.length}):`);
    for (const item of m.items) {
      const where = item.disclosure.status === 'withheld' ? `WITHHELD: ${shown(item.disclosure.reason)}` : `data/${shown(item.path ?? '')}`;
      out.push(`  ${shown(item.id)}  ${where}  ${item.size !== undefined ? size(item.size) : ''}  ${shown(item.mediaType)}`);
      const d = text(item.description, lang);
      if (d) out.push(`      ${shown(d, PROSE)}`);
      if (item.acquisition !== undefined) {
        const a = item.acquisition;
        const tool = a.tool !== undefined ? ` (${shown(a.tool.name)} ${shown(a.tool.version)})` : '';
        out.push(`      acquired ${shown(a.time)} by ${shown(a.actor)}: ${shown(a.method)}${tool}`);
      }
      out.push(`      sha256 ${shown(item.digests?.sha256 ?? '-')}`);
    }
    out.push('');
    out.push(`Actors (${m.actors.length}):`);
    for (const a of m.actors) out.push(`  ${shown(a.id)}  ${shown(a.name)}, ${shown(a.role)}, ${shown(a.organisation)} [${shown(a.country)}]`);
  }
  out.push('');
  out.push(`Signatures (claimed, not verified; run "evb verify"): ${inspection.signatures.length}`);
  for (const s of inspection.signatures) {
    out.push(`  #${s.index} ${shown(s.role ?? '?')} ${shown(s.alg ?? '?')} kid ${shown(s.kid ?? '?')}${s.signedAt !== undefined ? ` at ${shown(s.signedAt)}` : ''}`);
  }
  if (inspection.custody !== undefined) {
    const { events, problems } = inspection.custody;
    out.push('');
    const chain = problems === 0 ? 'chain intact' : `${problems} problem(s) in the chain: run "evb verify"`;
    out.push(`Custody (${events.length} events; ${chain}; signers not verified):`);
    for (const e of events) {
      const { what, detail } = describeCustodyEvent(e);
      const broken = e.status === 'invalid' || e.status === 'malformed' ? `  [${e.status}]` : '';
      out.push(`  #${e.seq} ${shown(e.time)}  ${what}${broken}`);
      out.push(`      ${detail}`);
    }
  }
  return out.join('\n') + '\n';
}
