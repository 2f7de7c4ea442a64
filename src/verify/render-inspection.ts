import { describeCustodyEvent } from './describe-custody-event.js';
import type { BundleInspection } from './inspect-bundle.js';

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
 * says plainly that nothing here is verified.
 */
export function renderInspectionText(inspection: BundleInspection, lang = 'en'): string {
  const m = inspection.manifest;
  const out: string[] = [];
  if (m === undefined) {
    out.push('Manifest: unreadable or invalid (run "evb verify" for the findings)');
  } else {
    const lb = m.legalBasis;
    out.push(`Bundle ${m.bundleId} (format ${m.formatVersion}), created ${m.createdAt}`);
    out.push(`  by ${m.creator.name} [${m.creator.country}]`);
    out.push('');
    out.push(`Case:        ${m.case.reference}${m.case.title !== undefined ? ` - ${m.case.title}` : ''}`);
    const desc = text(m.case.description, lang);
    if (desc) out.push(`             ${desc}`);
    out.push(`Instrument:  ${lb.instrument.name}${lb.instrument.article !== undefined ? `, ${lb.instrument.article}` : ''}`);
    out.push(`Request:     ${lb.request.kind} ${lb.request.reference}${lb.request.date !== undefined ? ` of ${lb.request.date}` : ''}`);
    out.push(`Requesting:  ${lb.requestingAuthority.name} [${lb.requestingAuthority.country}]`);
    out.push(`Executing:   ${lb.executingAuthority.name} [${lb.executingAuthority.country}]`);
    out.push(`Purpose:     ${lb.purpose}`);
    out.push(`Speciality:  ${lb.useRestrictions.speciality ? 'yes: use only for the stated proceedings' : 'no'}`);
    for (const c of lb.useRestrictions.conditions ?? []) out.push(`             - ${c}`);
    out.push(`Confidential request: ${lb.confidentiality.requestConfidential ? 'yes' : 'no'}${lb.confidentiality.note !== undefined ? ` (${lb.confidentiality.note})` : ''}`);
    out.push('');
    const h = m.handling;
    out.push(`Handling:    ${h.marking}`);
    out.push(`Data:        ${h.dataCategories.join(', ')}; personal data: ${h.personalData.present ? `yes (${(h.personalData.categories ?? []).join(', ') || 'unspecified'})` : 'no'}`);
    if (h.retention !== undefined) {
      out.push(`Retention:   ${h.retention.until !== undefined ? `until ${h.retention.until}, ` : ''}then ${h.retention.onExpiry}`);
    }
    out.push('');
    out.push(`Items (${m.items.length}):`);
    for (const item of m.items) {
      const where = item.disclosure.status === 'withheld' ? `WITHHELD: ${item.disclosure.reason}` : `data/${item.path ?? ''}`;
      out.push(`  ${item.id}  ${where}  ${item.size !== undefined ? size(item.size) : ''}  ${item.mediaType}`);
      const d = text(item.description, lang);
      if (d) out.push(`      ${d}`);
      if (item.acquisition !== undefined) {
        const a = item.acquisition;
        out.push(`      acquired ${a.time} by ${a.actor}: ${a.method}${a.tool !== undefined ? ` (${a.tool.name} ${a.tool.version})` : ''}`);
      }
      out.push(`      sha256 ${item.digests?.sha256 ?? '-'}`);
    }
    out.push('');
    out.push(`Actors (${m.actors.length}):`);
    for (const a of m.actors) out.push(`  ${a.id}  ${a.name}, ${a.role}, ${a.organisation} [${a.country}]`);
  }
  out.push('');
  out.push(`Signatures (claimed, not verified; run "evb verify"): ${inspection.signatures.length}`);
  for (const s of inspection.signatures) {
    out.push(`  #${s.index} ${s.role ?? '?'} ${s.alg ?? '?'} kid ${s.kid ?? '?'}${s.signedAt !== undefined ? ` at ${s.signedAt}` : ''}`);
  }
  if (inspection.custody !== undefined) {
    const { events, problems } = inspection.custody;
    out.push('');
    const chain = problems === 0 ? 'chain intact' : `${problems} problem(s) in the chain: run "evb verify"`;
    out.push(`Custody (${events.length} events; ${chain}; signers not verified):`);
    for (const e of events) {
      const { what, detail } = describeCustodyEvent(e);
      const broken = e.status === 'invalid' || e.status === 'malformed' ? `  [${e.status}]` : '';
      out.push(`  #${e.seq} ${e.time}  ${what}${broken}`);
      out.push(`      ${detail}`);
    }
  }
  return out.join('\n') + '\n';
}
