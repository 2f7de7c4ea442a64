import { beforeAll, describe, expect, it } from 'vitest';
import { signDetached } from '../../src/sign/sign-detached.js';
import { evaluateSignatures } from '../../src/trust/evaluate-signatures.js';
import { trustPolicyFromKeys } from '../../src/trust/trust-policy-from-keys.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { codes, MANIFEST, NOW, outcomeOf, policyWith, testKey, type TestKey } from './evaluate-helpers.js';

let packager: TestKey;
let certifier: TestKey;
let otherCertifier: TestKey;
let stranger: TestKey;
let es256: TestKey;

beforeAll(async () => {
  [packager, certifier, otherCertifier, stranger, es256] = await Promise.all([testKey(), testKey(), testKey(), testKey(), testKey('ES256')]);
});

const authority = (id: string, key: TestKey, roles: string[], extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  country: 'VN',
  roles,
  keys: [key.publicJwk],
  ...extra,
});

const sign = (key: TestKey, role: string) => signDetached(MANIFEST, key.signer, { role });
const evaluate = (policy: ReturnType<typeof policyWith>, signatures: Parameters<typeof evaluateSignatures>[1], senderCountry = 'VN', currentDate = NOW) =>
  evaluateSignatures(MANIFEST, signatures, { policy, senderCountry, currentDate });

describe('evaluateSignatures: keys of the policy', () => {
  it('trusts a valid signature by a key of an authority, in its role', async () => {
    const policy = policyWith({ authorities: [authority('vn-forensics', packager, ['packager'])] });
    const { results, findings } = await evaluate(policy, [await sign(packager, 'packager')]);
    expect(findings).toEqual([]);
    expect(results).toEqual([
      expect.objectContaining({ index: 0, status: 'valid', trusted: true, kid: packager.kid, role: 'packager', authority: 'vn-forensics' }),
    ]);
  });

  it('accepts the implicit policy made from a plain list of keys', async () => {
    const { results, findings } = await evaluate(trustPolicyFromKeys([packager.publicJwk]), [await sign(packager, 'certifier')]);
    expect(findings).toEqual([]);
    expect(results[0]!.trusted).toBe(true);
  });

  it('is INDETERMINATE for a key no authority holds, never taking the key from the bundle', async () => {
    const policy = policyWith({ authorities: [authority('vn-forensics', packager, ['packager'])] });
    const signature = await sign(stranger, 'packager');
    const { results, findings } = await evaluate(policy, [signature]);
    expect(results[0]).toMatchObject({ status: 'untrusted', trusted: false, kid: stranger.kid });
    expect(codes(findings)).toEqual(['policy.signer.unknown', 'policy.no-trusted-signature']);
    expect(findings[0]).toMatchObject({ signature: 0, rule: 'authorities' });
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  it('is INVALID when the signature does not verify with the authority\'s key', async () => {
    const policy = policyWith({ authorities: [authority('vn-forensics', packager, ['packager'])] });
    const signature = await signDetached(utf8Encode('{"another":"manifest"}'), packager.signer, { role: 'packager' });
    const { results, findings } = await evaluate(policy, [signature]);
    expect(results[0]).toMatchObject({ status: 'invalid', trusted: false });
    expect(findings.some((f) => f.signature === 0)).toBe(true);
    expect(outcomeOf(findings)).toBe('INVALID');
  });

  it('is INDETERMINATE when the authority is not trusted in the claimed role, and names the authority', async () => {
    const policy = policyWith({ authorities: [authority('vn-forensics', packager, ['packager'])] });
    const { results, findings } = await evaluate(policy, [await sign(packager, 'certifier')]);
    expect(results[0]).toMatchObject({ status: 'valid', trusted: false, authority: 'vn-forensics' });
    expect(findings[0]).toMatchObject({ code: 'policy.role.not-allowed', signature: 0, rule: 'vn-forensics' });
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  it('chooses, among authorities holding the same key, the one trusted in the role', async () => {
    const policy = policyWith({
      authorities: [authority('as-packager', certifier, ['packager']), authority('as-certifier', certifier, ['certifier'])],
    });
    const { results, findings } = await evaluate(policy, [await sign(certifier, 'certifier')]);
    expect(findings).toEqual([]);
    expect(results[0]).toMatchObject({ trusted: true, authority: 'as-certifier' });
  });

  it('is INDETERMINATE when the authority is not yet, or no longer, trusted at the signing time', async () => {
    const notYet = policyWith({ authorities: [authority('vn', packager, ['packager'], { validFrom: '2027-01-01T00:00:00Z' })] });
    const r1 = await evaluate(notYet, [await sign(packager, 'packager')]);
    expect(r1.findings[0]).toMatchObject({ code: 'policy.authority.not-valid-at-time', rule: 'vn', signature: 0 });
    expect(outcomeOf(r1.findings)).toBe('INDETERMINATE');

    const ended = policyWith({ authorities: [authority('vn', packager, ['packager'], { validUntil: '2026-10-01T00:00:00Z' })] });
    const r2 = await evaluate(ended, [await sign(packager, 'packager')]);
    expect(codes(r2.findings)).toContain('policy.authority.not-valid-at-time');

    // Inside the period, and within the clock skew of its start, it holds.
    const skew = policyWith({ authorities: [authority('vn', packager, ['packager'], { validFrom: '2026-10-06T09:04:00Z' })] });
    expect((await evaluate(skew, [await sign(packager, 'packager')])).findings).toEqual([]);
  });

  it('refuses an algorithm the policy does not accept, though the table allows it', async () => {
    const policy = policyWith({ algorithms: ['ES256'], authorities: [authority('vn', packager, ['packager']), authority('vn-ec', es256, ['packager'])] });
    const alone = await evaluate(policy, [await sign(packager, 'packager')]);
    expect(alone.findings.map((f) => [f.code, f.signature, f.rule])).toEqual([['policy.algorithm.refused', 0, 'algorithms'], ['policy.no-trusted-signature', undefined, 'authorities']]);
    // Beside a signature that meets the policy, the refused one is reported and set aside.
    const { results, findings } = await evaluate(policy, [await sign(packager, 'packager'), await sign(es256, 'packager')]);
    expect(findings.map((f) => [f.code, f.signature, f.rule])).toEqual([['policy.extra.untrusted', 0, 'algorithms']]);
    expect(results.map((r) => r.trusted)).toEqual([false, true]);
  });
});

describe('evaluateSignatures: required signatures', () => {
  const authorities = () => [
    authority('vn-forensics', packager, ['packager']),
    authority('vn-central', certifier, ['certifier']),
    authority('vn-central-2', otherCertifier, ['certifier']),
  ];

  it('is VALID when a certifier of the sending country signed', async () => {
    const policy = policyWith({ authorities: authorities(), requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }] });
    const { findings } = await evaluate(policy, [await sign(packager, 'packager'), await sign(certifier, 'certifier')]);
    expect(findings).toEqual([]);
  });

  it('is INDETERMINATE when the required role is missing, naming the requirement', async () => {
    const policy = policyWith({ authorities: authorities(), requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }] });
    const { findings } = await evaluate(policy, [await sign(packager, 'packager')]);
    expect(findings).toEqual([expect.objectContaining({ code: 'policy.requirement.unmet', rule: 'sender-certifier' })]);
    expect(outcomeOf(findings)).toBe('INDETERMINATE');
  });

  it('resolves "sender" with the manifest\'s executing country', async () => {
    const policy = policyWith({ authorities: authorities(), requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }] });
    const { findings } = await evaluate(policy, [await sign(certifier, 'certifier')], 'FR');
    expect(codes(findings)).toEqual(['policy.requirement.unmet']);
  });

  it('counts a key that signs twice once (distinct signers before the threshold)', async () => {
    const policy = policyWith({ authorities: authorities(), requirements: [{ id: 'two-certifiers', role: 'certifier', country: 'VN', min: 2 }] });
    const twice = await evaluate(policy, [await sign(certifier, 'certifier'), await sign(certifier, 'certifier')]);
    expect(twice.results.map((r) => r.trusted)).toEqual([true, true]);
    expect(twice.findings).toEqual([expect.objectContaining({ code: 'policy.requirement.unmet', rule: 'two-certifiers' })]);

    const two = await evaluate(policy, [await sign(certifier, 'certifier'), await sign(otherCertifier, 'certifier')]);
    expect(two.findings).toEqual([]);
  });

  it('does not count an untrusted or refused signature towards a requirement', async () => {
    const policy = policyWith({ authorities: authorities(), requirements: [{ id: 'c', role: 'certifier', country: 'VN', min: 1 }] });
    const { findings } = await evaluate(policy, [await sign(packager, 'certifier'), await sign(stranger, 'certifier')]);
    expect(codes(findings).sort()).toEqual(['policy.requirement.unmet', 'policy.role.not-allowed', 'policy.signer.unknown']);
  });

  it('asks for one trusted signature when the policy has no requirement', async () => {
    const policy = policyWith({ authorities: authorities() });
    expect(codes((await evaluate(policy, [])).findings)).toEqual(['policy.no-trusted-signature']);
  });
});
