import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { FINDING_PARAMS, REPORT_VERSION, VerificationReportSchema } from '../../src/entries/report.js';
import { flipByte, keyPair, packDemo, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
let bundle: string;
let altered: string;
let key: string;
let logged: string;

async function evb(args: string[], env?: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir, ...(env ? { env } : {}) };
  const code = await main(args, io);
  return { code, out, err };
}

beforeAll(async () => {
  dir = await tempDir('evb-lang-');
  const packager = await keyPair();
  bundle = await packDemo(dir, { name: 'case', packager });
  altered = join(dir, 'altered');
  await fsp.cp(bundle, altered, { recursive: true });
  const manifest = await fsp.readFile(join(altered, 'manifest-sha256.txt'), 'utf8');
  await flipByte(join(altered, manifest.split('\n')[0]!.split(/\s+/)[1]!));
  key = join(dir, 'packager.pub.jwk');
  await fsp.writeFile(key, JSON.stringify(packager.publicJwk));
  // A copy with one custody event, signed by the packager: a stranger's log, read without --trust, is untrusted.
  logged = join(dir, 'logged');
  await fsp.cp(bundle, logged, { recursive: true });
  await fsp.writeFile(join(dir, 'packager.jwk'), JSON.stringify(packager.privateJwk));
  const appended = await evb(['custody', 'append', logged, 'sealed', '--key', 'packager.jwk', '--name', 'Examiner', '--role', 'examiner',
    '--organisation', 'Institute', '--country', 'VN', '--place', 'Hanoi', '--purpose', 'seal', '--seal', 'S-1:applied', '--time', '2026-10-01T10:00:00Z']);
  expect(appended.code, appended.err).toBe(0);
}, 60_000);
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const INVALID_TAGS = ['fr_FR', '', 'français', 'en--US', 'x', 'fr-\u001b[31m'];

describe('evb verify --lang', () => {
  it.each([
    ['fr', 'Résultat: VALIDE [VALID]'],
    ['fr-CA', 'Résultat: VALIDE [VALID]'],
    ['ar', 'النتيجة: صالح [VALID]'],
    ['es-MX', 'Resultado: VÁLIDO [VALID]'],
    ['ru', 'Результат: ДЕЙСТВИТЕЛЕН [VALID]'],
    ['zh-Hans-CN', '结果: 有效 [VALID]'],
    ['vi', 'Kết quả: HỢP LỆ [VALID]'],
    ['en', 'Outcome: VALID'],
    ['de-CH', 'Outcome: VALID'], // no catalog: English
  ])('%s: the report in that language, the exit code unchanged', async (lang, first) => {
    const { code, out } = await evb(['verify', bundle, '--trust', key, '--quiet', '--lang', lang]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(first);
  });

  it('names the item and the digests of an INVALID bundle in the language, exit 1', async () => {
    const { code, out } = await evb(['verify', altered, '--trust', key, '--quiet', '--lang', 'fr']);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe('Résultat: INVALIDE [INVALID]');
    expect(out).toMatch(/item\.digest-mismatch .*: élément \S+ : le sha256 des octets vaut [0-9a-f]{64}, le manifeste signé enregistre [0-9a-f]{64}/);
  });

  it.each(INVALID_TAGS)('refuses the invalid tag %j: exit 64, ERR_LANG_INVALID, one line, before any work', async (lang) => {
    const { code, out, err } = await evb(['verify', join(dir, 'does-not-exist'), '--trust', key, '--quiet', '--lang', lang]);
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toContain('ERR_LANG_INVALID');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('defaults from LC_ALL, LC_MESSAGES, LANG, and --lang wins over them', async () => {
    const first = async (env: Record<string, string>, extra: string[] = []) => (await evb(['verify', bundle, '--trust', key, '--quiet', ...extra], env)).out.split('\n')[0];
    expect(await first({ LANG: 'ru_RU.UTF-8' })).toBe('Результат: ДЕЙСТВИТЕЛЕН [VALID]');
    expect(await first({ LANG: 'ru_RU.UTF-8', LC_MESSAGES: 'fr_FR.UTF-8' })).toBe('Résultat: VALIDE [VALID]');
    expect(await first({ LANG: 'ru_RU.UTF-8', LC_ALL: 'vi_VN.UTF-8' })).toBe('Kết quả: HỢP LỆ [VALID]');
    expect(await first({ LANG: 'ru_RU.UTF-8' }, ['--lang', 'es'])).toBe('Resultado: VÁLIDO [VALID]');
    // C, an unreadable value, a language without a catalog: English, no error (the environment is no usage).
    expect(await first({ LANG: 'C.UTF-8' })).toBe('Outcome: VALID');
    expect(await first({ LANG: 'not a locale' })).toBe('Outcome: VALID');
    expect(await first({ LANG: 'de_DE.UTF-8' })).toBe('Outcome: VALID');
    expect(await first({})).toBe('Outcome: VALID');
  });

  it('leaves the JSON report language-free: English messages, params, report version 1.1', async () => {
    const en = await evb(['verify', altered, '--trust', key, '--quiet', '--json']);
    const fr = await evb(['verify', altered, '--trust', key, '--quiet', '--json', '--lang', 'fr']);
    expect(fr.code).toBe(1);
    const parse = (s: string) => JSON.parse(s) as { reportVersion: string; checkedAt: string; findings: Array<{ code: string; params?: Record<string, unknown> }> };
    const report = parse(fr.out);
    expect(report.reportVersion).toBe(REPORT_VERSION);
    expect(REPORT_VERSION).toBe('1.1');
    expect(() => VerificationReportSchema.parse(report)).not.toThrow();
    expect({ ...report, checkedAt: '' }).toEqual({ ...parse(en.out), checkedAt: '' });
    const mismatch = report.findings.find((f) => f.code === 'item.digest-mismatch')!;
    expect(Object.keys(mismatch.params!).sort()).toEqual([...FINDING_PARAMS['item.digest-mismatch']!].sort());
  });
});

describe('evb inspect --lang', () => {
  it('labels the claims in the language and shows the description closest to it', async () => {
    const fr = await evb(['inspect', bundle, '--lang', 'fr-CA']);
    expect(fr.code).toBe(0);
    expect(fr.out).toMatch(/^Affaire: +VN-A05-2026-0917/m);
    expect(fr.out).toContain('Communication de données stockées');
    const zh = await evb(['inspect', bundle, '--lang', 'zh']);
    expect(zh.out).toMatch(/^案件:/m);
    expect(zh.out).toContain('Production of stored data'); // no Chinese description: the first one
    const env = await evb(['inspect', bundle], { LANG: 'vi_VN.UTF-8' });
    expect(env.out).toMatch(/^Vụ án:/m);
    expect(env.out).toContain('Cung cấp dữ liệu lưu trữ');
  });

  it.each(INVALID_TAGS)('refuses the invalid tag %j with exit 64 and ERR_LANG_INVALID', async (lang) => {
    const { code, out, err } = await evb(['inspect', bundle, '--lang', lang]);
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toContain('ERR_LANG_INVALID');
  });
});

describe('evb check --lang', () => {
  it.each([
    ['en', 'Integrity: intact (4/4 items); 1 signature not checked against a trust policy'],
    ['fr-CA', "Intégrité : intacte (4/4 éléments) ; 1 signature non vérifiée au regard d'une politique de confiance"],
    ['ar', 'السلامة: سليمة (4/4 عناصر)؛ 1 توقيع لم يُتحقق منه وفق سياسة ثقة'],
    ['es', 'Integridad: intacta (4/4 elementos); 1 firma no comprobada con una política de confianza'],
    ['ru', 'Целостность: не нарушена (объектов целы: 4/4); подписей, не проверенных по политике доверия: 1'],
    ['zh', '完整性：完好（4/4 个证据项）；1 个签名未依据信任策略检查'],
    ['vi', 'Tính toàn vẹn: nguyên vẹn (4/4 vật chứng); 1 chữ ký chưa được kiểm tra theo chính sách tin cậy'],
  ])('%s: the integrity line in that language, exit 0', async (lang, line) => {
    const { code, out } = await evb(['check', bundle, '--quiet', '--lang', lang]);
    expect(code).toBe(0);
    expect(out).toBe(`${line}\n`);
  });

  it.each([
    ['fr', 'Intégrité : NON intacte', 'Résultat: INVALIDE [INVALID]', /élément \S+ : le sha256 des octets vaut [0-9a-f]{64}/],
    ['zh', '完整性：不完好', '结果: 无效 [INVALID]', /证据项/],
    ['ar', 'السلامة: غير سليمة', 'النتيجة: غير صالح [INVALID]', /sha256/],
  ])('%s: an altered bundle says so, then the whole report in the language, exit 1', async (lang, first, outcome, finding) => {
    const { code, out } = await evb(['check', altered, '--quiet', '--lang', lang]);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe(first);
    expect(lines[2]).toBe(outcome);
    expect(out).toMatch(finding);
    const english = await evb(['check', altered, '--quiet', '--lang', 'en']);
    expect(out).not.toContain(english.out.split('\n').find((l) => l.includes('item.digest-mismatch'))!.split(': ').slice(1).join(': '));
  });

  it('defaults from the environment', async () => {
    const { out } = await evb(['check', bundle, '--quiet'], { LC_ALL: 'es_ES.UTF-8' });
    expect(out).toMatch(/^Integridad: intacta /);
  });

  it.each(INVALID_TAGS)('refuses the invalid tag %j with exit 64 and ERR_LANG_INVALID, before any work', async (lang) => {
    const { code, out, err } = await evb(['check', join(dir, 'does-not-exist'), '--quiet', '--lang', lang]);
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toContain('ERR_LANG_INVALID');
  });
});

describe('evb custody log --lang', () => {
  it.each([
    ['en', 'Custody timeline:', '[UNTRUSTED]', 'by Examiner', 'Findings:', 'WARNING'],
    ['fr', 'Chronologie de la chaîne de possession :', '[NON FIABLE]', 'par Examiner', 'Constats :', 'AVERTISSEMENT'],
    ['ar', 'التسلسل الزمني لسلسلة الحيازة:', '[غير موثوق]', 'بواسطة Examiner', 'الملاحظات:', 'تحذير'],
    ['es-419', 'Cronología de la cadena de custodia:', '[NO FIABLE]', 'por Examiner', 'Hallazgos:', 'ADVERTENCIA'],
    ['ru', 'Хронология цепочки хранения:', '[НЕДОВЕРЕННАЯ]', 'кем: Examiner', 'Замечания:', 'ПРЕДУПРЕЖДЕНИЕ'],
    ['zh', '保管链时间线：', '[不可信]', '由 Examiner', '发现：', '警告'],
    ['vi', 'Dòng thời gian của chuỗi lưu giữ:', '[KHÔNG TIN CẬY]', 'bởi Examiner', 'Phát hiện:', 'CẢNH BÁO'],
  ])('%s: headings, status, actor line, findings and their messages in the language; exit 2', async (lang, heading, status, by, findings, severity) => {
    const { code, out } = await evb(['custody', 'log', logged, '--lang', lang]);
    expect(code).toBe(2);
    const lines = out.split('\n');
    expect(lines[0]).toBe(heading);
    // Event types, times and codes stay the format's own.
    expect(lines[1]).toBe(`  #1 ${status} 2026-10-01T10:00:00Z sealed`);
    expect(lines[2]).toMatch(new RegExp(`^      ${by} \\(examiner, Institute, VN\\) \\[[\\w-]+\\]$`));
    expect(lines).toContain(findings);
    const finding = lines.find((l) => l.startsWith(`  ${severity} custody.`));
    expect(finding, out).toBeDefined();
    if (lang !== 'en') {
      const english = (await evb(['custody', 'log', logged, '--lang', 'en'])).out.split('\n').find((l) => l.startsWith('  WARNING custody.'))!;
      expect(finding!.split(': ').slice(1).join(': ')).not.toBe(english.split(': ').slice(1).join(': '));
    }
  });

  it('trusted, the event is valid in the language and the log has no finding', async () => {
    const { code, out } = await evb(['custody', 'log', logged, '--trust', key, '--lang', 'fr']);
    expect(code).toBe(0);
    expect(out).toContain('  #1 [VALIDE] 2026-10-01T10:00:00Z sealed\n');
    expect(out).not.toContain('Constats');
  });

  it('an empty log in the language; --lang is refused where it means nothing, and an invalid tag is exit 64', async () => {
    expect((await evb(['custody', 'log', bundle, '--lang', 'vi'])).out).toBe('Không có sự kiện lưu giữ nào.\n');
    const misplaced = await evb(['custody', 'receive', logged, '--lang', 'fr', '--key', 'packager.jwk']);
    expect(misplaced.code).toBe(64);
    for (const lang of INVALID_TAGS) {
      const { code, err } = await evb(['custody', 'log', logged, '--lang', lang]);
      expect(code, lang).toBe(64);
      expect(err).toContain('ERR_LANG_INVALID');
    }
  });
});

describe('evb verify --junit --lang', () => {
  const junit = async (lang: string): Promise<string> => {
    const { code, out } = await evb(['verify', altered, '--trust', key, '--quiet', '--junit', '-', '--lang', lang]);
    expect(code).toBe(1);
    return out;
  };
  const machineParts = (xml: string): string[] =>
    [...xml.matchAll(/<(testsuites|testsuite|testcase|failure|error) ([^>]*?)\/?>/g)].map((m) =>
      `${m[1]} ${m[2]!.replace(/ message="[^"]*"/, '').replace(/ (time|timestamp|hostname)="[^"]*"/g, '')}`,
    );

  it.each(['fr', 'ar', 'es', 'ru', 'zh', 'vi'])('%s: the failure messages translated, every name, code and count as in English', async (lang) => {
    const [english, translated] = [await junit('en'), await junit(lang)];
    expect(machineParts(translated)).toEqual(machineParts(english));
    expect(machineParts(english).some((p) => p.startsWith('failure type="item.digest-mismatch"'))).toBe(true);
    const message = (xml: string): string => /<failure type="item\.digest-mismatch" message="([^"]*)"/.exec(xml)![1]!;
    expect(message(english)).toMatch(/^item \S+: sha256 of the bytes is [0-9a-f]{64}/);
    expect(message(translated)).not.toBe(message(english));
    // The digests are the same values, put into the language's sentence.
    expect(message(translated).match(/[0-9a-f]{64}/g)).toEqual(message(english).match(/[0-9a-f]{64}/g));
  });

  it('French in detail; the human report goes to stderr in the language', async () => {
    const { out, err } = await evb(['verify', altered, '--trust', key, '--quiet', '--junit', '-', '--lang', 'fr']);
    expect(out).toMatch(/<failure type="item\.digest-mismatch" message="élément \S+ : le sha256 des octets vaut [0-9a-f]{64}/);
    expect(out).toContain('<testcase name="outcome INVALID"');
    expect(err.split('\n')[0]).toBe('Résultat: INVALIDE [INVALID]');
  });
});
