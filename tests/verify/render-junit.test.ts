// JUnit XML as CI servers read it: valid against the common schema (tests/fixtures/junit/junit.xsd, checked with
// xmllint when installed, else a strict well-formedness parse), one suite name per bundle, every character of
// hostile text either escaped or written visibly, and `evb verify --junit -` on standard output.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { renderReportJUnit, type VerificationReport } from '../../src/index.js';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { flipByte, keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const run = promisify(execFile);
const XSD = join(REPO_ROOT, 'tests', 'fixtures', 'junit', 'junit.xsd');
const XMLLINT = await run('xmllint', ['--version']).then(() => true, () => false);
if (!XMLLINT) console.warn('tests/verify/render-junit: xmllint not installed (apt-get install libxml2-utils); schema checks skipped');

let dir: string;
let packager: KeyPair;
let valid: VerificationReport;
let invalid: VerificationReport;
let untrusted: VerificationReport;
let n = 0;

/** Validates XML against the XSD with xmllint; throws with xmllint's complaint. */
async function validate(xml: string): Promise<void> {
  if (!XMLLINT) return;
  const file = join(dir, `r${++n}.xml`);
  await fsp.writeFile(file, xml);
  await run('xmllint', ['--noout', '--nonet', '--schema', XSD, file]);
}

beforeAll(async () => {
  dir = await tempDir('evb-junit-');
  packager = await keyPair('EdDSA');
  const good = await packDemo(dir, { name: 'good', packager });
  valid = await verifyBundleDirectory(good, { trustedKeys: [packager.publicJwk] });
  untrusted = await verifyBundleDirectory(good, { trustedKeys: [] });
  const bad = await packDemo(dir, { name: 'bad', packager });
  await flipByte(join(bad, 'data', 'logs', 'access.log'), 5);
  invalid = await verifyBundleDirectory(bad, { trustedKeys: [packager.publicJwk] });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('renderReportJUnit', () => {
  it('matches the common JUnit schema for each outcome, with the counts it declares', async () => {
    for (const report of [valid, invalid, untrusted]) {
      const xml = renderReportJUnit(report, { name: 'b', time: 1.5, hostname: 'ci-runner' });
      await validate(xml);
      const suite = /<testsuite ([^>]*)>/.exec(xml)![1]!;
      for (const attribute of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp', 'hostname']) expect(suite).toMatch(new RegExp(`\\b${attribute}="`));
      const cases = xml.match(/<testcase /g)!.length;
      const failed = xml.match(/<failure /g)?.length ?? 0;
      expect(suite).toContain(`tests="${cases}"`);
      expect(suite).toContain(`failures="${failed}"`);
      expect(failed > 0).toBe(report.outcome !== 'VALID');
      expect(xml).toMatch(/<testcase name="[^"]*" classname="b" time="0"/);
    }
    await validate(renderReportJUnit(valid));
  });

  it('names the suite after the bundle, so two bundles differ', () => {
    const other = structuredClone(valid);
    other.bundle!.bundleId = '00000000-0000-4000-8000-000000000000';
    const suite = (r: VerificationReport) => /<testsuite name="([^"]*)"/.exec(renderReportJUnit(r))![1];
    expect(suite(valid)).toContain(valid.bundle!.bundleId);
    expect(suite(valid)).not.toBe(suite(other));
  });

  it('counts a verification that stopped as an error, not a failure', async () => {
    const stopped = structuredClone(invalid);
    stopped.findings = [{ code: 'verify.internal-error', severity: 'error', message: 'verification stopped: boom' } as never];
    const xml = renderReportJUnit(stopped);
    await validate(xml);
    expect(xml).toMatch(/<testsuite [^>]*failures="0" errors="1"/);
    expect(xml).toMatch(/<error type="verify.internal-error" message="verification stopped: boom">/);
  });

  // Markup characters, characters XML 1.0 cannot carry even as references, and bidi controls, in every field
  // that reaches the XML: item ids (case names), finding messages and codes (attributes, text), the suite name.
  it.each([
    ['markup', '&<>"\'', ['&amp;', '&lt;', '&gt;', '&quot;', '&apos;']],
    ['an escape sequence', 'a\u001b[31mred', ['a\\x1b[31mred']],
    ['NUL and other C0 controls', '\u0000\u0001\u000b\u000c\u001f', ['\\x00\\x01\\x0b\\x0c\\x1f']],
    ['a lone high surrogate', 'x\ud800y', ['x\\ud800y']],
    ['a lone low surrogate', 'x\udc00y', ['x\\udc00y']],
    ['U+FFFE and U+FFFF', '\ufffe\uffff', ['\\ufffe\\uffff']],
    ['bidi controls', 'evil\u202eexe.txt\u2066\u200f', ['evil\\u202eexe.txt\\u2066\\u200f']],
  ])('writes %s escaped or visibly, and stays valid', async (_, hostile, expected) => {
    const report = structuredClone(invalid);
    report.items[0]!.id = hostile;
    report.findings.push({ code: 'item.digest-mismatch', severity: 'error', message: hostile, item: hostile, path: hostile } as never);
    const xml = renderReportJUnit(report, { name: hostile, hostname: hostile });
    await validate(xml);
    for (const text of expected) expect(xml).toContain(text);
    // Nothing XML 1.0 forbids, nothing that reorders text, and no markup character outside markup.
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufffe\uffff]/);
    expect(xml).not.toMatch(/[\ud800-\udfff]/);
  });

  it('keeps text that needs no escaping as it is, including astral characters and TAB/LF', async () => {
    const report = structuredClone(invalid);
    report.findings.push({ code: 'item.digest-mismatch', severity: 'error', message: 'Tiếng Việt 🙂\ttab', item: report.items[0]!.id } as never);
    const xml = renderReportJUnit(report);
    await validate(xml);
    expect(xml).toContain('Tiếng Việt 🙂\ttab');
  });
});

describe('evb verify --junit', () => {
  async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir });
    return { code, out, err };
  }

  it('"-" writes the XML alone to standard output and creates no file named "-"; the report for people goes to stderr', async () => {
    await fsp.writeFile(join(dir, 'packager.pub.jwk'), JSON.stringify(packager.publicJwk));
    const r = await evb('verify', 'good', '--trust', 'packager.pub.jwk', '--junit', '-', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    await validate(r.out);
    expect(r.err).toMatch(/Outcome: VALID/);
    await expect(fsp.stat(join(dir, '-'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await evb('verify', 'good', '--trust', 'packager.pub.jwk', '--junit', '-', '--json')).code).toBe(64);
  });

  it('names each suite after the directory and the bundle id, so that bundles of one job differ', async () => {
    await fsp.writeFile(join(dir, 'packager.pub.jwk'), JSON.stringify(packager.publicJwk), { flag: 'w' });
    const good = await evb('verify', 'good', '--trust', 'packager.pub.jwk', '--junit', 'good.xml', '--quiet');
    const bad = await evb('verify', 'bad', '--trust', 'packager.pub.jwk', '--junit', 'bad.xml', '--quiet');
    expect([good.code, bad.code]).toEqual([0, 1]);
    const suite = async (file: string) => /<testsuite name="([^"]*)"/.exec(await fsp.readFile(join(dir, file), 'utf8'))![1]!;
    expect(await suite('good.xml')).toBe(`good (${valid.bundle!.bundleId})`);
    expect(await suite('bad.xml')).toBe(`bad (${invalid.bundle!.bundleId})`);
    await validate(await fsp.readFile(join(dir, 'bad.xml'), 'utf8'));
  });
});
