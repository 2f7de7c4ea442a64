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
