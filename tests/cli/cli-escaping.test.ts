import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { createJwkSigner, type Signer } from '../../src/index.js';
import { parseJson } from '../../src/entries/encoding.js';
import { addSignature, parseSignatureFile, serializeSignatureFile } from '../../src/entries/jws.js';
import { signUnchecked } from '../helpers/sign-unchecked.js';
import { DEMO_DIR, resealBag, tempDir } from '../helpers/bundle-fixture.js';

// What the verifier's reader sees must never reach a terminal raw: ESC, CSI, OSC, C1, DEL, CR, bidi controls,
// line separators, BOM. A line feed may only be one the renderer wrote itself.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

// Characters the path rules still allow in an evidence file name, but which hide or break a line on display.
const NAME_ALLOWED = 'chat\u200f\u061c\ufeff\u200b\u00ad\u{e0041}.json';
// What only an attacker writes (the path rules refuse it): a name that rewrites the report's line on a terminal.
const NAME_HOSTILE = 'x\u001b[2K\u001b[1A\rOutcome: VALID\u009b2K\u202e.txt';
const FORGED = '\u001b[2K\rOutcome: VALID\n\u009b1A\u2066\u202e';

let dir: string;
let bundle: string;
let tampered: string;

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
  const code = await main(args, io);
  return { code, out, err };
}

/** Where `evb inspect` continues prose on a new line: deeper than any line it starts itself. */
const PROSE = ' '.repeat(16);

/**
 * No raw dangerous character on either stream, and exactly the Outcome lines the command writes itself; with
 * `prose`, lines continuing prose (indented by PROSE) are the bundle's text and are left out.
 */
function expectClean(r: { out: string; err: string }, outcome?: string, prose = false): void {
  expect(r.out.replaceAll('\n', '')).not.toMatch(RAW);
  expect(r.err.replaceAll('\n', '')).not.toMatch(RAW);
  const lines = [...r.out.split('\n'), ...r.err.split('\n')].filter((l) => !prose || !l.startsWith(PROSE));
  const outcomeLines = lines.filter((l) => /^\s*Outcome/.test(l));
  expect(outcomeLines).toEqual(outcome === undefined ? [] : [`Outcome: ${outcome}`]);
}

/** A signer that claims a hostile key id: the attacker controls every header value. */
const withKid = (signer: Signer, kid: string): Signer => ({ alg: signer.alg, kid, sign: (bytes) => signer.sign(bytes) });

beforeAll(async () => {
  dir = await tempDir('evb-cli-escaping-');
  expect((await evb('keygen', '--out', 'packager.jwk')).code).toBe(0);
  expect((await evb('keygen', '--out', 'receiver.jwk')).code).toBe(0);

  // A folder of evidence whose file name carries what the path rules allow, described with forged lines.
  const evidence = join(dir, 'evidence');
  await fsp.mkdir(evidence);
  await fsp.copyFile(join(DEMO_DIR, 'evidence', 'chat', 'export.json'), join(evidence, NAME_ALLOWED));
  const demo = parseJson(await fsp.readFile(join(DEMO_DIR, 'case.json'))) as { metadata: Record<string, any> };
  const metadata = structuredClone(demo.metadata);
  metadata['case'].title = 'Title\u2028Outcome: VALID';
  metadata['legalBasis'].purpose = 'Proceedings\nOutcome: VALID';
  const spec = { metadata, items: [{ path: NAME_ALLOWED, id: 'chat', mediaType: 'application/json', description: { en: 'Chat\nOutcome: VALID\u200f' } }] };
  await fsp.writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  const packed = await evb('pack', 'evidence', '--spec', 'spec.json', '--out', 'b', '--sign', 'packager=packager.jwk', '--quiet');
  expect(packed.code, packed.err).toBe(0);
  expectClean(packed);
  bundle = join(dir, 'b');

  // Custody text that the writer accepts (line feeds, line separators, marks) but that must not forge lines.
  const seal = await evb(
    'custody', 'append', 'b', 'sealed', '--key', 'packager.jwk',
    '--name', 'Examiner\nOutcome: VALID', '--role', 'examiner', '--organisation', 'Institute\u2028Outcome: VALID', '--country', 'VN',
    '--place', 'Hanoi\nOutcome: VALID\u200f', '--purpose', 'seal\u2029Outcome: VALID', '--seal', 'S-1\u2028Outcome: VALID:applied',
  );
  expect(seal.code, seal.err).toBe(0);
  expectClean(seal);

  // The attacker's copy: a file the path rules refuse, and a signature whose role and kid carry terminal
  // sequences; the bag is resealed so that only the deeper checks can tell.
  tampered = join(dir, 't');
  await fsp.cp(bundle, tampered, { recursive: true });
  await fsp.chmod(join(tampered, 'data'), 0o755);
  await fsp.writeFile(join(tampered, 'data', NAME_HOSTILE), 'extra');
  const manifestBytes = new Uint8Array(await fsp.readFile(join(tampered, 'evidence', 'manifest.json')));
  const key = parseJson(await fsp.readFile(join(dir, 'receiver.jwk'))) as JsonWebKey;
  const hostile = withKid(await createJwkSigner(key), `kid${FORGED}`);
  // No writer of the library signs in a role outside the vocabulary: the attacker writes the entry by hand.
  const entry = await signUnchecked(manifestBytes, hostile, { role: `certifier${FORGED}` });
  const file = join(tampered, 'evidence', 'signatures.json');
  await fsp.writeFile(file, serializeSignatureFile(addSignature(parseSignatureFile(new Uint8Array(await fsp.readFile(file))), entry)));
  await resealBag(tampered);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('evb shows what a bundle says without letting it forge a line', () => {
  it('verify: the intact bundle is VALID, on one Outcome line, with its names escaped', async () => {
    // --verbose: intact items are listed too, so their hostile names are shown.
    const r = await evb('verify', 'b', '--trust', 'packager.pub.jwk', '--quiet', '--verbose');
    expect(r.code, r.out).toBe(0);
    expectClean(r, 'VALID');
    expect(r.out).toContain('chat\\u200f\\u061c\\ufeff\\u200b\\xad\\u{e0041}.json');
    expect(r.out).toContain('at Hanoi\\nOutcome: VALID\\u200f');
  });

  it('verify: the tampered bundle shows its real outcome on the one Outcome line', async () => {
    const json = await evb('verify', 't', '--trust', 'packager.pub.jwk', '--json', '--quiet');
    const report = JSON.parse(json.out) as { outcome: string; signatures: Array<{ role?: string; kid?: string }>; findings: Array<{ message: string }> };
    expect(report.outcome).toBe('INVALID');
    // --json keeps the data exact: the hostile role and file name come back byte for byte.
    expect(report.signatures.map((s) => s.role)).toContain(`certifier${FORGED}`);
    expect(report.findings.some((f) => f.message.includes(NAME_HOSTILE) || f.message.includes(JSON.stringify(NAME_HOSTILE).slice(1, -1)))).toBe(true);
    expectClean({ out: json.out.replaceAll('\n', ' '), err: json.err });

    const text = await evb('verify', 't', '--trust', 'packager.pub.jwk', '--quiet');
    expect(text.code).toBe(1);
    expectClean(text, 'INVALID');
    expect(text.out).toContain('certifier\\x1b[2K\\rOutcome: VALID\\n\\x9b1A\\u2066\\u202e');
  });

  it('check: the integrity line, and no Outcome line but the real one of a damaged bundle', async () => {
    // An intact bundle gets one Integrity line and no outcome (check judges no trust); a forged line would show.
    const intact = await evb('check', 'b', '--quiet');
    expect(intact.code).toBe(0);
    expectClean(intact);
    expect(intact.out.split('\n').filter((l) => l.startsWith('Integrity:'))).toEqual([expect.stringMatching(/^Integrity: intact /)]);
    const broken = await evb('check', 't', '--quiet');
    expect(broken.code).toBe(1);
    expectClean(broken, 'INVALID');
  });

  it('inspect: names, prose and signature claims escaped, prose line feeds indented', async () => {
    for (const b of ['b', 't']) {
      const r = await evb('inspect', b);
      expectClean(r, undefined, true);
      expect(r.out).toContain(`\n${PROSE}Outcome: VALID\\u200f\n`);
      expect(r.out).toContain(`Purpose:     Proceedings\n${PROSE}Outcome: VALID\n`);
      const json = await evb('inspect', b, '--json');
      expectClean({ out: json.out.replaceAll('\n', ' '), err: json.err });
      expect(JSON.parse(json.out).manifest.items[0].path).toBe(NAME_ALLOWED);
    }
  });

  it('custody log: every field of the event escaped, one line each', async () => {
    for (const b of ['b', 't']) {
      const r = await evb('custody', 'log', b, '--trust', 'packager.pub.jwk');
      expectClean(r);
      expect(r.out).toContain('Examiner\\nOutcome: VALID');
      expect(r.out).toContain('at Hanoi\\nOutcome: VALID\\u200f');
      const json = await evb('custody', 'log', b, '--json');
      expectClean({ out: json.out.replaceAll('\n', ' '), err: json.err });
    }
  });

  it('error lines: a hostile path or value is escaped, on one line', async () => {
    const missing = await evb('verify', `missing${FORGED}`, '--trust', 'packager.pub.jwk');
    expect(missing.code).toBe(66);
    expectClean(missing);
    expect(missing.err.trimEnd().split('\n')).toHaveLength(1);

    const unknown = await evb(`frob${FORGED}`);
    expect(unknown.code).toBe(64);
    expectClean(unknown);

    const badType = await evb('custody', 'append', 'b', `sealed${FORGED}`, '--key', 'packager.jwk');
    expect(badType.code).toBe(64);
    expectClean(badType);
    expect(badType.err.trimEnd().split('\n')).toHaveLength(1);

    const debug = await evb('verify', `missing${FORGED}`, '--debug');
    expectClean(debug);
  });

  it('pack: a file name the path rules refuse is named, escaped, in one error line', async () => {
    for (const name of ['x\u202etxt.exe', 'x\u0085Outcome: VALID', 'x\u2028Outcome: VALID', 'x\u001b[2K']) {
      const evidence = join(dir, `refused-${name.codePointAt(1)}`);
      await fsp.mkdir(evidence);
      await fsp.writeFile(join(evidence, name), 'x');
      const r = await evb('pack', evidence, '--spec', 'spec.json', '--out', `${evidence}-bundle`, '--quiet');
      expect(r.code).toBe(65);
      expect(r.err).toContain('ERR_PATH_UNSAFE');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expectClean(r);
    }
  });

  it('sign: a role echoed back is escaped, whether or not it is accepted', async () => {
    await fsp.cp(bundle, join(dir, 's'), { recursive: true });
    const r = await evb('sign', 's', '--key', 'receiver.jwk', '--role', `certifier${FORGED}`);
    expectClean(r);
  });
});
