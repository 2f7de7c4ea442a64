// The CRL and OCSP primitives on data made by openssl, hostile variants included, and compared with
// `openssl ocsp -respin` on the same responses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crlStatus, MAX_REVOCATION_DATA_BYTES, parseCrl } from '../../src/x509/crl.js';
import { parseCertificate } from '../../src/x509/der.js';
import { ocspStatus, parseOcspResponse } from '../../src/x509/ocsp.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';
import { makeCrl, makeOcsp, opensslOcspVerdict, revoke } from '../helpers/openssl-revocation.js';

warnIfNoOpenssl('tests/x509/revocation-data');

const DAY = 86_400_000;
const cert = (c: IssuedCertificate) => parseCertificate(c.der)!;

describe.skipIf(!OPENSSL_AVAILABLE)('CRL and OCSP primitives', () => {
  let pki: OpensslPki;
  let other: OpensslPki;
  let ca: IssuedCertificate;

  beforeAll(async () => {
    [pki, other] = await Promise.all([createOpensslPki(), createOpensslPki()]);
    ca = pki.intermediates[0]!;
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pki?.dispose(), other?.dispose()]);
  });

  it('reads a CRL: good, revoked with its time and reason, another CA\'s as not applicable', async () => {
    const good = await pki.issue();
    const bad = await pki.issue();
    const at = new Date(Math.floor((Date.now() - DAY) / 1000) * 1000);
    await revoke(pki, bad, ca, at, 'superseded');
    const crl = parseCrl(await makeCrl(pki, ca))!;
    expect(await crlStatus(crl, cert(good), cert(ca))).toMatchObject({ status: 'good' });
    expect(await crlStatus(crl, cert(bad), cert(ca))).toMatchObject({ status: 'revoked', revokedAt: at, reason: 'superseded' });
    // The root's CRL is about the intermediate, not about a leaf the intermediate issued.
    const rootCrl = parseCrl(await makeCrl(pki, pki.root))!;
    expect(await crlStatus(rootCrl, cert(good), cert(ca))).toEqual({ status: 'not-applicable' });
  });

  it('finds a CRL with a forged or altered signature unusable, never good', async () => {
    const leaf = await pki.issue();
    const der = await makeCrl(pki, ca);
    const altered = der.slice();
    // The last byte is inside the signature's s: still DER, no longer the CA's signature.
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 0x01;
    const forged = await makeCrl(other, other.intermediates[0]!);
    for (const bytes of [altered, forged]) {
      const parsed = parseCrl(bytes);
      expect(parsed).toBeDefined();
      expect(await crlStatus(parsed!, cert(leaf), cert(ca))).toMatchObject({ status: 'unusable' });
    }
  });

  it('refuses bytes that are no CRL: truncated, trailing data, a certificate, empty, past the size cap', async () => {
    const der = await makeCrl(pki, ca);
    const huge = new Uint8Array(MAX_REVOCATION_DATA_BYTES + 1);
    huge.set(der);
    for (const bytes of [der.slice(0, -1), new Uint8Array([...der, 0]), ca.der, new Uint8Array(0), huge]) {
      expect(parseCrl(bytes)).toBeUndefined();
    }
  });

  it('reads OCSP responses as openssl ocsp does: good, revoked, from the CA or a delegated responder', async () => {
    const good = await pki.issue();
    const bad = await pki.issue();
    await revoke(pki, bad, ca);
    const responder = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Responder', extendedKeyUsage: 'OCSPSigning' });
    for (const signer of [ca, responder]) {
      for (const [leaf, expected] of [[good, 'good'], [bad, 'revoked']] as const) {
        const der = await makeOcsp(pki, leaf, ca, { signer });
        expect((await ocspStatus(parseOcspResponse(der)!, cert(leaf), cert(ca))).status).toBe(expected);
        const theirs = await opensslOcspVerdict(pki, der, leaf, ca);
        expect(theirs, theirs.output).toMatchObject({ verified: true, status: expected });
      }
    }
  });

  it('finds unauthorised, expired, altered and foreign responders unusable; openssl refuses them too', async () => {
    const leaf = await pki.issue();
    const plain = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=No delegation' });
    const expired = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Old responder', extendedKeyUsage: 'OCSPSigning', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    const foreign = await other.issue({ subject: '/C=VN/O=Test PKI/CN=Foreign responder', extendedKeyUsage: 'OCSPSigning' });
    const altered = (await makeOcsp(pki, leaf, ca, { noCerts: true })).slice();
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 0x01;
    const cases: Array<[string, Uint8Array]> = [
      ['no id-kp-OCSPSigning', await makeOcsp(pki, leaf, ca, { signer: plain })],
      ['expired responder', await makeOcsp(pki, leaf, ca, { signer: expired })],
      ['responder of another CA', await makeOcsp(pki, leaf, ca, { signer: foreign })],
      ['altered signature', altered],
    ];
    for (const [label, der] of cases) {
      const parsed = parseOcspResponse(der);
      expect(parsed, label).toBeDefined();
      expect((await ocspStatus(parsed!, cert(leaf), cert(ca))).status, label).toBe('unusable');
      expect((await opensslOcspVerdict(pki, der, leaf, ca)).verified, label).toBe(false);
    }
  });

  it('says nothing about another serial, and refuses what is no successful basic response', async () => {
    const leaf = await pki.issue();
    const der = await makeOcsp(pki, await pki.issue(), ca);
    expect(await ocspStatus(parseOcspResponse(der)!, cert(leaf), cert(ca))).toEqual({ status: 'not-applicable' });
    // OCSPResponse { tryLater } and { unauthorized }: no responseBytes, nothing about any certificate.
    for (const bytes of [new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]), new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x06]), der.slice(0, -2), await makeCrl(pki, ca)]) {
      expect(parseOcspResponse(bytes)).toBeUndefined();
    }
  });
});
