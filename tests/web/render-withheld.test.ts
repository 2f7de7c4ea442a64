// The verifier page's report (src/web/render-report.ts) shows a withheld item's reason, legal basis and who
// withheld it, as the text report does, in the reader's language, as text only. Run outside the browser over a
// minimal document whose elements refuse markup (innerHTML throws), so a regression to markup fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatText } from '../../src/entries/i18n.js';
import { verifyBundle, type VerificationReport } from '../../src/index.js';
import { renderReport } from '../../src/web/render-report.js';
import { filesSource, keyPair, packSelective, redactInMemory } from '../disclosure/helpers.js';

class FakeNode {
  children: FakeNode[] = [];
  text = '';
  className = '';
  id = '';
  lang = '';
  dataset: Record<string, string> = {};
  tHead: FakeNode | null = null;
  constructor(readonly tag: string) {}
  set textContent(t: string) {
    this.text = t;
    this.children = [];
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set innerHTML(_: string) {
    throw new Error('markup set on the page');
  }
  append(...nodes: FakeNode[]): void {
    for (const n of nodes) {
      this.children.push(n);
      if (n.tag === 'thead') this.tHead = n;
    }
  }
  replaceChildren(...nodes: FakeNode[]): void {
    this.children = [];
    this.append(...nodes);
  }
  all(): FakeNode[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}
const fakeDocument = {
  createElement: (tag: string) => new FakeNode(tag),
  createTextNode: (text: string) => Object.assign(new FakeNode('#text'), { text }),
} as unknown as Document;

const REASON = 'data of a <b>third party</b> outside the request';
const BASIS = 'Law on MLA, Article 21';
let report: VerificationReport;
beforeAll(async () => {
  const k = await keyPair();
  const files = await packSelective({ packager: k, custodian: k });
  const derived = await redactInMemory(files, k, ['third-party'], { reason: REASON, legalBasis: BASIS });
  report = await verifyBundle(filesSource(derived), { trustedKeys: [k.publicJwk] });
});

describe('the verifier page shows who withheld an item and why', () => {
  it.each(['en', 'fr', 'ar', 'vi'])('%s: reason, legal basis and who, as text, in the catalog\'s words', (lang) => {
    expect(report.outcome).toBe('VALID');
    const w = report.items.find((i) => i.id === 'third-party')!.withheld!;
    expect(w.by).toBeDefined();
    const page = renderReport(report, { document: fakeDocument, lang }) as unknown as FakeNode;
    const row = page.all().find((n) => n.tag === 'tr' && n.children[0]?.textContent === 'third-party')!;
    const reason = row.all().find((n) => n.className === 'withheld-reason')!;
    const by = row.all().find((n) => n.className === 'withheld-by')!;
    // The markup in the reason is text, never markup.
    expect(reason.textContent).toContain('<b>third party</b>');
    expect(reason.textContent).toContain('Article 21');
    const label = formatText(lang, 'withheld.reason', { reason: '\u0000' }).split('\u0000')[0]!;
    expect(reason.textContent.startsWith(label)).toBe(true);
    expect(by.textContent).toContain(w.by!.split(' (')[0]!);
    expect(by.textContent).toContain(String(w.custody));
    // A present item has no such lines.
    const chat = page.all().find((n) => n.tag === 'tr' && n.children[0]?.textContent === 'chat')!;
    expect(chat.all().some((n) => n.className.startsWith('withheld'))).toBe(false);
  });
});
