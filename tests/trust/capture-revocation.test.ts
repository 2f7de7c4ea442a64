// Revocation data captured for the signer, at signing time, from the URLs its certificates name (a local server
// on 127.0.0.1 answering with openssl's CRLs and OCSP responses), stored in evidence/validation-data.json, and
// used by the verifier offline.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { captureRevocationData, parseValidationData } from '../../src/entries/trust.js';
import { createJwkSigner, parseTrustPolicy, verifyBundle } from '../../src/index.js';
import { addValidationData, openBundle } from '../../src/node/index.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { collectRevocationData } from '../../src/trust/check-revocation.js';
import { packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { createOpensslPki, openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';
import { makeCrl } from '../helpers/openssl-revocation.js';
import { serveOnLoopback, type LoopbackServer } from '../helpers/openssl-tsa.js';
import { signUnchecked } from '../helpers/sign-unchecked.js';
import { MANIFEST } from './evaluate-helpers.js';

warnIfNoOpenssl('tests/trust/capture-revocation');

describe.skipIf(!OPENSSL_AVAILABLE)('capturing revocation data for the signer', () => {
  let dir: string;
  let pki: OpensslPki;
  let server: LoopbackServer;
  let base: string;
  let ca: IssuedCertificate;
  let leaf: IssuedCertificate;
  let hostile: IssuedCertificate;
  let silent: IssuedCertificate;
  const paths: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('evb-capture-');
    pki = await createOpensslPki();
    let n = 0;
    server = await serveOnLoopback(async (body, request) => {
      const path = request.url ?? '';
      paths.push(`${request.method} ${path}`);
      if (path === '/crl') return { status: 200, body: await makeCrl(pki, ca) };
      if (path === '/root.crl') return { status: 200, body: await makeCrl(pki, pki.root) };
      if (path === '/ocsp') {
        const id = ++n;
        await fsp.writeFile(join(pki.dir, `capture-${id}.req`), body);
        await openssl(['ocsp', '-index', 'index.txt', '-CA', ca.certPath, '-rsigner', ca.certPath, '-rkey', ca.keyPath, '-reqin', `capture-${id}.req`, '-respout', `capture-${id}.der`, '-nmin', '60'], pki.dir);
        return { status: 200, headers: { 'content-type': 'application/ocsp-response' }, body: new Uint8Array(await fsp.readFile(join(pki.dir, `capture-${id}.der`))) };
      }
      if (path === '/big') return { status: 200, body: new Uint8Array(9 * 1024 * 1024) };
      if (path === '/error') return { status: 500, body: 'down' };
      if (path === '/garbage') return { status: 200, body: 'not DER' };
      // Never answers: the client's timeout must end it.
      return new Promise(() => undefined);
    });
    base = server.url.replace(/\/tsa$/, '');
    ca = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Issuing CA', extensions: [`crlDistributionPoints = URI:${base}/root.crl`] }, { ca: true, issuer: pki.root });
    leaf = await pki.issue({ extensions: [`crlDistributionPoints = URI:ldap://ldap.example/crl,URI:${base}/crl`, `authorityInfoAccess = OCSP;URI:${base}/ocsp`] }, { issuer: ca });
    hostile = await pki.issue({
      extensions: [`crlDistributionPoints = URI:${base}/big,URI:${base}/error,URI:${base}/garbage`, `authorityInfoAccess = OCSP;URI:${base}/garbage`],
    }, { issuer: ca });
    silent = await pki.issue({ extensions: [`crlDistributionPoints = URI:${base}/slow`] }, { issuer: ca });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pki?.dispose(), server?.close(), dir && fsp.rm(dir, { recursive: true, force: true })]);
  });

  const policy = () =>
    parseTrustPolicy({
      policyVersion: '1.0',
      name: 'capture',
      owner: { country: 'DZ', authority: 'central authority' },
      authorities: [{ id: 'vn-ca', name: 'National CA', country: 'VN', roles: ['certifier'], x509Anchors: [pki.root.pem] }],
      revocation: { required: true },
    });

  it('fetches an OCSP response and CRLs from the URLs of the chain only, which meet a policy that requires them', async () => {
    paths.length = 0;
    const captured = await captureRevocationData([leaf.base64, ca.base64]);
    expect(captured.problems).toEqual([]);
    expect(captured.ocspResponses).toHaveLength(1);
    expect(captured.crls).toHaveLength(2);
    // The ldap URL is skipped; nothing but what the certificates name is asked for.
    expect(paths.sort()).toEqual(['GET /crl', 'GET /root.crl', 'POST /ocsp']);
    const signature = await signUnchecked(MANIFEST, await createJwkSigner(leaf.privateJwk, { x5c: [leaf.base64, ca.base64] }), { role: 'certifier' });
    const { data } = await collectRevocationData([{ label: 'captured', ...captured }]);
    const { findings } = await evaluateSignatures(MANIFEST, [signature], { policy: policy(), senderCountry: 'VN', currentDate: new Date(), revocation: data });
    expect(findings).toEqual([]);
  });

  it('survives oversized, failing, garbled and silent servers: problems, no data, no hang', async () => {
    const captured = await captureRevocationData([hostile.base64, ca.base64]);
    expect(captured.ocspResponses).toEqual([]);
    expect(captured.crls).toHaveLength(1);
    expect(captured.problems.join('\n')).toMatch(/big.*exceeds|declares/);
    expect(captured.problems.join('\n')).toContain('HTTP 500');
    expect(captured.problems.join('\n')).toContain('no usable CRL');
    expect(captured.problems.join('\n')).toContain('no revocation data could be captured for x5c[0]');
    // A server that never answers: the per-request timeout ends it (only this certificate, so only this URL).
    const timedOut = await captureRevocationData([silent.base64], { timeoutMs: 300 });
    expect(timedOut.crls).toEqual([]);
    expect(timedOut.problems.join('\n')).toContain('/slow');
    await expect(captureRevocationData(['bm90IGEgY2VydA=='])).rejects.toThrow(TypeError);
  });

  it('evb sign --capture-revocation stores the data in the bundle; the verifier uses it offline', async () => {
    const bundle = await packDemo(dir, { name: 'captured' });
    const key = join(dir, 'leaf.jwk');
    await fsp.writeFile(key, JSON.stringify(leaf.privateJwk));
    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
    const code = await main(['sign', bundle, '--key', key, '--role', 'certifier', '--cert', leaf.certPath, '--cert', ca.certPath, '--capture-revocation'], io);
    expect(code, err).toBe(0);
    expect(out).toContain('validation data: 2 CRL(s), 1 OCSP response(s)');
    const opened = await openBundle(bundle);
    try {
      const report = await verifyBundle(opened.source, { policy: policy() });
      expect(report.outcome, JSON.stringify(report.findings)).toBe('VALID');
    } finally {
      await opened.close();
    }
    // Adding the same data again keeps one copy; data the verifier would not read is refused.
    const stored = parseValidationData(await fsp.readFile(join(bundle, 'evidence', 'validation-data.json')));
    expect(await addValidationData(bundle, stored)).toEqual({ crls: 2, ocspResponses: 1 });
    await expect(addValidationData(bundle, { crls: [new Uint8Array([0x30, 0x00])] })).rejects.toMatchObject({ code: 'ERR_X509_INVALID' });
  });

  it('reports a malformed validation-data file (bundle.validation-data.malformed) and judges without it', async () => {
    const bundle = await packDemo(dir, { name: 'bad-data' });
    const key = join(dir, 'leaf.jwk');
    await fsp.writeFile(key, JSON.stringify(leaf.privateJwk));
    const io: CliIO = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false, cwd: dir };
    expect(await main(['sign', bundle, '--key', key, '--role', 'certifier', '--cert', leaf.certPath, '--cert', ca.certPath], io)).toBe(0);
    const { resealBag } = await import('../helpers/bundle-fixture.js');
    for (const content of ['{"validationDataVersion":"2.0"}', '{"validationDataVersion":"1.0","crls":["%%"]}', '[]', '{"validationDataVersion":"1.0","extra":1}']) {
      await fsp.writeFile(join(bundle, 'evidence', 'validation-data.json'), content);
      await resealBag(bundle);
      const opened = await openBundle(bundle);
      try {
        const report = await verifyBundle(opened.source, { policy: policy() });
        const found = report.findings.map((f) => f.code);
        expect(found).toContain('bundle.validation-data.malformed');
        expect(found).toContain('policy.revocation.missing');
        expect(report.outcome).toBe('INDETERMINATE');
      } finally {
        await opened.close();
      }
    }
  });
});
