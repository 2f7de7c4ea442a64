// `evb timestamp BUNDLE --tsa URL` against openssl's TSA: the token lands in the signature's unprotected
// header, the signature is untouched, and openssl ts -verify accepts the stored token over the signature value.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { base64DecodeStrict, base64urlDecodeStrict } from '../../src/internal/bytes.js';
import { verifyTimestampToken } from '../../src/timestamp/verify-timestamp-token.js';
import { keyPair, packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl } from '../helpers/openssl-pki.js';
import { serveOnLoopback, startOpensslTsa, type LoopbackServer, type OpensslTsa } from '../helpers/openssl-tsa.js';

warnIfNoOpenssl('tests/timestamp/evb-timestamp');

interface StoredSignature {
  protected: string;
  signature: string;
  header?: { tst?: string[] };
}

describe.skipIf(!OPENSSL_AVAILABLE)('evb timestamp with an openssl TSA', () => {
  let dir: string;
  let tsa: OpensslTsa;
  let failing: LoopbackServer;

  const evb = async (...args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
    return { code: await main(args, io), out, err };
  };
  const signaturesOf = async (bundle: string) =>
    (JSON.parse(await fsp.readFile(join(bundle, 'evidence', 'signatures.json'), 'utf8')) as { signatures: StoredSignature[] }).signatures;

  beforeAll(async () => {
    dir = await tempDir('evb-tst-');
    [tsa, failing] = await Promise.all([startOpensslTsa(), serveOnLoopback(() => ({ status: 500, body: 'down' }))]);
  });
  afterAll(async () => {
    await Promise.all([tsa?.close(), failing?.close(), fsp.rm(dir, { recursive: true, force: true })]);
  });

  it('stores a token that verifies, and that openssl ts -verify accepts', async () => {
    const bundle = await packDemo(dir, { name: 'stamped', packager: await keyPair('ES256') });
    const before = await signaturesOf(bundle);
    const run = await evb('timestamp', bundle, '--tsa', tsa.url);
    expect(run.code).toBe(0);
    const after = await signaturesOf(bundle);
    expect(after[0]!.protected).toBe(before[0]!.protected);
    expect(after[0]!.signature).toBe(before[0]!.signature);
    expect(after[0]!.header?.tst).toHaveLength(1);

    const signed = base64urlDecodeStrict(after[0]!.signature);
    const token = base64DecodeStrict(after[0]!.header!.tst![0]!);
    if (token === undefined) throw new Error('header.tst[0] is not strict base64');
    const verdict = await verifyTimestampToken(token, { data: signed, anchors: [tsa.root.pem] });
    expect(verdict.status).toBe('valid');

    await fsp.writeFile(join(dir, 'signature.bin'), signed);
    await fsp.writeFile(join(dir, 'token.der'), token);
    const { stdout } = await openssl(
      ['ts', '-verify', '-data', 'signature.bin', '-in', 'token.der', '-token_in', '-CAfile', tsa.root.certPath, '-untrusted', tsa.untrustedPemPath],
      dir,
    );
    expect(stdout).toMatch(/Verification: OK/);
  });

  it('fails and leaves the bundle as it was when the TSA answers HTTP 500', async () => {
    const bundle = await packDemo(dir, { name: 'unstamped', packager: await keyPair('ES256') });
    const before = await fsp.readFile(join(bundle, 'evidence', 'signatures.json'));
    const run = await evb('timestamp', bundle, '--tsa', failing.url);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/ERR_TSA_FAILED|HTTP 500/);
    expect(await fsp.readFile(join(bundle, 'evidence', 'signatures.json'))).toEqual(before);
  });
});
