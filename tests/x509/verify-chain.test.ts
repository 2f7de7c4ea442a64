// verifyCertificateChain against certificates made by openssl: each negative case differs from a valid chain
// in one respect only, and asserts the exact status and that a reason is given (src/trust maps the status to a
// finding code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/sign/thumbprint.js';
import { verifyCertificateChain } from '../../src/x509/verify-chain.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/x509/verify-chain');

const DAY = 86_400_000;

describe.skipIf(!OPENSSL_AVAILABLE)('verifyCertificateChain with openssl certificates', () => {
  let pki: OpensslPki;
  let other: OpensslPki;
  let pathlen0: OpensslPki;
  let expired: IssuedCertificate;
  let notYetValid: IssuedCertificate;
  let encipherOnly: IssuedCertificate;
  let timestamping: IssuedCertificate;
  const now = new Date();

  beforeAll(async () => {
    [pki, other, pathlen0] = await Promise.all([
      createOpensslPki(),
      createOpensslPki({ root: { subject: '/C=FR/O=Elsewhere/CN=Other Root' } }),
      createOpensslPki({ root: { pathlen: 0 } }),
    ]);
    expired = await pki.issue({ notBefore: new Date(now.getTime() - 400 * DAY), notAfter: new Date(now.getTime() - 30 * DAY) });
    notYetValid = await pki.issue({ notBefore: new Date(now.getTime() + 30 * DAY), notAfter: new Date(now.getTime() + 400 * DAY) });
    encipherOnly = await pki.issue({ keyUsage: 'critical,keyEncipherment' });
    timestamping = await pki.issue({ extendedKeyUsage: 'critical,timeStamping' });
  });
  afterAll(async () => {
    await Promise.all([pki, other, pathlen0].map((p) => p?.dispose()));
  });

  const chainOf = (leaf: IssuedCertificate, p = pki) => [leaf.base64, p.intermediates[0]!.base64];
  const verify = (x5c: string[], anchors = [pki.root.pem], time = now) =>
    verifyCertificateChain(x5c, { anchors, time, requiredKeyUsage: ['digitalSignature'] });

  it('accepts root -> intermediate -> leaf and returns the leaf key', async () => {
    const r = await verify(pki.x5c);
    expect(r.status).toBe('valid');
    expect(r.reason).toBeUndefined();
    expect(await jwkThumbprint(r.leafPublicJwk)).toBe(await jwkThumbprint(pki.leaf.publicJwk));
    expect(r.leafPublicJwk).not.toHaveProperty('d');
    expect(r.subject).toContain('CN=Leaf');
  });

  it('accepts the anchor as base64 DER, and a chain that carries the anchor itself', async () => {
    expect((await verify(pki.x5c, [pki.root.base64])).status).toBe('valid');
    expect((await verify([...pki.x5c, pki.root.base64])).status).toBe('valid');
  });

  it('ends the path at the lowest anchor: an intermediate, or the leaf itself, may be the anchor', async () => {
    expect((await verify(pki.x5c, [pki.intermediates[0]!.pem])).status).toBe('valid');
    expect((await verify([...pki.x5c, pki.root.base64], [pki.intermediates[0]!.pem])).status).toBe('valid');
    expect((await verify([pki.leaf.base64], [pki.leaf.pem])).status).toBe('valid');
  });

  it('is expired when the anchor itself has expired', async () => {
    const old = await createOpensslPki({
      root: { notBefore: new Date(now.getTime() - 3000 * DAY), notAfter: new Date(now.getTime() - DAY) },
      intermediates: 0,
    });
    try {
      const r = await verify(old.x5c, [old.root.pem]);
      expect(r.status).toBe('expired');
      expect(r.reason).toMatch(/\S/);
    } finally {
      await old.dispose();
    }
  });

  it('is expired for a leaf past its notAfter, valid at a time inside its validity', async () => {
    const r = await verify(chainOf(expired));
    expect(r.status).toBe('expired');
    expect(r.reason).toMatch(/\S/);
    expect((await verify(chainOf(expired), undefined, new Date(now.getTime() - 100 * DAY))).status).toBe('valid');
  });

  it('is not-yet-valid for a leaf before its notBefore', async () => {
    const r = await verify(chainOf(notYetValid));
    expect(r.status).toBe('not-yet-valid');
    expect(r.reason).toMatch(/\S/);
  });

  it('is invalid for a leaf whose keyUsage is keyEncipherment only', async () => {
    const r = await verify(chainOf(encipherOnly));
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
    // The same leaf with no usage required: the key usage alone made the difference.
    expect((await verifyCertificateChain(chainOf(encipherOnly), { anchors: [pki.root.pem], time: now })).status).toBe('valid');
  });

  it('checks a required extended key usage', async () => {
    const options = { anchors: [pki.root.pem], time: now, requiredExtendedKeyUsage: '1.3.6.1.5.5.7.3.8' };
    expect((await verifyCertificateChain(chainOf(timestamping), options)).status).toBe('valid');
    const r = await verifyCertificateChain(pki.x5c, options);
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('is untrusted when the chain leads to a root the anchors do not hold', async () => {
    const r = await verify(pki.x5c, [other.root.pem]);
    expect(r.status).toBe('untrusted');
    expect(r.reason).toMatch(/\S/);
    // Carrying its own root in x5c changes nothing: only the policy's anchors count.
    expect((await verify([...pki.x5c, pki.root.base64], [other.root.pem])).status).toBe('untrusted');
    expect((await verify(pki.x5c, [])).status).toBe('untrusted');
  });

  it('is untrusted for an impostor PKI under the anchor\'s own names, its self-signed root carried or alone', async () => {
    const impostor = await createOpensslPki({ root: { keyUsage: 'critical,digitalSignature,keyCertSign' } });
    try {
      expect(impostor.root.subject).toBe(pki.root.subject);
      expect(impostor.intermediates[0]!.subject).toBe(pki.intermediates[0]!.subject);
      for (const x5c of [impostor.x5c, [...impostor.x5c, impostor.root.base64], [impostor.root.base64]]) {
        const r = await verify(x5c);
        expect(r.status).toBe('untrusted');
        expect(r.reason).toMatch(/\S/);
      }
    } finally {
      await impostor.dispose();
    }
  });

  it('is invalid for a chain in the wrong order', async () => {
    const r = await verify([pki.intermediates[0]!.base64, pki.leaf.base64]);
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('is invalid when the pathLenConstraint is exceeded', async () => {
    // Root with pathlen:0 -> intermediate -> leaf: one CA too many below the root.
    const r = await verify(pathlen0.x5c, [pathlen0.root.pem]);
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
    // A leaf the same root issues directly is within the constraint.
    const direct = await pathlen0.issue({}, { issuer: pathlen0.root });
    expect((await verify([direct.base64], [pathlen0.root.pem])).status).toBe('valid');
  });

  it('is invalid when a certificate is issued by a non-CA', async () => {
    const underLeaf = await pki.issue({}, { issuer: pki.leaf });
    const r = await verify([underLeaf.base64, ...pki.x5c]);
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('is invalid when a signature in the chain is altered', async () => {
    const der = new Uint8Array(pki.leaf.der);
    der[der.length - 5]! ^= 0x01;
    const r = await verify([Buffer.from(der).toString('base64'), pki.intermediates[0]!.base64]);
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('tells a leaf key from another key (the x5c leaf must be the JWS signing key)', async () => {
    const r = await verify(pki.x5c);
    const leafKid = await jwkThumbprint(r.leafPublicJwk);
    expect(leafKid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(leafKid).toBe(await jwkThumbprint(pki.leaf.publicJwk));
    expect(leafKid).not.toBe(await jwkThumbprint(other.leaf.publicJwk));
  });

  it('is malformed for anything that is not a list of base64 DER certificates, without throwing', async () => {
    for (const x5c of [[], ['%%%'], ['AAAA'], [pki.leaf.base64 + '='], Array(9).fill(pki.leaf.base64), 'x' as unknown as string[]]) {
      const r = await verify(x5c);
      expect(r.status).toBe('malformed');
      expect(r.reason).toMatch(/\S/);
    }
  });

  describe('a leaf that signs documents (documentSigner)', () => {
    const asSigner = (leaf: IssuedCertificate) =>
      verifyCertificateChain(chainOf(leaf), { anchors: [pki.root.pem], time: now, requiredKeyUsage: ['digitalSignature'], documentSigner: true });
    // Each purpose set alone: a set that names some other job only is refused, anything else (an agency's OID
    // included) is accepted.
    const refused = ['timeStamping', 'critical,timeStamping', 'serverAuth', 'clientAuth', 'serverAuth,clientAuth', 'codeSigning', 'OCSPSigning', 'serverAuth,clientAuth,codeSigning,timeStamping,OCSPSigning'];
    const accepted = ['emailProtection', 'anyExtendedKeyUsage', 'serverAuth,emailProtection', '1.3.6.1.5.5.7.3.36', 'timeStamping,1.2.3.4.5'];
    let leaves: Map<string, IssuedCertificate>;
    let caLeaf: IssuedCertificate;
    let certSignLeaf: IssuedCertificate;
    let caWithoutCertSign: IssuedCertificate;
    beforeAll(async () => {
      leaves = new Map(await Promise.all([...refused, ...accepted].map(async (eku) => [eku, await pki.issue({ extendedKeyUsage: eku })] as const)));
      caLeaf = await pki.issue({ keyUsage: 'critical,digitalSignature,keyCertSign,cRLSign' }, { issuer: pki.intermediates[0]!, ca: true });
      certSignLeaf = await pki.issue({ keyUsage: 'critical,digitalSignature,keyCertSign' });
      caWithoutCertSign = await pki.issue({ keyUsage: 'critical,digitalSignature' }, { issuer: pki.intermediates[0]!, ca: true });
    });

    it.each(refused)('refuses a leaf whose extendedKeyUsage is only %s', async (eku) => {
      const r = await asSigner(leaves.get(eku)!);
      expect(r.status).toBe('invalid');
      expect(r.reason).toMatch(/\S/);
      // The same certificate for another purpose: the document-signing rule alone made the difference.
      expect((await verifyCertificateChain(chainOf(leaves.get(eku)!), { anchors: [pki.root.pem], time: now })).status).toBe('valid');
    });

    it.each(accepted)('accepts a leaf whose extendedKeyUsage is %s', async (eku) => {
      expect((await asSigner(leaves.get(eku)!)).status).toBe('valid');
    });

    it('accepts a leaf without extendedKeyUsage', async () => {
      expect((await verifyCertificateChain(pki.x5c, { anchors: [pki.root.pem], time: now, documentSigner: true })).status).toBe('valid');
    });

    it('refuses a CA certificate as the signing leaf: basicConstraints cA, keyCertSign, or both', async () => {
      for (const leaf of [caLeaf, certSignLeaf, caWithoutCertSign]) {
        const r = await asSigner(leaf);
        expect(r.status).toBe('invalid');
        expect(r.reason).toMatch(/\S/);
        expect((await verifyCertificateChain(chainOf(leaf), { anchors: [pki.root.pem], time: now })).status).toBe('valid');
      }
    });
  });
});
