// A manifest signed with a key certified by an openssl PKI (x5c in the protected header), timestamped by an
// openssl TSA, judged by evaluateSignatures under a policy that trusts the openssl roots: no layer scripted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwkSigner, generateSigningKey } from '../../src/index.js';
import { signDetached, type JwsSignature } from '../../src/entries/jws.js';
import { base64Encode, base64urlDecodeStrict } from '../../src/internal/bytes.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';
import { signCustodyEventUnchecked, signUnchecked } from '../helpers/sign-unchecked.js';
import { codes, MANIFEST, outcomeOf, policyWith } from './evaluate-helpers.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { verifyCustodyLog } from '../../src/custody/verify-custody-log.js';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { custodyKeys } from '../../src/trust/custody-keys.js';
import { actor, draft, ITEMS, MANIFEST as CUSTODY_MANIFEST } from '../custody/helpers.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';

warnIfNoOpenssl('tests/trust/x509-end-to-end');

const DAY = 86_400_000;

describe.skipIf(!OPENSSL_AVAILABLE)('evaluateSignatures with openssl certificates and an openssl TSA', () => {
  let pki: OpensslPki;
  let tsa: OpensslTsa;
  let expired: IssuedCertificate;
  let shortLived: IssuedCertificate;

  beforeAll(async () => {
    [pki, tsa] = await Promise.all([createOpensslPki(), startOpensslTsa()]);
    const now = Date.now();
    expired = await pki.issue({ notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 30 * DAY) });
    shortLived = await pki.issue({ notBefore: new Date(now - DAY), notAfter: new Date(now + 3600_000) });
  });
  afterAll(async () => {
    await Promise.all([pki?.dispose(), tsa?.close()]);
  });

  const policy = () =>
    policyWith({
      authorities: [{ id: 'vn-ca', name: 'National CA', country: 'VN', roles: ['certifier'], x509Anchors: [pki.root.pem] }],
      timestampAuthorities: [{ id: 'tsa', name: 'Test TSA', anchors: [tsa.root.pem] }],
    });
  const chainOf = (leaf: IssuedCertificate) => [leaf.base64, pki.intermediates[0]!.base64];
  const sign = async (leaf: IssuedCertificate) =>
    signUnchecked(MANIFEST, await createJwkSigner(leaf.privateJwk, { x5c: chainOf(leaf) }), { role: 'certifier' });
  const stamp = async (signature: JwsSignature): Promise<JwsSignature> => {
    const token = await requestTimestamp(tsa.url, base64urlDecodeStrict(signature.signature));
    return { ...signature, header: { ...signature.header, tst: [base64Encode(token)] } };
  };
  const evaluate = (signatures: JwsSignature[], currentDate = new Date()) =>
    evaluateSignatures(MANIFEST, signatures, { policy: policy(), senderCountry: 'VN', currentDate });

  it('trusts a signature whose x5c leads to the policy root and whose leaf key signed', async () => {
    const { results, findings } = await evaluate([await sign(pki.leaf)]);
    expect(findings).toEqual([]);
    expect(results[0]).toMatchObject({ status: 'valid', trusted: true, authority: 'vn-ca', alg: 'ES256' });
  });

  it('is INDETERMINATE (policy.certificate.expired) for an expired leaf without timestamp', async () => {
    // signDetached refuses to sign with an expired certificate: the verifier must still judge one.
    const signature = await signUnchecked(MANIFEST, await createJwkSigner(expired.privateJwk, { x5c: chainOf(expired) }), { role: 'certifier' });
    const { results, findings } = await evaluate([signature]);
    expect(findings[0]).toMatchObject({ code: 'policy.certificate.expired', signature: 0, rule: 'vn-ca' });
    expect(results[0]!.trusted).toBe(false);
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  // The chain primitive gives a status and a reason; this layer alone turns each failing status into its code.
  it('maps each failing chain status to its policy.certificate code: not yet valid, malformed, broken', async () => {
    const future = await pki.issue({ notBefore: new Date(Date.now() + 30 * DAY), notAfter: new Date(Date.now() + 400 * DAY) });
    const early = await signUnchecked(MANIFEST, await createJwkSigner(future.privateJwk, { x5c: chainOf(future) }), { role: 'certifier' });
    const notYet = await evaluate([early]);
    expect(notYet.findings[0]).toMatchObject({ code: 'policy.certificate.not-yet-valid', signature: 0, rule: 'vn-ca' });
    expect(outcomeOf(notYet.findings)).toBe('INDETERMINATE');

    const signer = await createJwkSigner(pki.leaf.privateJwk);
    const garbled = await signUnchecked(MANIFEST, signer, { role: 'certifier', x5c: ['bm90IGEgY2VydGlmaWNhdGU='] });
    const malformed = await evaluate([garbled]);
    expect(malformed.findings[0]).toMatchObject({ code: 'policy.certificate.invalid', signature: 0, rule: 'vn-ca' });

    // Leaf first, then its issuer: the other order is a chain whose links do not verify.
    const reversed = await signUnchecked(MANIFEST, signer, { role: 'certifier', x5c: [...chainOf(pki.leaf)].reverse() });
    const broken = await evaluate([reversed]);
    expect(codes(broken.findings)).toContain('policy.certificate.invalid');
    expect(broken.results[0]!.trusted).toBe(false);
  });

  it('trusts a leaf expired at verification time when an openssl timestamp proves signing inside its validity', async () => {
    const signature = await sign(shortLived);
    const later = new Date(Date.now() + 2 * DAY);
    const bare = await evaluate([signature], later);
    expect(codes(bare.findings)).toEqual(['policy.certificate.expired', 'policy.no-trusted-signature']);

    const stamped = await evaluate([await stamp(signature)], later);
    expect(stamped.findings).toEqual([]);
    expect(stamped.results[0]).toMatchObject({ status: 'valid', trusted: true, timestamp: { status: 'valid' } });
    expect(Math.abs(Date.parse(stamped.results[0]!.timestamp!.genTime!) - Date.now())).toBeLessThan(60_000);
  });

  it('is INVALID (policy.certificate.key-mismatch) when the leaf certifies another key than the JWS key', async () => {
    const other = await generateSigningKey('ES256');
    const signature = await signUnchecked(MANIFEST, await createJwkSigner(other.privateJwk), { role: 'certifier', x5c: pki.x5c });
    const { results, findings } = await evaluate([signature]);
    expect(findings[0]).toMatchObject({ code: 'policy.certificate.key-mismatch', signature: 0, rule: 'vn-ca' });
    expect(results[0]!.trusted).toBe(false);
    expect(outcomeOf(findings)).toBe('INVALID');
  });

  it('is INDETERMINATE (policy.certificate.untrusted) when the policy trusts another root', async () => {
    const stranger = await createOpensslPki();
    try {
      const signature = await signDetached(MANIFEST, await createJwkSigner(stranger.leaf.privateJwk, { x5c: stranger.x5c }), { role: 'certifier' });
      const { findings } = await evaluate([signature]);
      expect(codes(findings)).toEqual(['policy.certificate.untrusted', 'policy.no-trusted-signature']);
      expect(outcomeOf(findings)).toBe('INDETERMINATE');
    } finally {
      await stranger.dispose();
    }
  });

  it('is INDETERMINATE for a chain self-signed by the attacker under the name of the policy root', async () => {
    const attacker = await createOpensslPki();
    const selfSigned = await createOpensslPki({ intermediates: 0, root: { keyUsage: 'critical,digitalSignature,keyCertSign' } });
    try {
      // Same distinguished names as the policy's PKI: only the signatures tell the certificates apart.
      expect(attacker.root.subject).toBe(pki.root.subject);
      expect(selfSigned.root.subject).toBe(pki.root.subject);
      const carriesRoot = await signUnchecked(MANIFEST, await createJwkSigner(attacker.leaf.privateJwk, { x5c: [...attacker.x5c, attacker.root.base64] }), { role: 'certifier' });
      const rootSigns = await signUnchecked(MANIFEST, await createJwkSigner(selfSigned.root.privateJwk, { x5c: [selfSigned.root.base64] }), { role: 'certifier' });
      for (const signature of [carriesRoot, rootSigns]) {
        const { results, findings } = await evaluate([signature]);
        expect(results[0]).toMatchObject({ status: 'untrusted', trusted: false });
        expect(codes(findings)).toEqual(['policy.certificate.untrusted', 'policy.no-trusted-signature']);
        expect(outcomeOf(findings)).toBe('INDETERMINATE');
      }
    } finally {
      await Promise.all([attacker.dispose(), selfSigned.dispose()]);
    }
  });

  it('does not trust a valid chain to the anchor of an authority that is not trusted in the claimed role', async () => {
    const other = await createOpensslPki();
    try {
      const roles = policyWith({
        authorities: [
          { id: 'vn-packagers', name: 'Packagers CA', country: 'VN', roles: ['packager'], x509Anchors: [pki.root.pem] },
          { id: 'vn-certifiers', name: 'Certifiers CA', country: 'VN', roles: ['certifier'], x509Anchors: [other.root.pem] },
        ],
        requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }],
      });
      const { results, findings } = await evaluateSignatures(MANIFEST, [await sign(pki.leaf)], { policy: roles, senderCountry: 'VN', currentDate: new Date() });
      expect(results[0]).toMatchObject({ status: 'valid', trusted: false, authority: 'vn-packagers', role: 'certifier' });
      expect(findings.map((f) => [f.code, f.rule])).toEqual([
        ['policy.role.not-allowed', 'vn-packagers'],
        ['policy.requirement.unmet', 'sender-certifier'],
      ]);
      expect(outcomeOf(findings)).toBe('INDETERMINATE');
    } finally {
      await other.dispose();
    }
  });

  it('trusts a custody event signed by a certified key (x5c to the policy root), and not one to another root', async () => {
    const logSignedBy = async (leaf: IssuedCertificate, x5c: string[]) => {
      const signer = await createJwkSigner(leaf.privateJwk, { x5c });
      const event = { seq: 1, prev: custodyLink(CUSTODY_MANIFEST), ...draft('accessed', { actor: actor('Officer', signer.kid) }) } as CustodyEvent;
      return signCustodyEvent(event, signer);
    };
    const check = async (log: Uint8Array) =>
      verifyCustodyLog(log, { manifestBytes: CUSTODY_MANIFEST, itemIds: ITEMS, trustedKeys: await custodyKeys(parseCustodyLog(log), policy(), new Date()) });

    const certified = await check(await logSignedBy(pki.leaf, chainOf(pki.leaf)));
    expect(certified.findings).toEqual([]);
    expect(certified.events[0]!.status).toBe('valid');

    const stranger = await createOpensslPki();
    try {
      const foreign = await check(await logSignedBy(stranger.leaf, stranger.x5c));
      expect(foreign.events[0]!.status).toBe('untrusted');
      expect(codes(foreign.findings)).toEqual(['custody.signer.unknown']);
    } finally {
      await stranger.dispose();
    }
  });

  // docs/format.md, "How a signature is judged": the leaf signs documents. Each leaf chains to the policy root
  // and certifies the signing key; only what it was issued for differs from pki.leaf.
  it('does not trust a CA certificate or a TLS or time-stamping certificate as a signer, for the manifest or a custody event', async () => {
    const leaves = await Promise.all([
      pki.issue({ keyUsage: 'critical,digitalSignature,keyCertSign' }, { issuer: pki.intermediates[0]!, ca: true }),
      pki.issue({ extendedKeyUsage: 'critical,timeStamping' }),
      pki.issue({ extendedKeyUsage: 'serverAuth,clientAuth' }),
    ]);
    for (const leaf of leaves) {
      const { results, findings } = await evaluate([await sign(leaf)]);
      expect(results[0]).toMatchObject({ status: 'untrusted', trusted: false });
      expect(codes(findings)).toEqual(['policy.certificate.invalid', 'policy.no-trusted-signature']);
      expect(findings[0]).toMatchObject({ signature: 0, rule: 'vn-ca' });

      const signer = await createJwkSigner(leaf.privateJwk, { x5c: chainOf(leaf) });
      const event = { seq: 1, prev: custodyLink(CUSTODY_MANIFEST), ...draft('accessed', { actor: actor('Officer', signer.kid) }) } as CustodyEvent;
      // No writer of the library signs with such a certificate: the line is written by hand.
      const log = await signCustodyEventUnchecked(event, signer);
      expect(await custodyKeys(parseCustodyLog(log), policy(), new Date())).toEqual([]);
    }
    // The control: an end-entity leaf whose extended key usage includes a document purpose.
    const mail = await pki.issue({ extendedKeyUsage: 'serverAuth,emailProtection' });
    expect((await evaluate([await sign(mail)])).results[0]).toMatchObject({ status: 'valid', trusted: true });
  });
});
