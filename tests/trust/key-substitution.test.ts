// "Keys come from the receiver's trust policy, never from the bundle" and "algorithm allow-list; no none, no HMAC;
// JWK alg/use/key_ops enforced", tried against evaluateSignatures with both kinds of policy: a written one, and the
// implicit one verifyBundle makes from a plain list of trusted keys.
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { base64urlEncode } from '../../src/internal/bytes.js';
import { jwsSigningInput, MANIFEST_JWS_TYP } from '../../src/sign/sign-detached.js';
import type { JwsSignature } from '../../src/sign/signature-file.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { trustPolicyFromKeys } from '../../src/trust/trust-policy-from-keys.js';
import type { TrustPolicy } from '../../src/trust/trust-policy.js';
import { codes, MANIFEST, NOW, outcomeOf, policyWith, testKey, type TestKey } from './evaluate-helpers.js';

let authorityKey: TestKey;
let attacker: TestKey;

beforeAll(async () => {
  [authorityKey, attacker] = await Promise.all([testKey(), testKey()]);
});

/** A signature over MANIFEST by `signer` with exactly the protected header given (the attacker writes it). */
async function signedWithHeader(signer: TestKey, header: Record<string, unknown>): Promise<JwsSignature> {
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  return { protected: protectedB64, signature: base64urlEncode(await signer.signer.sign(jwsSigningInput(protectedB64, MANIFEST))) };
}

const headerOf = (key: TestKey, extra: Record<string, unknown> = {}) => ({
  alg: 'EdDSA',
  kid: key.kid,
  typ: MANIFEST_JWS_TYP,
  role: 'certifier',
  sigT: '2026-10-06T08:00:00Z',
  ...extra,
});

const KINDS = ['a written policy', 'the implicit policy of a key list'] as const;
/** The receiver's policy of either kind, trusting `key` (by default the authority's) as a certifier of Viet Nam. */
const policyOf = (kind: (typeof KINDS)[number], key: JsonWebKey = authorityKey.publicJwk): TrustPolicy =>
  kind === 'a written policy'
    ? policyWith({ authorities: [{ id: 'vn-central', name: 'VN central', country: 'VN', roles: ['certifier'], keys: [key] }] })
    : trustPolicyFromKeys([key]);
const evaluate = (policy: TrustPolicy, signatures: JwsSignature[]) => evaluateSignatures(MANIFEST, signatures, { policy, senderCountry: 'VN', currentDate: NOW });

describe('evaluateSignatures never takes a key from the bundle', () => {
  it.each(KINDS)('%s: a jwk header with the attacker\'s own key and kid is untrusted', async (kind) => {
    const policy = policyOf(kind);
    const signature = await signedWithHeader(attacker, headerOf(attacker, { jwk: attacker.publicJwk }));
    const { results, findings } = await evaluate(policy, [signature]);
    expect(results[0]).toMatchObject({ status: 'untrusted', trusted: false, kid: attacker.kid });
    expect(results[0]!.authority).toBeUndefined();
    expect(codes(findings)).toEqual(['policy.signer.unknown', 'policy.no-trusted-signature']);
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  // A bundle signature must name its key by kid (docs/format.md, "Signatures"): without one, the jwk hint is not
  // even looked at.
  it.each(KINDS)('%s: a jwk header with the attacker\'s key and no kid is refused, never trusted', async (kind) => {
    const policy = policyOf(kind);
    const { kid: _kid, ...withoutKid } = headerOf(attacker, { jwk: attacker.publicJwk });
    const { results, findings } = await evaluate(policy, [await signedWithHeader(attacker, withoutKid)]);
    expect(results[0]).toMatchObject({ status: 'malformed', trusted: false });
    expect(results[0]!.authority).toBeUndefined();
    expect(codes(findings)).toEqual(['signature.header.invalid', 'policy.no-trusted-signature']);
  });

  it.each(KINDS)('%s: the attacker\'s jwk under the authority\'s kid is INVALID', async (kind) => {
    const policy = policyOf(kind);
    const signature = await signedWithHeader(attacker, headerOf(authorityKey, { jwk: attacker.publicJwk }));
    const { results, findings } = await evaluate(policy, [signature]);
    expect(results[0]).toMatchObject({ status: 'invalid', trusted: false });
    expect(codes(findings)).toEqual(['signature.header.key-hint-mismatch', 'policy.no-trusted-signature']);
    expect(outcomeOf(findings)).toBe('INVALID');
  });

  it.each(KINDS)('%s: the attacker\'s signature under the authority\'s kid is INVALID', async (kind) => {
    const policy = policyOf(kind);
    const { results, findings } = await evaluate(policy, [await signedWithHeader(attacker, headerOf(authorityKey))]);
    expect(results[0]).toMatchObject({ status: 'invalid', trusted: false, authority: policy.authorities[0]!.id });
    expect(codes(findings)).toEqual(['signature.invalid', 'policy.no-trusted-signature']);
    expect(outcomeOf(findings)).toBe('INVALID');
  });
});

describe('evaluateSignatures: the algorithm allow-list and the policy key\'s own alg, use and key_ops', () => {
  it.each([
    ['none', ''],
    ['HS256', 'c2VjcmV0'],
    ['RS256', 'AAAA'],
  ])('refuses alg %s under the authority\'s kid', async (alg, signatureValue) => {
    for (const policy of KINDS.map((kind) => policyOf(kind))) {
      const header = base64urlEncode(canonicalizeToBytes(headerOf(authorityKey, { alg })));
      const { results, findings } = await evaluate(policy, [{ protected: header, signature: signatureValue }]);
      expect(results[0]).toMatchObject({ status: 'invalid', trusted: false });
      expect(codes(findings)).toEqual(['signature.algorithm.not-allowed', 'policy.no-trusted-signature']);
      expect(outcomeOf(findings)).toBe('INVALID');
    }
  });

  it.each([
    ['key_ops without verify', { key_ops: ['encrypt'] }],
    ['another alg', { alg: 'ES256' }],
    ['alg none', { alg: 'none' }],
    ['an HMAC alg', { alg: 'HS256' }],
  ])('does not verify with a policy key restricted by %s', async (_name, restriction) => {
    const restricted = { ...authorityKey.publicJwk, ...restriction } as JsonWebKey;
    for (const policy of KINDS.map((kind) => policyOf(kind, restricted))) {
      const { results, findings } = await evaluate(policy, [await signedWithHeader(authorityKey, headerOf(authorityKey))]);
      expect(results[0]).toMatchObject({ status: 'invalid', trusted: false });
      expect(codes(findings)).toEqual(['signature.key.not-allowed', 'policy.no-trusted-signature']);
      expect(outcomeOf(findings)).toBe('INVALID');
    }
  });

  it('refuses a policy key whose use is not "sig", and an HMAC key, when the policy is read', () => {
    const authority = (key: Record<string, unknown>) => ({ id: 'a', name: 'a', country: 'VN', roles: ['certifier'], keys: [key] });
    expect(() => policyWith({ authorities: [authority({ ...authorityKey.publicJwk, use: 'enc' })] })).toThrow(expect.objectContaining({ code: 'ERR_POLICY_INVALID' }));
    expect(() => policyWith({ authorities: [authority({ kty: 'oct', k: 'c2VjcmV0' })] })).toThrow(expect.objectContaining({ code: 'ERR_POLICY_INVALID' }));
    expect(() => trustPolicyFromKeys([{ kty: 'oct', k: 'c2VjcmV0' }])).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });
});
