import type { TextKey } from '../i18n/catalog.js';
import { formatDate, formatDecimal, formatNumber, formatText } from '../i18n/format.js';
import { negotiateLanguage } from '../i18n/negotiate-language.js';
import { escapeForDisplay as shown } from '../report/display-text.js';
import { describeCustodyEvent } from './describe-custody-event.js';
import type { BundleInspection } from './inspect-bundle.js';

// Prose may hold line feeds on purpose; its later lines are indented deeper than any line this rendering
// starts itself (labels at 0, lists at 2, details at 6, continuations at 13), so none can pass for one of them.
const PROSE = { indent: ' '.repeat(16) };

// The description in the language closest to the reader's (RFC 4647 lookup: fr-CA finds fr), else the first.
function text(t: Record<string, string> | undefined, lang = 'en'): string {
  if (t === undefined) return '';
  const first = Object.keys(t)[0];
  if (first === undefined) return '';
  return t[negotiateLanguage([lang], Object.keys(t), first)] ?? '';
}

// Binary units are the same in every language; the number is the language's (1,5 MiB in French).
function size(n: number, lang: string): string {
  const units: ReadonlyArray<[number, string, number]> = [[1073741824, 'GiB', 2], [1048576, 'MiB', 1], [1024, 'KiB', 1]];
  for (const [scale, unit, digits] of units) {
    if (n >= scale) return `${formatDecimal(n / scale, digits, lang)} ${unit}`;
  }
  return `${formatNumber(n, lang)} B`;
}

/**
 * Renders what a bundle claims (case, legal basis, handling, items, actors, signers) for a person, in their
 * language: the renderer's own words from the catalog of `lang` (RFC 4647 lookup, English when none fits),
 * descriptions in `lang` when the bundle has them. The text says plainly that nothing here is verified. Every
 * piece of text from the bundle is escaped for display ({@link escapeForDisplay}); line feeds in prose
 * (descriptions, purpose, conditions) are shown as indented lines, every other control, bidi or invisible
 * character as an escape.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `lang` is not a well-formed BCP 47 tag
 */
export function renderInspectionText(inspection: BundleInspection, lang = 'en'): string {
  const t = (key: TextKey, values?: Record<string, string | number>) => formatText(lang, key, values);
  const date = (s: string) => shown(formatDate(s, lang));
  // Labels end where values start, at column 13 (or later for a long label): never at 16, the prose indent.
  const label = (key: TextKey) => `${t(key)}:`.padEnd(13);
  const m = inspection.manifest;
  const out: string[] = [];
  if (m === undefined) {
    out.push(t('inspect.unreadable'));
  } else {
    const lb = m.legalBasis;
    out.push(t('inspect.bundle', { bundleId: shown(m.bundleId), formatVersion: shown(m.formatVersion), createdAt: date(m.createdAt) }));
    out.push(`  ${t('inspect.by', { name: shown(m.creator.name), country: shown(m.creator.country) })}`);
    out.push('');
    out.push(`${label('inspect.case')}${shown(m.case.reference)}${m.case.title !== undefined ? ` - ${shown(m.case.title)}` : ''}`);
    const desc = text(m.case.description, lang);
    if (desc) out.push(`             ${shown(desc, PROSE)}`);
    out.push(`${label('inspect.instrument')}${shown(lb.instrument.name)}${lb.instrument.article !== undefined ? `, ${shown(lb.instrument.article)}` : ''}`);
    const request = lb.request.date !== undefined
      ? t('inspect.request-date', { kind: shown(lb.request.kind), reference: shown(lb.request.reference), date: shown(lb.request.date) })
      : `${shown(lb.request.kind)} ${shown(lb.request.reference)}`;
    out.push(`${label('inspect.request')}${request}`);
    for (const id of lb.request.identifiers ?? []) out.push(`${label('inspect.request-id')}${shown(id.scheme)} ${shown(id.value)}`);
    out.push(`${label('inspect.requesting')}${shown(lb.requestingAuthority.name)} [${shown(lb.requestingAuthority.country)}]`);
    out.push(`${label('inspect.executing')}${shown(lb.executingAuthority.name)} [${shown(lb.executingAuthority.country)}]`);
    out.push(`${label('inspect.purpose')}${shown(lb.purpose, PROSE)}`);
    out.push(`${label('inspect.speciality')}${lb.useRestrictions.speciality ? t('inspect.speciality-yes') : t('no')}`);
    for (const c of lb.useRestrictions.conditions ?? []) out.push(`             - ${shown(c, PROSE)}`);
    const note = lb.confidentiality.note !== undefined ? ` (${shown(lb.confidentiality.note, PROSE)})` : '';
    out.push(`${t('inspect.confidential')}: ${lb.confidentiality.requestConfidential ? t('yes') : t('no')}${note}`);
    for (const r of m.relatedBundles ?? []) out.push(`${label('inspect.related')}${shown(r.relation)} ${shown(r.bundleId)} (${shown(r.manifestDigest)})`);
    out.push('');
    const h = m.handling;
    out.push(`${label('inspect.handling')}${shown(h.marking)}`);
    const personal = (h.personalData.categories ?? []).map((c) => shown(c)).join(', ') || t('unspecified');
    const categories = h.dataCategories.map((c) => shown(c)).join(', ');
    out.push(`${label('inspect.data')}${t('inspect.data-value', { categories, personal: h.personalData.present ? `${t('yes')} (${personal})` : t('no') })}`);
    if (h.retention !== undefined) {
      const onExpiry = shown(h.retention.onExpiry);
      const retention = h.retention.until !== undefined ? t('inspect.retention-until', { until: shown(h.retention.until), onExpiry }) : t('inspect.retention-then', { onExpiry });
      out.push(`${label('inspect.retention')}${retention}`);
    }
    out.push('');
    out.push(t('inspect.items', { count: m.items.length }));
    for (const item of m.items) {
      const where = item.disclosure.status === 'withheld' ? t('inspect.withheld', { reason: shown(item.disclosure.reason) }) : `data/${shown(item.path ?? '')}`;
      out.push(`  ${shown(item.id)}  ${where}  ${item.size !== undefined ? size(item.size, lang) : ''}  ${shown(item.mediaType)}`);
      const d = text(item.description, lang);
      if (d) out.push(`      ${shown(d, PROSE)}`);
      if (item.acquisition !== undefined) {
        const a = item.acquisition;
        const tool = a.tool !== undefined ? ` (${shown(a.tool.name)} ${shown(a.tool.version)})` : '';
        out.push(`      ${t('inspect.acquired', { time: date(a.time), actor: shown(a.actor), method: shown(a.method) })}${tool}`);
      }
      out.push(`      sha256 ${shown(item.digests?.sha256 ?? '-')}`);
    }
    out.push('');
    out.push(t('inspect.actors', { count: m.actors.length }));
    for (const a of m.actors) out.push(`  ${shown(a.id)}  ${shown(a.name)}, ${shown(a.role)}, ${shown(a.organisation)} [${shown(a.country)}]`);
  }
  out.push('');
  out.push(t('inspect.signatures', { count: inspection.signatures.length }));
  for (const s of inspection.signatures) {
    const at = s.signedAt !== undefined ? ` ${t('inspect.signed-at', { time: date(s.signedAt) })}` : '';
    out.push(`  #${s.index} ${shown(s.role ?? '?')} ${shown(s.alg ?? '?')} kid ${shown(s.kid ?? '?')}${at}`);
  }
  if (inspection.custody !== undefined) {
    const { events, problems } = inspection.custody;
    out.push('');
    const chain = problems === 0 ? t('inspect.chain-intact') : t('inspect.chain-problems', { count: problems });
    out.push(t('inspect.custody', { count: events.length, chain }));
    for (const e of events) {
      const { what, detail } = describeCustodyEvent(e, lang);
      const broken = e.status === 'invalid' || e.status === 'malformed' ? `  [${t(`status.${e.status}`)}]` : '';
      // As signed (RFC 3339), as in the verify report's timeline.
      out.push(`  #${e.seq} ${shown(e.time)}  ${what}${broken}`);
      out.push(`      ${detail}`);
    }
  }
  return out.join('\n') + '\n';
}
