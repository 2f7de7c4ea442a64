// The TSA certificate's path: intermediates from the policy when the token does not carry them, every ESSCertID
// of the signing-certificate attribute (RFC 5035 section 5.4.1), and the period in which the policy accepts a
// TSA (checkTimestamps, policy.timestamp.authority-not-valid-at-time).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Encode, base64urlEncode } from '../../src/internal/bytes.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { verifyTimestampToken } from '../../src/timestamp/verify-timestamp-token.js';
import { checkTimestamps } from '../../src/trust/check-timestamps.js';
import { createOpensslPki, openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';
import { codes, policyWith } from '../trust/evaluate-helpers.js';

warnIfNoOpenssl('tests/timestamp/tsa-path');

const SIGNED = crypto.getRandomValues(new Uint8Array(64));
const DAY = 86_400_000;

/** The token without the certificates `drop` (DER), re-encoded. */
function withoutCertificates(token: Uint8Array, drop: Uint8Array): Uint8Array {
  const contentInfo = new pkijs.ContentInfo({ schema: asn1js.fromBER(token).result });
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const same = (c: unknown) => {
    const der = new Uint8Array((c as pkijs.Certificate).toSchema().toBER());
    return der.length === drop.length && der.every((b, i) => b === drop[i]);
  };
  signedData.certificates = signedData.certificates!.filter((c) => !same(c));
  return new Uint8Array(new pkijs.ContentInfo({ contentType: contentInfo.contentType, content: signedData.toSchema(true) }).toSchema().toBER());
}

describe.skipIf(!OPENSSL_AVAILABLE)('the TSA certificate path', () => {
  let bare: OpensslTsa;
  let chained: OpensslTsa;
  let stranger: OpensslPki;
  let bareToken: Uint8Array;
  let chainedToken: Uint8Array;
  let reissuedPem: string;

  beforeAll(async () => {
    [bare, chained, stranger] = await Promise.all([
      startOpensslTsa({ chainInToken: false }),
      startOpensslTsa({ essCertIdChain: true }),
      createOpensslPki({ root: { subject: '/C=FR/O=Elsewhere/CN=Rogue TSA Root' } }),
    ]);
    [bareToken, chainedToken] = await Promise.all([requestTimestamp(bare.url, SIGNED), requestTimestamp(chained.url, SIGNED)]);
    // The intermediate again, same name and key, another serial number: a path through it is sound, but it is
    // not the certificate the TSA named in its signing-certificate attribute.
    const dir = chained.pki.dir;
    const ca = chained.pki.intermediates[0]!;
    await writeFile(join(dir, 'again.ext'), '[ ext ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n');
    await openssl(['req', '-new', '-key', ca.keyPath, '-subj', ca.subject, '-out', 'again.csr'], dir);
    const asn1Time = (t: number) => new Date(t).toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
    await openssl([
      'ca', '-batch', '-config', 'ca.cnf', '-notext', '-preserveDN', '-in', 'again.csr', '-out', 'again.pem',
      '-startdate', asn1Time(Date.now() - DAY), '-enddate', asn1Time(Date.now() + 100 * DAY), '-extfile', 'again.ext', '-extensions', 'ext',
      '-cert', chained.root.certPath, '-keyfile', chained.root.keyPath,
    ], dir);
    reissuedPem = await readFile(join(dir, 'again.pem'), 'utf8');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([bare?.close(), chained?.close(), stranger?.dispose()]);
  });

  it('completes the path with the policy\'s intermediates when the token carries only the TSA certificate', async () => {
    const alone = await verifyTimestampToken(bareToken, { data: SIGNED, anchors: [bare.root.pem] });
    expect(alone.status).toBe('untrusted');
    expect(alone.reason).toMatch(/\S/);
    const completed = await verifyTimestampToken(bareToken, { data: SIGNED, anchors: [bare.root.pem], intermediates: [bare.pki.intermediates[0]!.pem] });
    expect(completed.status).toBe('valid');
  });

  it('never takes an intermediate, or a root given as one, for an anchor', async () => {
    const r = await verifyTimestampToken(bareToken, {
      data: SIGNED,
      anchors: [stranger.root.pem],
      intermediates: [bare.pki.intermediates[0]!.pem, bare.root.pem],
    });
    expect([r.status, r.reason]).toEqual(['untrusted', expect.any(String)]);
    // An intermediate of another PKI is no help either.
    expect((await verifyTimestampToken(bareToken, { data: SIGNED, anchors: [bare.root.pem], intermediates: [stranger.intermediates[0]!.pem] })).status).toBe('untrusted');
  });

  it('finds the TSA certificate itself among the policy\'s intermediates when the token has none', async () => {
    const withoutTsa = withoutCertificates(bareToken, bare.tsa.der);
    expect((await verifyTimestampToken(withoutTsa, { data: SIGNED, anchors: [bare.root.pem] })).status).toBe('untrusted');
    const r = await verifyTimestampToken(withoutTsa, { data: SIGNED, anchors: [bare.root.pem], intermediates: [bare.tsa.pem, bare.pki.intermediates[0]!.pem] });
    expect(r.status).toBe('valid');
  });

  it('accepts a token whose signing-certificate attribute names the TSA certificate and its intermediate (openssl agrees)', async () => {
    expect((await verifyTimestampToken(chainedToken, { data: SIGNED, anchors: [chained.root.pem] })).status).toBe('valid');
    const dir = chained.pki.dir;
    await writeFile(join(dir, 'signed.bin'), SIGNED);
    await writeFile(join(dir, 'chained.der'), chainedToken);
    const { stdout } = await openssl(['ts', '-verify', '-data', 'signed.bin', '-in', 'chained.der', '-token_in', '-CAfile', chained.root.certPath, '-untrusted', chained.untrustedPemPath], dir);
    expect(stdout).toMatch(/Verification: OK/);
  });

  it('refuses a path through another intermediate than the one the further ESSCertID names', async () => {
    const stripped = withoutCertificates(chainedToken, chained.pki.intermediates[0]!.der);
    const options = { data: SIGNED, anchors: [chained.root.pem] };
    const viaOther = await verifyTimestampToken(stripped, { ...options, intermediates: [reissuedPem] });
    expect(viaOther.status).toBe('refused');
    expect(viaOther.chain).toBe('valid');
    expect(viaOther.reason).toMatch(/\S/);
    // The same token with the named intermediate: valid, so the restriction alone made the difference.
    expect((await verifyTimestampToken(stripped, { ...options, intermediates: [chained.pki.intermediates[0]!.pem] })).status).toBe('valid');
    // A token whose attribute names only the TSA certificate does not restrict the path.
    const bareStripped = await verifyTimestampToken(bareToken, { ...options, anchors: [bare.root.pem], intermediates: [bare.pki.intermediates[0]!.pem] });
    expect(bareStripped.status).toBe('valid');
  });

  describe('checkTimestamps with a policy period and intermediates', () => {
    const signature = () => ({ protected: 'e30', signature: base64urlEncode(SIGNED), header: { tst: [base64Encode(bareToken)] } });
    const tsaEntry = (extra: Record<string, unknown>) => ({ id: 'tsa', name: 'Test TSA', anchors: [bare.root.pem], intermediates: [bare.pki.intermediates[0]!.pem], ...extra });

    it('proves the time with the policy\'s intermediates, inside the period', async () => {
      const policy = policyWith({ timestampAuthorities: [tsaEntry({ validFrom: new Date(Date.now() - DAY).toISOString(), validUntil: new Date(Date.now() + DAY).toISOString() })] });
      const r = await checkTimestamps(signature(), 0, policy, new Date());
      expect(r.status).toBe('valid');
      expect(r.findings).toEqual([]);
      expect(r.genTime).toBeInstanceOf(Date);
    });

    it.each([
      ['closed before the token', { validUntil: new Date(Date.now() - DAY).toISOString() }],
      ['accepted only from after the token', { validFrom: new Date(Date.now() + DAY).toISOString() }],
    ])('proves nothing for a TSA %s (policy.timestamp.authority-not-valid-at-time)', async (_, period) => {
      const policy = policyWith({ timestampAuthorities: [tsaEntry(period)] });
      const r = await checkTimestamps(signature(), 0, policy, new Date());
      expect(r.genTime).toBeUndefined();
      expect(codes(r.findings)).toEqual(['policy.timestamp.authority-not-valid-at-time']);
      expect(r.findings[0]).toMatchObject({ signature: 0, rule: 'tsa' });
    });

    it('is accepted by another entry of the policy whose period covers it', async () => {
      const policy = policyWith({
        timestampAuthorities: [tsaEntry({ id: 'old', validUntil: new Date(Date.now() - DAY).toISOString() }), tsaEntry({ id: 'current' })],
      });
      const r = await checkTimestamps(signature(), 0, policy, new Date());
      expect(r).toMatchObject({ status: 'valid', tsa: 'current', findings: [] });
    });

    it('refuses a policy whose TSA period is reversed', () => {
      expect(() => policyWith({ timestampAuthorities: [tsaEntry({ validFrom: '2030-01-01T00:00:00Z', validUntil: '2029-01-01T00:00:00Z' })] })).toThrow(
        expect.objectContaining({ code: 'ERR_POLICY_INVALID' }),
      );
    });
  });
});
