// Revocation of the certificates of a signature's x5c path, judged with CRLs made by `openssl ca -gencrl` and OCSP
// responses made by `openssl ocsp`, and compared with `openssl verify -crl_check` on the same chains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwkSigner } from '../../src/index.js';
import { type JwsSignature } from '../../src/entries/jws.js';
import { base64Encode, base64urlDecodeStrict } from '../../src/internal/bytes.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { collectRevocationData, MAX_REVOCATION_ITEMS } from '../../src/trust/check-revocation.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { MAX_REVOCATION_DATA_BYTES } from '../../src/x509/crl.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type IssuedCertificate, type OpensslPki } from '../helpers/openssl-pki.js';
import { crlPemFile, makeCrl, makeOcsp, opensslVerifiesWithCrl, revoke } from '../helpers/openssl-revocation.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';
import { signUnchecked } from '../helpers/sign-unchecked.js';
import { codes, MANIFEST, outcomeOf, policyWith } from './evaluate-helpers.js';

warnIfNoOpenssl('tests/trust/revocation');

const DAY = 86_400_000;
const b64 = (der: Uint8Array) => base64Encode(der);

describe.skipIf(!OPENSSL_AVAILABLE)('revocation of x5c paths with openssl CRLs and OCSP responses', () => {
  let pki: OpensslPki;
  let other: OpensslPki;
  let tsa: OpensslTsa;
  let intermediate: IssuedCertificate;
  // The root's CRL: it covers the intermediate, so a policy that requires revocation data can be met.
  let rootCrl: Uint8Array;

  beforeAll(async () => {
    [pki, other, tsa] = await Promise.all([createOpensslPki(), createOpensslPki(), startOpensslTsa()]);
    intermediate = pki.intermediates[0]!;
    rootCrl = await makeCrl(pki, pki.root);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pki?.dispose(), other?.dispose(), tsa?.close()]);
  });

  const policy = (revocation: Record<string, unknown> = {}) =>
    policyWith({
      authorities: [{ id: 'vn-ca', name: 'National CA', country: 'VN', roles: ['certifier'], x509Anchors: [pki.root.pem] }],
      timestampAuthorities: [{ id: 'tsa', name: 'Test TSA', anchors: [tsa.root.pem] }],
      revocation,
    });
  const sign = async (leaf: IssuedCertificate, issuer: IssuedCertificate = intermediate) =>
    signUnchecked(MANIFEST, await createJwkSigner(leaf.privateJwk, { x5c: [leaf.base64, issuer.base64] }), { role: 'certifier' });
  const stamp = async (signature: JwsSignature): Promise<JwsSignature> => {
    const token = await requestTimestamp(tsa.url, base64urlDecodeStrict(signature.signature));
    return { ...signature, header: { ...signature.header, tst: [base64Encode(token)] } };
  };
  const evaluate = (signature: JwsSignature, revocation: Record<string, unknown>, currentDate = new Date()) =>
    evaluateSignatures(MANIFEST, [signature], { policy: policy(revocation), senderCountry: 'VN', currentDate });
  const crlFiles = async (...ders: Uint8Array[]) => Promise.all(ders.map((d) => crlPemFile(pki, d)));

  it('is INVALID (policy.revocation.revoked) for a leaf a CRL lists, required or not; openssl -crl_check agrees', async () => {
    const leaf = await pki.issue();
    await revoke(pki, leaf, intermediate);
    const crl = await makeCrl(pki, intermediate);
    for (const required of [true, false]) {
      const { results, findings } = await evaluate(await sign(leaf), { required, crls: [b64(crl), b64(rootCrl)] });
      expect(codes(findings)).toContain('policy.revocation.revoked');
      expect(findings.find((f) => f.code === 'policy.revocation.revoked')).toMatchObject({ signature: 0, rule: 'vn-ca' });
      expect(results[0]).toMatchObject({ status: 'valid', trusted: false });
      expect(outcomeOf(findings)).toBe('INVALID');
    }
    expect((await opensslVerifiesWithCrl(pki, leaf, await crlFiles(crl, rootCrl), { all: true })).ok).toBe(false);
  });

  it('trusts a leaf that current CRLs do not list; openssl -crl_check_all agrees', async () => {
    const leaf = await pki.issue();
    const crl = await makeCrl(pki, intermediate);
    const { results, findings } = await evaluate(await sign(leaf), { required: true, crls: [b64(crl), b64(rootCrl)] });
    expect(findings).toEqual([]);
    expect(results[0]).toMatchObject({ status: 'valid', trusted: true });
    expect((await opensslVerifiesWithCrl(pki, leaf, await crlFiles(crl, rootCrl), { all: true })).ok).toBe(true);
  });

  it('is INVALID when the intermediate is revoked by the root\'s CRL (every certificate of the path but the anchor)', async () => {
    const ca = await pki.issue({}, { ca: true, issuer: pki.root });
    const leaf = await pki.issue({}, { issuer: ca });
    await revoke(pki, ca, pki.root, undefined, 'cACompromise');
    const [caCrl, root] = await Promise.all([makeCrl(pki, ca), makeCrl(pki, pki.root)]);
    const { findings } = await evaluate(await sign(leaf, ca), { crls: [b64(caCrl), b64(root)] });
    expect(findings, JSON.stringify(findings)).toContainEqual(expect.objectContaining({ code: 'policy.revocation.revoked', message: expect.stringContaining('x5c[1]') }));
    expect(outcomeOf(findings)).toBe('INVALID');
    const chain = { ...pki, intermediates: [ca] };
    expect((await opensslVerifiesWithCrl(chain, leaf, await crlFiles(caCrl, root), { all: true })).ok).toBe(false);
  });

  it('judges OCSP responses: revoked (INVALID), good from the CA or a delegated responder (VALID)', async () => {
    const revoked = await pki.issue();
    await revoke(pki, revoked, intermediate);
    const bad = await evaluate(await sign(revoked), { ocspResponses: [b64(await makeOcsp(pki, revoked, intermediate))] });
    expect(codes(bad.findings)).toContain('policy.revocation.revoked');
    expect(outcomeOf(bad.findings)).toBe('INVALID');

    const leaf = await pki.issue();
    const responder = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=OCSP responder', extendedKeyUsage: 'critical,OCSPSigning' });
    for (const signer of [intermediate, responder]) {
      const response = await makeOcsp(pki, leaf, intermediate, { signer });
      const { findings } = await evaluate(await sign(leaf), { required: true, ocspResponses: [b64(response)], crls: [b64(rootCrl)] });
      expect(findings).toEqual([]);
    }
  });

  it('is INDETERMINATE when the policy requires revocation data and none applies; without the requirement, VALID', async () => {
    const leaf = await pki.issue();
    const otherCrl = await makeCrl(pki, await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Another CA' }, { ca: true }));
    const otherOcsp = await makeOcsp(pki, await pki.issue(), intermediate);
    const cases: Array<Record<string, unknown>> = [
      {},
      // The root's CRL covers the intermediate only; a CRL of another CA, an OCSP response for another serial.
      { crls: [b64(rootCrl)] },
      { crls: [b64(rootCrl), b64(otherCrl)], ocspResponses: [b64(otherOcsp)] },
    ];
    for (const data of cases) {
      const { findings, results } = await evaluate(await sign(leaf), { required: true, ...data });
      expect(codes(findings)).toContain('policy.revocation.missing');
      expect(results[0]!.trusted).toBe(false);
      expect(outcomeOf(findings)).toBe('INDETERMINATE');
      const lenient = await evaluate(await sign(leaf), { required: false, ...data });
      expect(lenient.findings).toEqual([]);
    }
  });

  it('is INDETERMINATE (policy.revocation.unusable) for data that names the certificate but proves nothing', async () => {
    const leaf = await pki.issue();
    // Same issuer name, another key: the other PKI's intermediate has the same subject.
    const forged = await makeCrl(other, other.intermediates[0]!);
    const undelegated = await pki.issue({ subject: '/C=VN/O=Test PKI/CN=Not a responder' });
    const unauthorised = await makeOcsp(pki, leaf, intermediate, { signer: undelegated });
    const foreignResponder = await makeOcsp(pki, leaf, intermediate, { signer: other.leaf });
    expect(other.intermediates[0]!.subject).toBe(intermediate.subject);
    for (const data of [{ crls: [b64(forged)] }, { ocspResponses: [b64(unauthorised)] }, { ocspResponses: [b64(foreignResponder)] }]) {
      const { findings } = await evaluate(await sign(leaf), { required: true, crls: [...(data.crls ?? []), b64(rootCrl)], ...('ocspResponses' in data ? { ocspResponses: data.ocspResponses } : {}) });
      expect(codes(findings)).toContain('policy.revocation.unusable');
      expect(outcomeOf(findings)).toBe('INDETERMINATE');
      // Not required: reported, no effect.
      const lenient = await evaluate(await sign(leaf), { ...data, crls: [...(data.crls ?? [])] });
      expect(codes(lenient.findings)).toEqual(['policy.revocation.ignored']);
      expect(outcomeOf(lenient.findings)).toBe('VALID');
    }
    expect((await opensslVerifiesWithCrl(pki, leaf, [await crlPemFile(pki, forged), ...(await crlFiles(rootCrl))], { all: true })).ok).toBe(false);
  });

  it('is INDETERMINATE (policy.revocation.stale) for a CRL whose nextUpdate has passed; openssl agrees', async () => {
    const leaf = await pki.issue({ notBefore: new Date(Date.now() - 30 * DAY) });
    const expired = await makeCrl(pki, intermediate, { thisUpdate: new Date(Date.now() - 20 * DAY), nextUpdate: new Date(Date.now() - 10 * DAY) });
    const { findings } = await evaluate(await sign(leaf), { required: true, crls: [b64(expired), b64(rootCrl)] });
    expect(codes(findings)).toContain('policy.revocation.stale');
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
    expect((await opensslVerifiesWithCrl(pki, leaf, await crlFiles(expired, rootCrl), { all: true })).ok).toBe(false);
    // The same CRL was in force ten days and more ago: at that time it proves the leaf good.
    const then = new Date(Date.now() - 15 * DAY);
    // The verifier takes no data published after the time it judges at: the root's CRL of that time.
    const oldRootCrl = await makeCrl(pki, pki.root, { thisUpdate: new Date(Date.now() - 20 * DAY), nextUpdate: new Date(Date.now() - 10 * DAY) });
    const past = await evaluate(await sign(leaf), { required: true, crls: [b64(expired), b64(oldRootCrl)] }, then);
    expect(past.findings).toEqual([]);
  });

  it('refuses data dated after the verification time (policy.revocation.unusable)', async () => {
    const leaf = await pki.issue();
    const future = await makeCrl(pki, intermediate, { thisUpdate: new Date(Date.now() + 5 * DAY), nextUpdate: new Date(Date.now() + 12 * DAY) });
    const { findings } = await evaluate(await sign(leaf), { required: true, crls: [b64(future), b64(rootCrl)] });
    expect(codes(findings)).toContain('policy.revocation.unusable');
  });

  it('keeps a signature VALID when a timestamp proves it was made before the revocation (policy.revocation.revoked-later)', async () => {
    const leaf = await pki.issue();
    const signature = await stamp(await sign(leaf));
    await revoke(pki, leaf, intermediate, new Date(Date.now() + 3600_000));
    const crl = await makeCrl(pki, intermediate);
    const later = new Date(Date.now() + 2 * 3600_000);
    const { findings, results } = await evaluate(signature, { required: true, crls: [b64(crl), b64(rootCrl)] }, later);
    expect(codes(findings)).toEqual(['policy.revocation.revoked-later']);
    expect(results[0]).toMatchObject({ trusted: true, timestamp: { status: 'valid' } });
    expect(outcomeOf(findings)).toBe('VALID');
    // Without the timestamp, the signature is judged at the verification time, after the revocation.
    const bare = await evaluate(await sign(leaf), { crls: [b64(crl), b64(rootCrl)] }, later);
    expect(codes(bare.findings)).toContain('policy.revocation.revoked');
  });

  it('reports malformed, oversized and surplus data (policy.revocation.malformed), never throws', async () => {
    const leaf = await pki.issue();
    const crl = await makeCrl(pki, intermediate);
    const truncated = crl.slice(0, crl.length - 3);
    const trailing = new Uint8Array([...crl, 0]);
    const huge = new Uint8Array(MAX_REVOCATION_DATA_BYTES + 1);
    huge.set(crl);
    const { findings } = await evaluate(await sign(leaf), {
      required: true,
      crls: [b64(truncated), b64(trailing), 'not base64!', b64(rootCrl)],
      ocspResponses: [b64(crl)],
    });
    expect(codes(findings).filter((c) => c === 'policy.revocation.malformed')).toHaveLength(4);
    expect(codes(findings)).toContain('policy.revocation.missing');
    const capped = await collectRevocationData([{ label: 'test', crls: [huge, ...Array.from({ length: MAX_REVOCATION_ITEMS }, () => crl)] }]);
    expect(codes(capped.findings)).toEqual(['policy.revocation.malformed', 'policy.revocation.malformed']);
    expect(capped.data.crls).toHaveLength(MAX_REVOCATION_ITEMS - 1);
  });
});
