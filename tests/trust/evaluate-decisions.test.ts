// The decisions evaluateSignatures takes on what the X.509 and RFC 3161 layers answer, with those layers
// replaced by scripted answers of their documented shape (ChainResult, timestamp verdict). The certificates and
// tokens themselves are exercised against openssl in evaluate-x509 / evaluate-timestamps tests.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { base64Encode, base64urlDecodeStrict } from '../../src/internal/bytes.js';
import { signUnchecked } from '../helpers/sign-unchecked.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { codes, MANIFEST, NOW, outcomeOf, policyWith, testKey, type TestKey } from './evaluate-helpers.js';

const text = (value: unknown) => base64Encode(new TextEncoder().encode(JSON.stringify(value)));
const json = (b64: string) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));

// A scripted certificate "chain": one base64 element naming the leaf key, the root it leads to and its expiry.
// Linking reads the script (LinkedChain); anchoring answers with a ChainResult.
type ScriptedCertificate = { leaf: JsonWebKey; root: string; notAfter?: string };
vi.mock('../../src/x509/verify-chain.js', () => ({
  linkCertificateChain: async (x5c: string[]) => {
    const cert = json(x5c[0]!) as ScriptedCertificate;
    return { certs: [], known: { leafPublicJwk: cert.leaf }, cert };
  },
  anchorCertificateChain: async (chain: { cert: ScriptedCertificate }, o: { anchors: string[]; time: Date }) => {
    const { cert } = chain;
    if (!o.anchors.some((a) => a.includes(cert.root))) return { status: 'untrusted', findings: [{ message: 'no anchor' }] };
    if (cert.notAfter !== undefined && o.time.getTime() > Date.parse(cert.notAfter)) return { status: 'expired', findings: [{ message: 'leaf expired' }] };
    return { status: 'valid', leafPublicJwk: cert.leaf, findings: [] };
  },
}));
// A scripted token: the data it covers, the TSA root it leads to, its genTime.
vi.mock('../../src/timestamp/verify-timestamp-token.js', () => ({
  verifyTimestampToken: async (token: Uint8Array, o: { data: Uint8Array; anchors: string[] }) => {
    const t = JSON.parse(new TextDecoder().decode(token)) as { data: number[]; root: string; genTime: string };
    if (t.data.length !== o.data.length || t.data.some((b, i) => b !== o.data[i])) return { status: 'invalid', findings: [{ message: 'imprint differs' }] };
    if (!o.anchors.some((a) => a.includes(t.root))) return { status: 'untrusted', findings: [{ message: 'no anchor' }] };
    return { status: 'valid', genTime: new Date(t.genTime), findings: [] };
  },
}));

const PEM = (marker: string) => `-----BEGIN CERTIFICATE-----\n${marker}AAAA\n-----END CERTIFICATE-----\n`;
let leaf: TestKey;
let other: TestKey;
beforeAll(async () => {
  [leaf, other] = await Promise.all([testKey('ES256'), testKey()]);
});

const chain = (key: TestKey, root: string, notAfter?: string) => [text({ leaf: key.publicJwk, root, ...(notAfter ? { notAfter } : {}) })];
const token = (signature: string, root: string, genTime: string) => {
  return text({ data: [...base64urlDecodeStrict(signature)], root, genTime });
};
const policy = (extra: Record<string, unknown> = {}) =>
  policyWith({
    authorities: [{ id: 'vn-ca', name: 'National CA', country: 'VN', roles: ['certifier'], x509Anchors: [PEM('VNROOT')] }],
    timestampAuthorities: [{ id: 'tsa', name: 'TSA', anchors: [PEM('TSAROOT')] }],
    ...extra,
  });
const evaluate = (signatures: Parameters<typeof evaluateSignatures>[1], p = policy()) =>
  evaluateSignatures(MANIFEST, signatures, { policy: p, senderCountry: 'VN', currentDate: NOW });

describe('evaluateSignatures: certificate chains', () => {
  it('trusts a chain to an anchor of an authority whose leaf key made the signature', async () => {
    const { results, findings } = await evaluate([await signUnchecked(MANIFEST, leaf.signer, { role: 'certifier', x5c: chain(leaf, 'VNROOT') })]);
    expect(findings).toEqual([]);
    expect(results[0]).toMatchObject({ status: 'valid', trusted: true, authority: 'vn-ca' });
  });

  it('is INDETERMINATE for a chain to no anchor of the policy', async () => {
    const { findings } = await evaluate([await signUnchecked(MANIFEST, leaf.signer, { role: 'certifier', x5c: chain(leaf, 'ELSEWHERE') })]);
    expect(codes(findings)).toEqual(['policy.certificate.untrusted', 'policy.no-trusted-signature']);
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  it('is INVALID when the leaf certifies another key than the signing key', async () => {
    const { results, findings } = await evaluate([await signUnchecked(MANIFEST, leaf.signer, { role: 'certifier', x5c: chain(other, 'VNROOT') })]);
    expect(findings[0]).toMatchObject({ code: 'policy.certificate.key-mismatch', signature: 0, rule: 'vn-ca' });
    expect(results[0]!.trusted).toBe(false);
    expect(outcomeOf(findings)).toBe('INVALID');
  });

  it('is INDETERMINATE for an expired leaf without timestamp, VALID with a timestamp proving earlier signing', async () => {
    const signature = await signUnchecked(MANIFEST, leaf.signer, { role: 'certifier', x5c: chain(leaf, 'VNROOT', '2026-06-01T00:00:00Z') });
    const bare = await evaluate([signature]);
    expect(bare.findings[0]).toMatchObject({ code: 'policy.certificate.expired', rule: 'vn-ca' });
    expect(outcomeOf(bare.findings)).toBe('INDETERMINATE');

    const stamped = await evaluate([{ ...signature, header: { tst: [token(signature.signature, 'TSAROOT', '2026-05-01T00:00:00Z')] } }]);
    expect(stamped.findings).toEqual([]);
    expect(stamped.results[0]).toMatchObject({ trusted: true, timestamp: { status: 'valid', genTime: '2026-05-01T00:00:00.000Z' } });

    const late = await evaluate([{ ...signature, header: { tst: [token(signature.signature, 'TSAROOT', '2026-07-01T00:00:00Z')] } }]);
    expect(codes(late.findings)).toContain('policy.certificate.expired');
  });
});

describe('evaluateSignatures: timestamps', () => {
  const signed = () => signUnchecked(MANIFEST, leaf.signer, { role: 'certifier', x5c: chain(leaf, 'VNROOT') });

  it('judges a signature without a token over other data: the token proves no time, and anyone can add one', async () => {
    const s = await signed();
    const stamped = [{ ...s, header: { tst: [token('AAAA', 'TSAROOT', '2026-05-01T00:00:00Z')] } }];
    const { results, findings } = await evaluate(stamped);
    expect(findings.map((f) => [f.code, f.signature, f.rule])).toEqual([['policy.extra.untrusted', 0, 'tsa']]);
    expect(findings[0]!.message).toContain('policy.timestamp.invalid');
    expect(results[0]).toMatchObject({ trusted: true, timestamp: { status: 'invalid' } });
    expect(results[0]!.timestamp!.genTime).toBeUndefined();
    expect(outcomeOf(findings)).toBe('VALID');
    // Where the policy needs a proven time, the token does not give it.
    const required = await evaluate(stamped, policy({ requireTimestamp: true }));
    expect(codes(required.findings)).toEqual(['policy.timestamp.invalid', 'policy.timestamp.missing', 'policy.no-trusted-signature']);
    expect(outcomeOf(required.findings)).toBe('INDETERMINATE');
  });

  it('sets aside a token from a TSA the policy does not trust when the signature is trusted without it', async () => {
    // Tokens travel in the unprotected header: anyone can add one, so it must not change the outcome.
    const s = await signed();
    const { findings } = await evaluate([{ ...s, header: { tst: [token(s.signature, 'ROGUE', '2026-05-01T00:00:00Z')] } }]);
    expect(findings.map((f) => [f.code, f.rule])).toEqual([['policy.extra.untrusted', 'timestampAuthorities']]);
    expect(findings[0]!.message).toContain('policy.timestamp.untrusted');
    expect(outcomeOf(findings)).toBe('VALID');
  });

  it('is INDETERMINATE for a token from a TSA the policy does not trust when the policy requires a timestamp', async () => {
    const s = await signed();
    const { findings } = await evaluate([{ ...s, header: { tst: [token(s.signature, 'ROGUE', '2026-05-01T00:00:00Z')] } }], policy({ requireTimestamp: true }));
    expect(codes(findings)).toEqual(['policy.timestamp.untrusted', 'policy.timestamp.missing', 'policy.no-trusted-signature']);
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  it('reports a malformed tst member and a token dated in the future, and judges the signature without them', async () => {
    const s = await signed();
    const headers = [{ tst: 'not-an-array' }, { tst: ['%%%'] }, { tst: [token(s.signature, 'TSAROOT', '2027-01-01T00:00:00Z')] }];
    for (const header of headers) {
      const { results, findings } = await evaluate([{ ...s, header }]);
      expect(codes(findings)).toEqual(['policy.extra.untrusted']);
      expect(findings[0]!.message).toContain('policy.timestamp.invalid');
      expect(results[0]).toMatchObject({ trusted: true });
      expect(outcomeOf(findings)).toBe('VALID');
      const required = await evaluate([{ ...s, header }], policy({ requireTimestamp: true }));
      expect(codes(required.findings)).toEqual(expect.arrayContaining(['policy.timestamp.invalid', 'policy.timestamp.missing']));
      expect(outcomeOf(required.findings)).toBe('INDETERMINATE');
    }
  });

  it('is INDETERMINATE when the policy requires a timestamp and there is none', async () => {
    const s = await signed();
    const required = policy({ requireTimestamp: true });
    const none = await evaluate([s], required);
    expect(none.findings[0]).toMatchObject({ code: 'policy.timestamp.missing', rule: 'requireTimestamp' });
    expect(outcomeOf(none.findings)).toBe('INDETERMINATE');
    const stamped = await evaluate([{ ...s, header: { tst: [token(s.signature, 'TSAROOT', '2026-05-01T00:00:00Z')] } }], required);
    expect(stamped.findings).toEqual([]);
  });
});
