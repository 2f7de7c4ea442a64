import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS, formatFinding, LANGUAGES } from '../../src/entries/i18n.js';
import { escapeForDisplay, inspectBundle, renderInspectionText, renderReportText, type VerificationReport } from '../../src/index.js';
import { FINDING_PARAM_KINDS, FINDING_PARAMS, VerificationReportSchema } from '../../src/entries/report.js';
import { openBundleDirectory, verifyBundleDirectory } from '../../src/node/index.js';
import { flipByte, keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

// The demo's three outcomes (README, "Demo"), and variants of each class, rendered in every language.
let dir: string;
let packager: KeyPair;
let stranger: KeyPair;
const reports: Record<string, VerificationReport> = {};

async function copyOf(pristine: string, name: string): Promise<string> {
  const target = join(dir, name);
  await fsp.cp(pristine, target, { recursive: true });
  return target;
}

async function firstPayloadFile(bundle: string): Promise<string> {
  const manifest = await fsp.readFile(join(bundle, 'manifest-sha256.txt'), 'utf8');
  return join(bundle, manifest.split('\n')[0]!.split(/\s+/)[1]!);
}

beforeAll(async () => {
  dir = await tempDir();
  [packager, stranger] = await Promise.all([keyPair('EdDSA'), keyPair('EdDSA')]);
  const pristine = await packDemo(dir, { name: 'pristine', packager });
  const trusted = { trustedKeys: [packager.publicJwk] };
  reports['VALID'] = await verifyBundleDirectory(pristine, trusted);
  reports['INDETERMINATE unknown signer'] = await verifyBundleDirectory(pristine, { trustedKeys: [stranger.publicJwk] });
  reports['INDETERMINATE unsigned'] = await verifyBundleDirectory(await packDemo(dir, { name: 'unsigned' }), trusted);

  const altered = await copyOf(pristine, 'altered');
  await flipByte(await firstPayloadFile(altered));
  reports['INVALID altered byte'] = await verifyBundleDirectory(altered, trusted);

  const resealed = await copyOf(pristine, 'resealed');
  await flipByte(await firstPayloadFile(resealed));
  await resealBag(resealed);
  reports['INVALID resealed bag'] = await verifyBundleDirectory(resealed, trusted);

  const removed = await copyOf(pristine, 'removed');
  const victim = await firstPayloadFile(removed);
  await fsp.chmod(victim, 0o644);
  await fsp.rm(victim);
  reports['INVALID removed file'] = await verifyBundleDirectory(removed, trusted);

  const added = await copyOf(pristine, 'added');
  await fsp.writeFile(join(added, 'data', 'planted.txt'), 'planted');
  reports['INVALID added file'] = await verifyBundleDirectory(added, trusted);

  const info = await copyOf(pristine, 'bag-info');
  await fsp.writeFile(join(info, 'bag-info.txt'), (await fsp.readFile(join(info, 'bag-info.txt'), 'utf8')).replace(/^External-Identifier: .*$/m, 'External-Identifier: other'));
  reports['INVALID bag-info'] = await verifyBundleDirectory(info, trusted);
}, 60_000);
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const CASES = ['VALID', 'INDETERMINATE unknown signer', 'INDETERMINATE unsigned', 'INVALID altered byte', 'INVALID resealed bag', 'INVALID removed file', 'INVALID added file', 'INVALID bag-info'];

describe('the demo cases', () => {
  it('have the outcomes they stand for, and findings that carry exactly the params their codes declare', () => {
    for (const name of CASES) {
      const report = reports[name]!;
      expect(report.outcome, name).toBe(name.split(' ')[0]);
      expect(VerificationReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
      for (const f of report.findings) {
        const declared = [...(FINDING_PARAMS[f.code as keyof typeof FINDING_PARAMS] ?? [])].sort();
        expect(Object.keys(f.params ?? {}).sort(), `${name}: ${f.code}`).toEqual(declared);
        for (const [param, value] of Object.entries(f.params ?? {})) {
          const kind = FINDING_PARAM_KINDS[param as keyof typeof FINDING_PARAM_KINDS];
          if (kind === 'number' && value !== '-') expect(typeof value, `${f.code}.${param}`).toBe('number');
          if (kind === 'text') expect(typeof value, `${f.code}.${param}`).toBe('string');
        }
      }
    }
    expect(reports['INVALID altered byte']!.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['item.digest-mismatch', 'bag.payload.digest-mismatch']));
    expect(reports['INVALID resealed bag']!.findings.map((f) => f.code)).toContain('item.digest-mismatch');
    expect(reports['INVALID removed file']!.findings.map((f) => f.code)).toContain('item.missing');
    expect(reports['INVALID added file']!.findings.map((f) => f.code)).toContain('item.undeclared');
    expect(reports['INVALID bag-info']!.findings.map((f) => f.code)).toContain('bundle.bag-info.identifier-mismatch');
  });
});

describe.each(LANGUAGES)('the text report in %s', (lang) => {
  const catalog = CATALOGS[lang]!;

  it.each(CASES)('%s: the outcome word of the language, every finding code, its params, no placeholder left', (name) => {
    const report = reports[name]!;
    const text = renderReportText(report, { lang });
    const first = text.split('\n')[0]!;
    const word = catalog.text[`outcome.${report.outcome}`];
    expect(first.startsWith(`${catalog.text['outcome']}: ${word}`), first).toBe(true);
    if (word !== report.outcome) expect(first).toContain(`[${report.outcome}]`);
    expect(text).not.toMatch(/[{}]/);
    expect(text).toContain(catalog.text['label.case']);
    for (const f of report.findings) {
      expect(text).toContain(f.code);
      const message = formatFinding(f, lang);
      expect(text).toContain(message);
      // Every text parameter is in the message, as shown (escaped) text.
      for (const [param, value] of Object.entries(f.params ?? {})) {
        if (FINDING_PARAM_KINDS[param as keyof typeof FINDING_PARAM_KINDS] === 'text') expect(message, `${f.code}.${param}`).toContain(escapeForDisplay(String(value)));
      }
      // The language's own message, not the English one, where the catalog words it differently.
      const own = (catalog.findings as Record<string, string>)[f.code];
      if (lang !== 'en' && own !== (CATALOGS['en']!.findings as Record<string, string>)[f.code]) expect(message).not.toBe(formatFinding(f, 'en'));
    }
    for (const item of report.items) expect(text).toContain(catalog.text[`status.${item.status}`]);
  });

  it('is the same for a tag of a region of the language (RFC 4647 lookup)', () => {
    const regional = { en: 'en-GB', fr: 'fr-BE', ar: 'ar-SA', es: 'es-ES', ru: 'ru-RU', zh: 'zh-CN', vi: 'vi-VN' }[lang]!;
    const report = reports['INVALID altered byte']!;
    // Numbers and dates may follow the region; the words are the language's.
    const words = (t: string) => t.split('\n')[0];
    expect(words(renderReportText(report, { lang: regional }))).toBe(words(renderReportText(report, { lang })));
  });

  it('shows what the bundle claims (inspect) with the labels of the language and its description closest to it', async () => {
    const bundle = await openBundleDirectory(join(dir, 'pristine'));
    const text = renderInspectionText(await inspectBundle(bundle), lang);
    expect(text).toContain(`${catalog.text['inspect.case']}:`);
    expect(text).toContain(catalog.text['inspect.instrument']);
    expect(text).not.toMatch(/[{}]/);
    // The demo case describes itself in en, vi and fr; the others see the English one.
    const description = { fr: 'Communication de données stockées', vi: 'Cung cấp dữ liệu lưu trữ' }[lang] ?? 'Production of stored data';
    expect(text).toContain(description);
  });
});

describe('the text report in Arabic (right to left)', () => {
  it('still escapes bidi controls and terminal sequences of bundle text, and writes its own Arabic text as it is', () => {
    const report = structuredClone(reports['INVALID altered byte']!);
    report.bundle!.caseReference = 'AZ\u202e-1\u2067';
    report.items[0]!.id = 'photo\u001b[2K';
    report.findings = report.findings.map((f) => (f.code === 'item.digest-mismatch' ? { ...f, params: { ...f.params, item: 'x\u202ey', actual: '\u2066aa' } } : f));
    const text = renderReportText(report, { lang: 'ar' });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/);
    expect(text).toContain('AZ\\u202e-1\\u2067');
    expect(text).toContain('photo\\x1b[2K');
    expect(text).toContain('x\\u202ey');
    expect(text).toContain('\\u2066aa');
    expect(text).toContain('النتيجة: غير صالح [INVALID]');
  });
});
