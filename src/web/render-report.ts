import { escapeForDisplay, type VerificationReport } from '../index.js';
import { formatDate, formatFindingParts, formatNumber, formatText, type TextKey } from '../entries/i18n.js';

/** One finding as the report carries it. */
export type ReportFinding = VerificationReport['findings'][number];

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** The document the elements are made in. */
  document: Document;
  /** BCP 47 tag of the language the report is shown in (one of LANGUAGES, or a tag they match); `en` unless given. */
  lang?: string;
  /** Where the bundle came from (a file or folder name, untrusted) and what trust material was used. */
  context?: { bundle: string; form: string; trust: string };
}

const MARK: Record<VerificationReport['outcome'], string> = { VALID: '\u2714', INVALID: '\u2716', INDETERMINATE: '?' };

/**
 * The verification report as page elements, in the language `options.lang` (the message catalogs of `evb verify
 * --lang`): the outcome first, unmistakably (word, sign and colour), then the case and its legal basis, every
 * item with its status, every signature with who signed and why it is or is not trusted, the custody timeline,
 * and every finding with its code. Everything from the bundle is set as text (`textContent`), never as markup,
 * after {@link escapeForDisplay} has made control, bidi and invisible characters visible; each parameter of a
 * finding message is its own `<bdi>`, so a right-to-left value cannot reorder the sentence around it.
 * @throws TypeError when `options.document` is missing.
 * @throws EvidenceBundleError `ERR_LANG_INVALID` when `options.lang` is not a well-formed BCP 47 tag
 * @example main.replaceChildren(renderReport(report, { document, lang: 'fr' }));
 */
export function renderReport(report: VerificationReport, options: RenderOptions): HTMLElement {
  const doc = options.document;
  if (doc === undefined || doc === null) throw new TypeError('renderReport needs a document');
  const lang = options.lang ?? 'en';
  const t = (key: TextKey, values?: Readonly<Record<string, string | number>>): string => formatText(lang, key, values);
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  };
  const shown = (text: string | undefined): string => (text === undefined ? '\u2014' : escapeForDisplay(text));
  const date = (text: string | undefined): string => (text === undefined ? '\u2014' : escapeForDisplay(formatDate(text, lang)));
  const number = (n: number): string => formatNumber(n, lang);
  const table = (caption: string, headers: string[], rows: Array<Array<string | HTMLElement>>, id: string): HTMLElement => {
    const section = el('section');
    section.id = id;
    section.append(el('h2', caption));
    if (rows.length === 0) {
      section.append(el('p', t('none'), 'none'));
      return section;
    }
    const table = el('table');
    const head = el('tr');
    for (const h of headers) head.append(el('th', h));
    table.append(el('thead'));
    table.tHead!.append(head);
    const body = el('tbody');
    for (const row of rows) {
      const tr = el('tr');
      for (const cell of row) {
        const td = el('td');
        if (typeof cell === 'string') td.textContent = cell;
        else td.append(cell);
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    section.append(table);
    return section;
  };
  // The status word in the reader's language; the class (for the colour) and data-status keep the report's value.
  const badge = (status: string, key: TextKey): HTMLElement => {
    const node = el('span', t(key), `badge s-${status.replace(/[^a-z-]/g, '')}`);
    node.dataset['status'] = status;
    return node;
  };
  const statusBadge = (status: 'intact' | 'altered' | 'missing' | 'withheld' | 'unchecked' | 'valid' | 'invalid' | 'untrusted' | 'malformed'): HTMLElement =>
    badge(status, `status.${status}`);
  // A finding's message: the catalog's text as text nodes, each parameter (bundle text) in its own <bdi>.
  const message = (f: ReportFinding): HTMLElement => {
    const span = el('span', undefined, 'message');
    for (const part of formatFindingParts(f, lang)) {
      if (part.param === undefined) span.append(doc.createTextNode(part.text));
      else {
        const bdi = el('bdi', escapeForDisplay(part.text));
        bdi.dataset['param'] = part.param;
        span.append(bdi);
      }
    }
    return span;
  };

  // An item's status; for a withheld one, as the text report gives it, its reason (with the legal basis) and, for
  // a redaction, who withheld it and when: text from the bundle, set as text, in the catalog's sentences.
  const itemStatus = (i: VerificationReport['items'][number]): HTMLElement => {
    const w = i.withheld;
    if (w === undefined) return statusBadge(i.status);
    const cell = el('div', undefined, 'withheld');
    cell.append(statusBadge(i.status));
    const reason = w.legalBasis !== undefined ? `${shown(w.reason)} (${shown(w.legalBasis)})` : shown(w.reason);
    cell.append(el('p', t('withheld.reason', { reason }), 'withheld-reason'));
    if (w.by !== undefined) cell.append(el('p', t('withheld.by', { by: shown(w.by), time: date(w.time), seq: w.custody ?? '' }), 'withheld-by'));
    return cell;
  };

  const root = el('article', undefined, 'report');
  root.lang = lang;

  const outcome = el('section', undefined, `outcome o-${report.outcome}`);
  outcome.id = 'outcome';
  outcome.dataset['outcome'] = report.outcome;
  // The stable English word after the language's, as the text report gives it: `INVALIDE [INVALID]`.
  const word = t(`outcome.${report.outcome}`);
  outcome.append(el('p', `${MARK[report.outcome]} ${word}${word === report.outcome ? '' : ` [${report.outcome}]`}`, 'verdict'), el('p', t(`page.meaning.${report.outcome}`), 'meaning'));
  const s = report.summary;
  outcome.append(el('p', t('page.counts', { errors: s.errors, warnings: s.warnings, intact: s.itemsIntact, total: s.itemsTotal, trusted: s.trustedSignatures }), 'counts'));
  root.append(outcome);

  const about = el('section');
  about.id = 'case';
  about.append(el('h2', t('page.case-heading')));
  const facts = el('dl');
  const fact = (term: TextKey, value: string): void => {
    facts.append(el('dt', t(term)), el('dd', value));
  };
  const b = report.bundle;
  if (b === null) {
    about.append(el('p', t('page.case-unreadable'), 'none'));
  } else {
    fact('page.case-reference', shown(b.caseReference));
    fact('page.case-title', shown(b.caseTitle));
    fact('page.instrument', shown(b.instrument));
    fact('page.article', shown(b.article));
    fact('page.request-reference', shown(b.requestReference));
    fact('page.requesting-country', shown(b.requestingCountry));
    fact('page.executing-country', shown(b.executingCountry));
    fact('page.created-by', `${escapeForDisplay(b.creator.name)} (${escapeForDisplay(b.creator.country)})`);
    fact('page.created-at', date(b.createdAt));
    fact('page.bundle-id', shown(b.bundleId));
    fact('page.format-version', shown(b.formatVersion));
    about.append(facts);
  }
  root.append(about);

  root.append(
    table(
      t('page.items'),
      [t('page.col.item'), t('page.col.path'), t('page.col.size'), t('page.col.status')],
      report.items.map((i) => [shown(i.id), shown(i.path), i.size === undefined ? '\u2014' : number(i.size), itemStatus(i)]),
      'items',
    ),
  );

  const why = (index: number): HTMLElement | string => {
    const reasons = report.findings.filter((f) => f.signature === index);
    if (reasons.length === 0) return '\u2014';
    const list = el('div');
    for (const f of reasons) {
      const line = el('div');
      line.append(el('code', f.code), doc.createTextNode(': '), message(f));
      list.append(line);
    }
    return list;
  };
  root.append(
    table(
      t('page.signatures'),
      ['#', t('page.col.role'), t('page.col.kid'), t('page.col.alg'), t('page.col.status'), t('page.col.trusted'), t('page.col.trusted-as'), t('page.col.signed-at'), t('page.col.timestamp'), t('page.col.why')],
      report.signatures.map((g) => [
        number(g.index),
        shown(g.role),
        shown(g.kid),
        shown(g.alg),
        statusBadge(g.status),
        t(g.trusted ? 'yes' : 'no'),
        shown(g.authority),
        date(g.signedAt),
        g.timestamp === undefined ? '\u2014' : `${escapeForDisplay(g.timestamp.status)}${g.timestamp.genTime === undefined ? '' : ` ${date(g.timestamp.genTime)}`}`,
        why(g.index),
      ]),
      'signatures',
    ),
  );

  root.append(
    table(
      t('page.custody'),
      ['#', t('page.col.time'), t('page.col.event'), t('page.col.actor'), t('page.col.place'), t('page.col.purpose'), t('page.col.counterparty'), t('page.col.items'), t('page.col.status')],
      (report.custody?.events ?? []).map((e) => [
        number(e.seq),
        // As signed (docs/format.md, "Reports in the reader's language"): its fractions and offset are evidence.
        shown(e.time),
        shown(e.type),
        shown(e.actor),
        shown(e.place),
        shown(e.purpose),
        shown(e.counterparty),
        e.items === 'all' ? t('custody.all-items') : e.items.map((i) => escapeForDisplay(i)).join(', '),
        statusBadge(e.status),
      ]),
      'custody',
    ),
  );

  const where = (f: ReportFinding): string =>
    [
      f.path === undefined ? '' : t('page.at.path', { path: escapeForDisplay(f.path) }),
      f.item === undefined ? '' : t('at.item', { item: escapeForDisplay(f.item) }),
      f.signature === undefined ? '' : t('at.signature', { index: f.signature }),
      f.custody === undefined ? '' : t('at.custody', { seq: f.custody }),
      f.rule === undefined ? '' : t('at.rule', { rule: escapeForDisplay(f.rule) }),
      f.line === undefined ? '' : t('page.at.line', { line: f.line }),
    ].filter((p) => p !== '').join(', ') || '\u2014';
  root.append(
    table(
      t('page.findings'),
      [t('page.col.severity'), t('page.col.code'), t('page.col.where'), t('page.col.message')],
      report.findings.map((f) => [badge(f.severity, `page.severity.${f.severity}`), el('code', f.code), where(f), message(f)]),
      'findings',
    ),
  );

  const foot = el('footer');
  const ctx = options.context;
  const checked = formatDate(report.checkedAt, lang);
  foot.append(
    el('p', ctx === undefined ? t('page.checked', { time: checked }) : t('page.checked-context', { time: checked, bundle: escapeForDisplay(ctx.bundle), form: ctx.form, trust: escapeForDisplay(ctx.trust) })),
  );
  root.append(foot);
  return root;
}
