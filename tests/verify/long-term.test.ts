// Verification at a later or past date, with archive timestamps: a bundle signed by a certifier whose certificate
// later expires and is then revoked, timestamped by an openssl TSA whose own certificate expires. With archive
// timestamps taken in time it stays VALID for the time they prove; without them it becomes INDETERMINATE.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { createJwkSigner, parseTrustPolicy, verifyBundle, type VerificationReport } from '../../src/index.js';
import { archiveTimestampBundle, openBundle, timestampBundleDirectory } from '../../src/node/index.js';
import { base64Encode } from '../../src/internal/bytes.js';
import { packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';
import { makeCrl, revoke } from '../helpers/openssl-revocation.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';

warnIfNoOpenssl('tests/verify/long-term');

const DAY = 86_400_000;

describe.skipIf(!OPENSSL_AVAILABLE)('archive timestamps and verification at a date', () => {
  let dir: string;
  let pki: OpensslPki;
  let shortTsa: OpensslTsa;
  let archiveTsa: OpensslTsa;
  let renewalTsa: OpensslTsa;
  let leaf: IssuedCertificate;
  let crls: Uint8Array[];
  const start = Date.now();
  // After the certifier's certificate expired (day 2), and after it was revoked (day 3).
  const later = new Date(start + 5 * DAY);

  const evb = async (...args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
    return { code: await main(args, io), out, err };
  };
  const policy = (extra: Record<string, unknown> = {}) =>
    parseTrustPolicy({
      policyVersion: '1.0',
      name: 'long-term',
      owner: { country: 'DZ', authority: 'central authority' },
      authorities: [{ id: 'vn-ca', name: 'National CA', country: 'VN', roles: ['certifier'], x509Anchors: [pki.root.pem] }],
      timestampAuthorities: [
        { id: 'tsa', name: 'Signature TSA', anchors: [shortTsa.root.pem] },
        { id: 'archive', name: 'Archive TSA', anchors: [archiveTsa.root.pem, renewalTsa.root.pem] },
      ],
      revocation: { required: true, crls: crls.map((c) => base64Encode(c)) },
      ...extra,
    });
  const verifyAt = async (bundle: string, currentDate: Date, extra?: Record<string, unknown>): Promise<VerificationReport> => {
    const opened = await openBundle(bundle);
    try {
      return await verifyBundle(opened.source, { policy: policy(extra), currentDate });
    } finally {
      await opened.close();
    }
  };
  const codes = (report: VerificationReport) => report.findings.map((f) => f.code);
  const signed = async (name: string) => {
    const certifier = { signer: await createJwkSigner(leaf.privateJwk, { x5c: [leaf.base64, pki.intermediates[0]!.base64] }) } as KeyPair;
    const bundle = await packDemo(dir, { name, certifier });
    await timestampBundleDirectory(bundle, { tsaUrl: shortTsa.url });
    return bundle;
  };

  beforeAll(async () => {
    dir = await tempDir('evb-long-');
    [pki, shortTsa, archiveTsa, renewalTsa] = await Promise.all([
      createOpensslPki(),
      startOpensslTsa({ notAfter: new Date(start + DAY) }),
      startOpensslTsa({ notAfter: new Date(start + 30 * DAY) }),
      startOpensslTsa({ notAfter: new Date(start + 3650 * DAY) }),
    ]);
    leaf = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Certifier', notBefore: new Date(start - DAY), notAfter: new Date(start + 2 * DAY) });
    await revoke(pki, leaf, pki.intermediates[0]!, new Date(start + 3 * DAY));
    const window = { thisUpdate: new Date(start + 4 * DAY), nextUpdate: new Date(start + 11 * DAY) };
    crls = await Promise.all([makeCrl(pki, pki.intermediates[0]!, window), makeCrl(pki, pki.root, window)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pki?.dispose(), shortTsa?.close(), archiveTsa?.close(), renewalTsa?.close(), dir && fsp.rm(dir, { recursive: true, force: true })]);
  });

  it('is VALID now, and INDETERMINATE after the certificates expired when no archive timestamp proves the time', async () => {
    const bundle = await signed('plain');
    const now = await verifyAt(bundle, new Date(), { revocation: { required: false } });
    expect(now.outcome, JSON.stringify(now.findings)).toBe('VALID');
    const after = await verifyAt(bundle, later);
    // The signature's token needs its TSA certificate valid when last proven to exist: now, after it expired.
    expect(codes(after)).toContain('policy.timestamp.untrusted');
    expect(codes(after)).toContain('policy.certificate.expired');
    expect(after.outcome).toBe('INDETERMINATE');
  });

  it('stays VALID after expiry and revocation with an archive timestamp taken in time (revoked later than proven)', async () => {
    const bundle = await signed('archived');
    const run = await evb('timestamp', '--archive', bundle, '--tsa', archiveTsa.url);
    expect(run.code, run.err).toBe(0);
    const report = await verifyAt(bundle, later);
    expect(report.outcome, JSON.stringify(report.findings)).toBe('VALID');
    expect(codes(report)).toEqual(expect.arrayContaining(['policy.archive-timestamp.proven', 'policy.revocation.revoked-later']));
    // Through the CLI: evb verify --at, with the CRLs given on the command line instead of the policy.
    const policyFile = join(dir, 'policy.json');
    const { revocation: _, ...withoutCrls } = policy({ revocation: { required: true } });
    await fsp.writeFile(policyFile, JSON.stringify({ ...withoutCrls, revocation: { required: true } }));
    const crlFiles = await Promise.all(crls.map(async (c, i) => {
      const file = join(dir, `crl-${i}.der`);
      await fsp.writeFile(file, c);
      return file;
    }));
    const cli = await evb('verify', bundle, '--policy', policyFile, '--at', later.toISOString(), '--crl', crlFiles[0]!, '--crl', crlFiles[1]!, '--json', '--quiet');
    expect(cli.code, cli.out).toBe(0);
    const missing = await evb('verify', bundle, '--policy', policyFile, '--at', later.toISOString(), '--quiet');
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('policy.revocation.missing');
  });

  it('needs renewal before the archive TSA certificate expires; a renewal with another digest keeps the first time', async () => {
    const bundle = await signed('renewed');
    await archiveTimestampBundle(bundle, { tsaUrl: archiveTsa.url });
    const muchLater = new Date(start + 60 * DAY);
    // The archive TSA's certificate ended on day 30: the chain proves nothing on day 60.
    const stale = await verifyAt(bundle, muchLater);
    expect(codes(stale)).toContain('policy.archive-timestamp.untrusted');
    expect(stale.outcome).toBe('INDETERMINATE');
    await archiveTimestampBundle(bundle, { tsaUrl: renewalTsa.url, digestAlgorithm: 'sha512' });
    const renewed = await verifyAt(bundle, muchLater);
    expect(renewed.outcome, JSON.stringify(renewed.findings)).toBe('VALID');
    const chain = JSON.parse(await fsp.readFile(join(bundle, 'evidence', 'archive-timestamps.json'), 'utf8')) as { chain: Array<{ digestAlgorithm: string }> };
    expect(chain.chain.map((l) => l.digestAlgorithm)).toEqual(['sha256', 'sha512']);
  });

  it('refuses archive options that do not go together (usage, exit 64), changing nothing', async () => {
    const bundle = await signed('usage');
    for (const args of [
      ['--archive', bundle, '--tsa', archiveTsa.url, '--digest', 'md5'],
      ['--archive', bundle, '--tsa', archiveTsa.url, '--signature', '0'],
      [bundle, '--tsa', archiveTsa.url, '--digest', 'sha512'],
      ['--archive', bundle, '--tsa', 'ftp://tsa.example/'],
    ]) {
      const run = await evb('timestamp', ...args);
      expect(run.code, args.join(' ')).toBe(64);
    }
    await expect(fsp.access(join(bundle, 'evidence', 'archive-timestamps.json'))).rejects.toThrow();
  });

  it('archives a ZIP and a CBOR bundle alike', async () => {
    const bundle = await signed('forms');
    for (const name of ['forms.zip', 'forms.cbor']) {
      const file = join(dir, name);
      expect((await evb('convert', bundle, file)).code).toBe(0);
      expect((await evb('timestamp', '--archive', file, '--tsa', archiveTsa.url)).code).toBe(0);
      const report = await verifyAt(file, later);
      expect(report.outcome, `${name}: ${JSON.stringify(report.findings)}`).toBe('VALID');
    }
  });

  it('proves nothing once the bundle changes after the link, or with a malformed or untrusted chain', async () => {
    const bundle = await signed('changed');
    await archiveTimestampBundle(bundle, { tsaUrl: archiveTsa.url });
    // A signature timestamp added after the archive timestamp: the link no longer covers signatures.json.
    await timestampBundleDirectory(bundle, { tsaUrl: shortTsa.url, signatureIndex: 0 });
    const changed = await verifyAt(bundle, later);
    expect(codes(changed)).toContain('policy.archive-timestamp.invalid');
    expect(changed.outcome).toBe('INDETERMINATE');

    const untrusted = await signed('untrusted');
    await archiveTimestampBundle(untrusted, { tsaUrl: archiveTsa.url });
    const report = await verifyAt(untrusted, later, { timestampAuthorities: [{ id: 'tsa', name: 'Signature TSA', anchors: [shortTsa.root.pem] }] });
    expect(codes(report)).toContain('policy.archive-timestamp.untrusted');
    expect(report.outcome).toBe('INDETERMINATE');

    for (const content of ['{"archiveTimestampsVersion":"1.0","chain":[]}\n', '{"archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"md5","token":"AA=="}]}', 'not json', '{"a":1,"a":1}']) {
      const broken = await signed(`broken-${content.length}`);
      await fsp.writeFile(join(broken, 'evidence', 'archive-timestamps.json'), content);
      await resealBag(broken);
      const verdict = await verifyAt(broken, new Date(), { revocation: { required: false } });
      expect(codes(verdict)).toContain('bundle.archive-timestamps.malformed');
      // Nothing proven, nothing lost: judged as without the chain.
      expect(verdict.outcome).toBe('VALID');
    }
  });

  it('judges at a past date: links made after it are left out (policy.archive-timestamp.later)', async () => {
    const bundle = await signed('past');
    await archiveTimestampBundle(bundle, { tsaUrl: archiveTsa.url });
    const before = await verifyAt(bundle, new Date(start - 3600_000), { revocation: { required: false } });
    expect(codes(before)).toContain('policy.archive-timestamp.later');
    expect(codes(before)).not.toContain('policy.archive-timestamp.proven');
    const policyFile = join(dir, 'past-policy.json');
    await fsp.writeFile(policyFile, JSON.stringify(policy({ revocation: { required: false } })));
    // A date alone, a time without offset, a day that does not exist: usage errors, never a guess.
    for (const at of ['2031-05-01', '2031-05-01T00:00:00', '2031-02-30T00:00:00Z', 'yesterday']) {
      const run = await evb('verify', bundle, '--policy', policyFile, '--at', at, '--quiet');
      expect(run.code, at).toBe(64);
      expect(run.err).toContain('--at');
    }
  });
});
