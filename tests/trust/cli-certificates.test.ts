// evb sign --cert and evb custody --cert: a signer known to the receiver only through its national root.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/trust/cli-certificates');

describe.skipIf(!OPENSSL_AVAILABLE)('evb sign and evb custody with --cert', () => {
  let dir: string;
  let pki: OpensslPki;
  const evb = async (...args: string[]) => {
    let out = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), stderrIsTTY: false, cwd: dir };
    return { code: await main(args, io), out };
  };

  beforeAll(async () => {
    [dir, pki] = await Promise.all([tempDir('evb-cli-cert-'), createOpensslPki()]);
    await fsp.writeFile(join(dir, 'leaf.jwk'), JSON.stringify(pki.leaf.privateJwk));
    // The chain as a signer holds it: its own certificate, then the intermediate, in one PEM file.
    await fsp.writeFile(join(dir, 'chain.pem'), pki.leaf.pem + pki.intermediates[0]!.pem);
    await fsp.writeFile(join(dir, 'root.pem'), pki.root.pem);
    await fsp.writeFile(join(dir, 'other-root.der'), pki.intermediates[0]!.der);
  });
  afterAll(async () => {
    await Promise.all([fsp.rm(dir, { recursive: true, force: true }), pki?.dispose()]);
  });

  it('carries the chain as x5c, and a receiver trusting only the root verifies the certifier and the custodian', async () => {
    const bundle = await packDemo(join(dir, 'b'));
    expect((await evb('sign', bundle, '--key', 'leaf.jwk', '--role', 'certifier', '--cert', 'chain.pem')).code).toBe(0);
    const actor = ['--name', 'Officer', '--role', 'custodian', '--organisation', 'Central authority', '--country', 'VN'];
    const append = await evb('custody', 'append', bundle, 'accessed', '--key', 'leaf.jwk', '--cert', 'chain.pem', ...actor, '--place', 'Ha Noi', '--purpose', 'review');
    expect(append.code, append.out).toBe(0);

    expect((await evb('trust', 'init', '--out', 'p.json', '--name', 'Receiver', '--country', 'DZ')).code).toBe(0);
    expect((await evb('trust', 'add', 'p.json', '--id', 'vn-root', '--name', 'VN PKI', '--country', 'VN', '--role', 'certifier', '--role', 'custodian', '--cert', 'root.pem')).code).toBe(0);
    const verified = await evb('verify', bundle, '--policy', 'p.json', '--json', '--quiet');
    const report = JSON.parse(verified.out) as { signatures: Array<{ role: string; trusted: boolean; authority?: string }>; custody: { events: Array<{ status: string }> } };
    expect(report.signatures.find((s) => s.role === 'certifier')).toMatchObject({ trusted: true, authority: 'vn-root' });
    expect(report.custody.events.map((e) => e.status)).toEqual(['valid']);
  });

  it('refuses a file that is no certificate', async () => {
    await fsp.writeFile(join(dir, 'junk.pem'), 'not a certificate');
    const bundle = await packDemo(join(dir, 'c'));
    const r = await evb('sign', bundle, '--key', 'leaf.jwk', '--role', 'certifier', '--cert', 'junk.pem');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('ERR_X509_INVALID');
  });
});
