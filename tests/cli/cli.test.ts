import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { VERSION } from '../../src/cli/version.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { VerificationReportSchema } from '../../src/entries/report.js';
import { DEMO_DIR, flipByte, keyPair, tempDir } from '../helpers/bundle-fixture.js';
import { REPO_ROOT } from '../helpers/vectors.js';

let dir: string;

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
  const code = await main(args, io);
  return { code, out, err };
}

beforeAll(async () => {
  dir = await tempDir('evb-cli-');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('evb', () => {
  it('keeps its version in step with package.json', async () => {
    const pkg = JSON.parse(await fsp.readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await evb('--version')).out.trim()).toBe(VERSION);
  });

  it('prints help with the exit codes', async () => {
    const { code, out } = await evb('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/2\s+INDETERMINATE/);
    expect(out).toMatch(/66\s+input not found/);
  });

  it('lists every command with its summary, and each loads the command whose help is for its name', async () => {
    const { out } = await evb('--help');
    expect(Object.keys(COMMANDS).length).toBeGreaterThanOrEqual(16);
    for (const [name, entry] of Object.entries(COMMANDS)) {
      expect(entry.name).toBe(name);
      expect(out).toContain(`  ${name.padEnd(18)} ${entry.summary}\n`);
      const command = await entry.load();
      expect(command.help).toMatch(new RegExp(`^Usage:\\s+evb ${name}\\b`));
      const help = await evb(name, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toBe(command.help);
    }
  });

  it('answers misuse with exit 64 and one line', async () => {
    const unknown = await evb('frobnicate');
    expect(unknown.code).toBe(64);
    // Names of Object.prototype are no commands either.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = await evb(name);
      expect(r.code, name).toBe(64);
      expect(r.err).toMatch(/unknown command/);
    }
    const badFlag = await evb('verify', 'x', '--no-such-flag');
    expect(badFlag.code).toBe(64);
    expect(badFlag.err.trim().split('\n')).toHaveLength(1);
    expect((await evb('verify')).code).toBe(64);
  });

  it('exits 66 when the bundle does not exist', async () => {
    const r = await evb('verify', 'missing-bundle');
    expect(r.code).toBe(66);
    expect(r.err).toMatch(/ERR_SOURCE_NOT_FOUND/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  // A --trust file is an argument: anything in it that is no public signature key is a usage error naming the
  // file, found before the bundle is even opened (the bundle named here does not exist: 64, not 66).
  it('answers a --trust file that holds no usable public key with exit 64, the file and the error code', async () => {
    const good = (await keyPair('ES256')).publicJwk;
    const rsa = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const cases: Array<[string, string, RegExp]> = [
      ['oct.jwk', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }), /ERR_KEY_INVALID/],
      ['private.jwk', JSON.stringify((await keyPair('EdDSA')).privateJwk), /ERR_KEY_INVALID/],
      ['rsa1024.jwk', JSON.stringify(await crypto.subtle.exportKey('jwk', rsa.publicKey)), /ERR_KEY_TOO_SMALL/],
      ['garbage.jwk', '{"kty": "EC", ', /ERR_JSON_SYNTAX/],
      ['array.jwk', JSON.stringify([good]), /ERR_KEY_INVALID/],
      ['one-bad.jwks', JSON.stringify({ keys: [good, { kty: 'oct', k: 'AAAA' }] }), /ERR_KEY_INVALID/],
      ['x25519.jwk', JSON.stringify({ kty: 'OKP', crv: 'X25519', x: good.x }), /ERR_KEY_INVALID/],
    ];
    for (const [file, text, code] of cases) {
      await fsp.writeFile(join(dir, file), text);
      for (const command of [['verify', 'no-such-bundle'], ['custody', 'log', 'no-such-bundle']]) {
        const r = await evb(...command, '--trust', file);
        expect(r.code, `${command.join(' ')} ${file}: ${r.err}`).toBe(64);
        expect(r.err).toMatch(code);
        expect(r.err).toContain(file);
        expect(r.err.trim().split('\n')).toHaveLength(1);
      }
    }
  });

  it('runs keygen, pack, sign, inspect and verify end to end with the documented exit codes', async () => {
    expect((await evb('keygen', '--out', 'packager.jwk')).code).toBe(0);
    expect((await evb('keygen', '--alg', 'ES384', '--out', 'ca.jwk')).code).toBe(0);
    expect((await evb('keygen', '--out', 'packager.jwk')).code).toBe(73);
    const mode = (await fsp.stat(join(dir, 'packager.jwk'))).mode & 0o777;
    expect(mode).toBe(0o600);

    const packed = await evb('pack', '--spec', join(DEMO_DIR, 'case.json'), '--out', 'b1', '--alg', 'blake3', '--sign', 'packager=packager.jwk');
    expect(packed.code, packed.err).toBe(0);
    expect((await evb('pack', '--spec', join(DEMO_DIR, 'case.json'), '--out', 'b1')).code).toBe(73);
    expect((await evb('sign', 'b1', '--key', 'ca.jwk', '--role', 'certifier')).code).toBe(0);

    const inspected = await evb('inspect', 'b1');
    expect(inspected.code).toBe(0);
    expect(inspected.out).toContain('VN-A05-2026-0917');
    expect(inspected.out).toContain('certifier');

    const valid = await evb('verify', 'b1', '--trust', 'packager.pub.jwk', '--trust', 'ca.pub.jwk', '--json', '--junit', 'v.xml');
    expect(valid.code, valid.out).toBe(0);
    const report = VerificationReportSchema.parse(JSON.parse(valid.out));
    expect(report.outcome).toBe('VALID');
    expect(report.signatures.map((s) => s.role)).toEqual(['packager', 'certifier']);
    const junit = await fsp.readFile(join(dir, 'v.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*failures="0"/);

    const untrusted = await evb('verify', 'b1');
    expect(untrusted.code).toBe(2);
    expect(untrusted.out).toMatch(/Outcome: INDETERMINATE/);

    const checked = await evb('check', 'b1');
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/^Integrity: intact \(4\/4 items\); 2 signatures not checked against a trust policy\n$/);
    expect(checked.out).not.toMatch(/INDETERMINATE/);

    await fsp.cp(join(dir, 'b1'), join(dir, 'b2'), { recursive: true });
    await flipByte(join(dir, 'b2', 'data', 'disk', 'sdb-excerpt.img'), 511);
    const invalid = await evb('verify', 'b2', '--trust', 'packager.pub.jwk', '--junit', 'i.xml');
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/item\.digest-mismatch.*disk-excerpt/);
    expect(await fsp.readFile(join(dir, 'i.xml'), 'utf8')).toMatch(/<failure type="[^"]+"/);
    const altered = await evb('check', 'b2');
    expect(altered.code).toBe(1);
    expect(altered.out).toMatch(/^Integrity: NOT intact\n/);
    expect(altered.out).toMatch(/item\.digest-mismatch/);
    const refused = await evb('sign', 'b2', '--key', 'ca.jwk', '--role', 'certifier');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/ERR_VERIFY_INVALID/);
  });

  it('packs a folder, naming items by their paths', async () => {
    const spec = JSON.parse(await fsp.readFile(join(DEMO_DIR, 'case.json'), 'utf8')) as { metadata: unknown };
    await fsp.writeFile(join(dir, 'folder-spec.json'), JSON.stringify({ metadata: spec.metadata }));
    const r = await evb('pack', join(DEMO_DIR, 'evidence'), '--spec', 'folder-spec.json', '--out', 'from-folder');
    expect(r.code, r.err).toBe(0);
    const inspected = await evb('inspect', 'from-folder', '--json');
    const items = (JSON.parse(inspected.out) as { manifest: { items: Array<{ path: string }> } }).manifest.items;
    expect(items.map((i) => i.path)).toEqual(['chat/export.json', 'disk/sdb-excerpt.img', 'logs/access.log', 'subscriber/subscriber-records.csv']);
  });

  it('packs a folder with what the spec says of its paths (the spec\'s source ignored)', async () => {
    const spec = JSON.parse(await fsp.readFile(join(DEMO_DIR, 'case.json'), 'utf8')) as { metadata: unknown };
    const described = { path: 'logs/access.log', id: 'web-log', description: { en: 'Web server log' }, source: 'not/this/file' };
    await fsp.writeFile(join(dir, 'described-spec.json'), JSON.stringify({ metadata: spec.metadata, items: [described] }));
    const r = await evb('pack', join(DEMO_DIR, 'evidence'), '--spec', 'described-spec.json', '--out', 'described');
    expect(r.code, r.err).toBe(0);
    const inspected = await evb('inspect', 'described', '--json');
    const items = (JSON.parse(inspected.out) as { manifest: { items: Array<{ id: string; path: string; description?: unknown }> } }).manifest.items;
    expect(items.find((i) => i.path === 'logs/access.log')).toMatchObject({ id: 'web-log', description: { en: 'Web server log' } });
    expect(items.find((i) => i.path === 'chat/export.json')).toMatchObject({ id: 'chat-export.json' });
  });

  it('packs files named on the command line, each at its file name; refuses a folder mixed with files', async () => {
    const ev = join(DEMO_DIR, 'evidence');
    const r = await evb('pack', join(ev, 'logs', 'access.log'), join(ev, 'chat', 'export.json'), '--spec', 'folder-spec.json', '--out', 'from-files');
    expect(r.code, r.err).toBe(0);
    const inspected = await evb('inspect', 'from-files', '--json');
    const items = (JSON.parse(inspected.out) as { manifest: { items: Array<{ id: string; path: string }> } }).manifest.items;
    expect(items.map((i) => [i.id, i.path])).toEqual([['access.log', 'access.log'], ['export.json', 'export.json']]);
    expect((await evb('pack', ev, join(ev, 'logs', 'access.log'), '--spec', 'folder-spec.json', '--out', 'mixed')).code).toBe(64);
    expect((await evb('pack', join(ev, 'nope.bin'), '--spec', 'folder-spec.json', '--out', 'missing')).code).toBe(66);
  });

  it('prints the JSON Schemas it knows', async () => {
    const list = await evb('schema');
    expect(list.out.split('\n')).toContain('manifest');
    const manifest = await evb('schema', 'manifest');
    expect(JSON.parse(manifest.out)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
    expect((await evb('schema', 'nope')).code).toBe(64);
  });

  // Security rule: JSON with duplicate keys is rejected, the receiver's own trust policy included (a second
  // "authorities" could silently replace the first).
  it('refuses a trust policy with a duplicate key: exit 65, nothing verified', async () => {
    const policy = await fsp.readFile(join(REPO_ROOT, 'examples', 'policy', 'algeria-receiving-policy.json'), 'utf8');
    expect((await evb('verify', 'b1', '--policy', join(REPO_ROOT, 'examples', 'policy', 'algeria-receiving-policy.json'), '--json')).code).not.toBe(65);
    await fsp.writeFile(join(dir, 'dup-policy.json'), policy.replace('{', '{"authorities": [],'));
    const r = await evb('verify', 'b1', '--policy', 'dup-policy.json', '--json');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/ERR_JSON_DUPLICATE_KEY/);
    expect(r.out).toBe('');
  });

  it('draws a hashing progress bar for verify on a terminal, and none with --quiet', async () => {
    const drawn = async (...args: string[]): Promise<string> => {
      let bar = '';
      const terminal = Object.assign(new Writable({ write: (chunk, _enc, done) => void ((bar += String(chunk)), done()) }), { isTTY: true, columns: 100 });
      const io: CliIO = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: true, stderrStream: terminal, cwd: dir };
      expect(await main(args, io)).toBe(0);
      return bar;
    };
    expect(await drawn('verify', 'b1', '--trust', 'packager.pub.jwk', '--trust', 'ca.pub.jwk')).toMatch(/hashing \[/);
    expect(await drawn('verify', 'b1', '--trust', 'packager.pub.jwk', '--trust', 'ca.pub.jwk', '--quiet')).toBe('');
  });

  it('reports malformed spec JSON with its error code and exit 65', async () => {
    await fsp.writeFile(join(dir, 'dup.json'), '{"metadata": {}, "metadata": {}}');
    const r = await evb('pack', '--spec', 'dup.json', '--out', 'never');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/ERR_JSON_DUPLICATE_KEY/);
    await expect(fsp.stat(join(dir, 'never'))).rejects.toThrow();
  });
});
