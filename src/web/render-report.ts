import { escapeForDisplay, type VerificationReport } from '../index.js';

/** One finding as the report carries it. */
export type ReportFinding = VerificationReport['findings'][number];

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** The document the elements are made in. */
  document: Document;
  /** BCP 47 tag of the language the report is shown in (`lang` of the report element; `en` for now). */
  lang?: string;
  /**
   * The text of one finding in the report's language. The seam for message catalogs: the default is the
   * report's own English message.
   */
  message?: (finding: ReportFinding) => string;
  /** Where the bundle came from (a file or folder name, untrusted) and what trust material was used. */
  context?: { bundle: string; form: string; trust: string };
}

const MEANING: Record<VerificationReport['outcome'], string> = {
  VALID: 'Integrity, signatures, custody and the trust policy all hold.',
  INVALID: 'Something was altered, a signature does not verify, or the custody chain is broken.',
  INDETERMINATE: 'Everything that was checked holds, but trust cannot be established.',
};
const MARK: Record<VerificationReport['outcome'], string> = { VALID: '\u2714', INVALID: '\u2716', INDETERMINATE: '?' };

/**
 * The verification report as page elements: the outcome first, unmistakably (word, sign and colour), then the
 * case and its legal basis, every item with its status, every signature with who signed and why it is or is not
 * trusted, the custody timeline, and every finding with its code. Everything from the bundle is set as text
 * (`textContent`), never as markup, after {@link escapeForDisplay} has made control, bidi and invisible
 * characters visible.
 * @throws TypeError when `options.document` is missing.
 * @example main.replaceChildren(renderReport(report, { document }));
 */
export function renderReport(report: VerificationReport, options: RenderOptions): HTMLElement {
  const doc = options.document;
  if (doc === undefined || doc === null) throw new TypeError('renderReport needs a document');
  const message = options.message ?? ((f: ReportFinding) => f.message);
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className !== undefined) node.className = className;
    return node;
  };
  const shown = (text: string | undefined): string => (text === undefined ? '\u2014' : escapeForDisplay(text));
  const table = (caption: string, headers: string[], rows: Array<Array<string | HTMLElement>>, id: string): HTMLElement => {
    const section = el('section');
    section.id = id;
    section.append(el('h2', caption));
    if (rows.length === 0) {
      section.append(el('p', 'none', 'none'));
      return section;
    }
    const t = el('table');
    const head = el('tr');
    for (const h of headers) head.append(el('th', h));
    t.append(el('thead'));
    t.tHead!.append(head);
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
    t.append(body);
    section.append(t);
    return section;
  };
  const badge = (status: string): HTMLElement => el('span', status, `badge s-${status.replace(/[^a-z-]/g, '')}`);

  const root = el('article', undefined, 'report');
  root.lang = options.lang ?? 'en';

  const outcome = el('section', undefined, `outcome o-${report.outcome}`);
  outcome.id = 'outcome';
  outcome.dataset['outcome'] = report.outcome;
  outcome.append(el('p', `${MARK[report.outcome]} ${report.outcome}`, 'verdict'), el('p', MEANING[report.outcome], 'meaning'));
  const s = report.summary;
  outcome.append(el('p', `${s.errors} error(s), ${s.warnings} warning(s); ${s.itemsIntact} of ${s.itemsTotal} item(s) intact; ${s.trustedSignatures} trusted signature(s)`, 'counts'));
  root.append(outcome);

  const about = el('section');
  about.id = 'case';
  about.append(el('h2', 'Case and legal basis'));
  const facts = el('dl');
  const fact = (term: string, value: string | undefined): void => {
    facts.append(el('dt', term), el('dd', shown(value)));
  };
  const b = report.bundle;
  if (b === null) {
    about.append(el('p', 'The manifest could not be read: no case information.', 'none'));
  } else {
    fact('Case reference', b.caseReference);
    fact('Case title', b.caseTitle);
    fact('Legal instrument', b.instrument);
    fact('Article', b.article);
    fact('Request reference', b.requestReference);
    fact('Requesting country', b.requestingCountry);
    fact('Executing country', b.executingCountry);
    fact('Created by', `${b.creator.name} (${b.creator.country})`);
    fact('Created at', b.createdAt);
    fact('Bundle id', b.bundleId);
    fact('Format version', b.formatVersion);
    about.append(facts);
  }
  root.append(about);

  root.append(
    table('Items', ['Item', 'Path', 'Size (bytes)', 'Status'], report.items.map((i) => [shown(i.id), shown(i.path), i.size === undefined ? '\u2014' : String(i.size), badge(i.status)]), 'items'),
  );

  const why = (index: number): string => {
    const reasons = report.findings.filter((f) => f.signature === index).map((f) => `${f.code}: ${escapeForDisplay(message(f))}`);
    return reasons.length > 0 ? reasons.join('\n') : '\u2014';
  };
  root.append(
    table(
      'Signatures',
      ['#', 'Role', 'Key id', 'Algorithm', 'Status', 'Trusted', 'Trusted as', 'Signed at (claimed)', 'Timestamp', 'Why'],
      report.signatures.map((g) => [
        String(g.index),
        shown(g.role),
        shown(g.kid),
        shown(g.alg),
        badge(g.status),
        g.trusted ? 'yes' : 'no',
        shown(g.authority),
        shown(g.signedAt),
        g.timestamp === undefined ? '\u2014' : `${escapeForDisplay(g.timestamp.status)}${g.timestamp.genTime === undefined ? '' : ` ${escapeForDisplay(g.timestamp.genTime)}`}`,
        why(g.index),
      ]),
      'signatures',
    ),
  );

  root.append(
    table(
      'Custody timeline',
      ['#', 'Time', 'Event', 'Actor', 'Place', 'Purpose', 'Counterparty', 'Items', 'Status'],
      (report.custody?.events ?? []).map((e) => [
        String(e.seq),
        shown(e.time),
        shown(e.type),
        shown(e.actor),
        shown(e.place),
        shown(e.purpose),
        shown(e.counterparty),
        e.items === 'all' ? 'all' : e.items.map((i) => escapeForDisplay(i)).join(', '),
        badge(e.status),
      ]),
      'custody',
    ),
  );

  const where = (f: ReportFinding): string =>
    [
      f.path === undefined ? '' : `path ${escapeForDisplay(f.path)}`,
      f.item === undefined ? '' : `item ${escapeForDisplay(f.item)}`,
      f.signature === undefined ? '' : `signature ${f.signature}`,
      f.custody === undefined ? '' : `custody ${f.custody}`,
      f.rule === undefined ? '' : `rule ${escapeForDisplay(f.rule)}`,
      f.line === undefined ? '' : `line ${f.line}`,
    ].filter((p) => p !== '').join(', ') || '\u2014';
  root.append(
    table(
      'Findings',
      ['Severity', 'Code', 'Where', 'Message'],
      report.findings.map((f) => [badge(f.severity), el('code', f.code), where(f), escapeForDisplay(message(f))]),
      'findings',
    ),
  );

  const foot = el('footer');
  const ctx = options.context;
  foot.append(el('p', `Checked at ${report.checkedAt}${ctx === undefined ? '' : ` \u2014 bundle ${escapeForDisplay(ctx.bundle)} (${ctx.form}), against ${escapeForDisplay(ctx.trust)}`}`));
  root.append(foot);
  return root;
}
