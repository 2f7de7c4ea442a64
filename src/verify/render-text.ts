import { formatDate, formatFinding, formatText, messages } from '../i18n/format.js';
import type { TextKey } from '../i18n/catalog.js';
import { escapeForDisplay as shown } from '../report/display-text.js';
import { describeCustodyEvent } from './describe-custody-event.js';
import type { VerificationReport } from './report-schema.js';

type Finding = VerificationReport['findings'][number];

/** Options of {@link renderReportText}. */
export interface RenderTextOptions {
  /**
   * The reader's language (BCP 47); the best catalog by RFC 4647 lookup (`fr-CA` -> `fr`), English when none
   * fits (src/i18n, README "Reports in your language"). Default `en`.
   */
  lang?: string;
  /**
   * List every item, intact ones included (`evb verify --verbose`). By default the intact items are counted in
   * one line and only the others (altered, missing, withheld, unchecked) are listed, so that a bundle of 100,000
   * items does not print 100,000 lines to say nothing is wrong.
   */
  verbose?: boolean;
}

const MARK: Record<string, string> = { error: 'x', warning: '!', info: 'i' };

/**
 * Renders a verification report for a person, in their language: the outcome first, then what the bundle is,
 * each item that is not intact (with the count of the intact ones; every item with `verbose`), each signature, and every finding with its code, so that the text can be quoted and the code
 * looked up. The outcome word is the language's, followed by the stable English one in brackets when they
 * differ (`Résultat : INVALIDE [INVALID]`), so that a script and a person read the same line. Every piece of
 * text that comes from the bundle or the policy (names, ids, paths, roles, key ids, finding parameters)
 * goes through {@link escapeForDisplay}, so that no line of the rendering can be forged and nothing in it
 * reaches a terminal raw, bidi controls included, whatever the direction of the language; so is everything
 * else read from the report, codes and statuses included, so that a report read back from JSON renders as
 * safely as one just made. Only the catalog's own strings are written as they are.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `options.lang` is not a well-formed BCP 47 tag
 * @example
 * process.stdout.write(renderReportText(await verifyBundle(source, { trustedKeys }), { lang: 'fr' }));
 */
export function renderReportText(report: VerificationReport, options: RenderTextOptions = {}): string {
  const lang = options.lang ?? 'en';
  const catalog = messages(lang);
  const t = (key: TextKey, values?: Record<string, string | number>) => formatText(lang, key, values);
  const status = (s: string) => (Object.hasOwn(catalog.text, `status.${s}`) ? t(`status.${s}` as TextKey) : shown(s));
  const date = (s: string) => shown(formatDate(s, lang));
  const lines: string[] = [];
  const outcome = shown(report.outcome);
  const word = Object.hasOwn(catalog.text, `outcome.${report.outcome}`) ? t(`outcome.${report.outcome}` as TextKey) : outcome;
  lines.push(`${t('outcome')}: ${word}${word === outcome ? '' : ` [${outcome}]`}`);
  const labels = (['label.bundle', 'label.creator', 'label.case', 'label.basis'] as const).map((k) => t(k));
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const label = (i: number) => `${labels[i]}:`.padEnd(width);
  const b = report.bundle;
  if (b !== null) {
    lines.push(label(0) + t('bundle.value', { bundleId: shown(b.bundleId), formatVersion: shown(b.formatVersion), createdAt: date(b.createdAt) }));
    lines.push(`${label(1)}${shown(b.creator.name)} [${shown(b.creator.country)}]`);
    lines.push(`${label(2)}${shown(b.caseReference)}${b.caseTitle !== undefined ? ` - ${shown(b.caseTitle)}` : ''}`);
    const instrument = `${shown(b.instrument)}${b.article !== undefined ? `, ${shown(b.article)}` : ''}`;
    lines.push(label(3) + t('basis.value', { instrument, request: shown(b.requestReference), from: shown(b.requestingCountry), to: shown(b.executingCountry) }));
  } else {
    lines.push(label(0) + t('bundle.unreadable'));
  }
  lines.push('');
  lines.push(t('items.heading', { intact: report.summary.itemsIntact, total: report.summary.itemsTotal }));
  const listed = options.verbose === true ? report.items : report.items.filter((i) => i.status !== 'intact');
  let itemWidth = 9;
  for (const i of listed) itemWidth = Math.max(itemWidth, status(i.status).length + 1);
  for (const item of listed) {
    lines.push(`  ${status(item.status).padEnd(itemWidth)} ${shown(item.id)}${item.path !== undefined ? `  data/${shown(item.path)}` : ''}`);
    if (item.withheld !== undefined) lines.push(...withheldLines(item.withheld, t).map((l) => `  ${' '.repeat(itemWidth)} ${l}`));
  }
  const omitted = report.items.length - listed.length;
  if (omitted > 0) lines.push(`  ${t('items.intact-omitted', { count: omitted })}`);
  lines.push('');
  lines.push(t('signatures.heading', { trusted: report.summary.trustedSignatures }));
  if (report.signatures.length === 0) lines.push(`  ${t('none')}`);
  const sigWidth = Math.max(9, ...report.signatures.map((s) => status(s.status).length + 1));
  for (const s of report.signatures) {
    const who = [s.role, s.alg, s.kid !== undefined ? `kid ${s.kid}` : undefined].filter(Boolean).map((x) => shown(x!)).join(', ');
    const through = s.authority !== undefined ? `; ${t(s.trusted ? 'signature.trusted-through' : 'signature.untrusted-through', { authority: shown(s.authority) })}` : '';
    const stamp = s.timestamp !== undefined ? `; ${t('signature.timestamp', { status: shown(s.timestamp.status) })}${s.timestamp.genTime !== undefined ? ` ${date(s.timestamp.genTime)}` : ''}` : '';
    const signed = s.signedAt !== undefined ? `, ${t('signature.signed', { time: date(s.signedAt) })}` : '';
    lines.push(`  #${s.index} ${status(s.status).padEnd(sigWidth)} ${who}${signed}${through}${stamp}`);
  }
  if (report.custody !== null) {
    lines.push('');
    lines.push(t('custody.heading', { count: report.custody.events.length }));
    // A loop, not Math.max(...events): a spread of 100,000 arguments can overflow the stack.
    let width = 9;
    for (const e of report.custody.events) width = Math.max(width, status(e.status).length + 1);
    for (const e of report.custody.events) {
      const { what, detail } = describeCustodyEvent(e, lang);
      // The timeline keeps the time as signed (RFC 3339, its fractions and offset): it is evidence, and sorts.
      lines.push(`  #${e.seq} ${status(e.status).padEnd(width)} ${shown(e.time)}  ${what}`);
      lines.push(`      ${detail}`);
    }
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push(t('findings.none'));
  } else {
    lines.push(t('findings.heading', { errors: report.summary.errors, warnings: report.summary.warnings }));
    for (const f of report.findings) {
      lines.push(`  [${MARK[f.severity] ?? '?'}] ${shown(f.code)}${where(f, lang)}: ${formatFinding(f, lang)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function where(finding: Finding, lang: string): string {
  const parts: string[] = [];
  if (finding.path !== undefined) parts.push(shown(finding.path) + (finding.line !== undefined ? `:${finding.line}` : ''));
  if (finding.item !== undefined) parts.push(formatText(lang, 'at.item', { item: shown(finding.item) }));
  if (finding.signature !== undefined) parts.push(formatText(lang, 'at.signature', { index: String(finding.signature) }));
  if (finding.custody !== undefined) parts.push(formatText(lang, 'at.custody', { seq: String(finding.custody) }));
  if (finding.rule !== undefined) parts.push(formatText(lang, 'at.rule', { rule: shown(finding.rule) }));
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Why an item is withheld and, for a redaction, by whom and when: the only things the report knows of it. */
function withheldLines(w: NonNullable<VerificationReport['items'][number]['withheld']>, t: (key: TextKey, params?: Record<string, string | number>) => string): string[] {
  const reason = w.legalBasis !== undefined ? `${shown(w.reason)} (${shown(w.legalBasis)})` : shown(w.reason);
  const lines = [t('withheld.reason', { reason })];
  if (w.by !== undefined) lines.push(t('withheld.by', { by: shown(w.by), time: shown(w.time ?? ''), seq: w.custody ?? '' }));
  return lines;
}
