import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import { trustPolicyFromKeys } from '../../src/trust/trust-policy-from-keys.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const EXAMPLE = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'policy', 'algeria-receiving-policy.json'), 'utf8')) as Record<string, unknown>;
const ED_KEY = { kty: 'OKP', crv: 'Ed25519', x: 'AvyjXIa2WgMgkuVczt6LbfbKcWyby0FBZZ0Oobyyn80' };

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    policyVersion: '1.0',
    name: 'test',
    owner: { country: 'DZ', authority: 'central authority' },
    authorities: [{ id: 'a', name: 'A', country: 'VN', roles: ['packager'], keys: [ED_KEY] }],
    ...overrides,
  };
}

function authority(overrides: Record<string, unknown>): Record<string, unknown> {
  return minimal({ authorities: [{ id: 'a', name: 'A', country: 'VN', roles: ['packager'], keys: [ED_KEY], ...overrides }] });
}

function rejects(value: unknown): void {
  let caught: unknown;
  try {
    parseTrustPolicy(value);
  } catch (error) {
    caught = error;
  }
  expect(isEvidenceBundleError(caught, 'ERR_POLICY_INVALID')).toBe(true);
}

describe('parseTrustPolicy', () => {
  it('accepts the example policy of the repository', () => {
    const policy = parseTrustPolicy(EXAMPLE);
    expect(policy.owner.country).toBe('DZ');
    expect(policy.authorities.map((a) => a.id)).toEqual(['vn-forensics', 'vn-central-authority']);
    expect(policy.requirements[0]).toMatchObject({ role: 'certifier', country: 'sender', min: 1 });
    expect(policy.timestampAuthorities).toHaveLength(1);
  });

  it('fills in the defaults: every algorithm, 300 s skew, no timestamp, no requirement', () => {
    const policy = parseTrustPolicy(minimal());
    expect(policy.algorithms).toEqual(['EdDSA', 'ES256', 'ES384', 'PS256']);
    expect(policy.maxClockSkewSeconds).toBe(300);
    expect(policy.requireTimestamp).toBe(false);
    expect(policy.requirements).toEqual([]);
    expect(policy.timestampAuthorities).toEqual([]);
  });

  it.each([
    ['not an object', 'policy'],
    ['another version', minimal({ policyVersion: '2.0' })],
    ['an unknown member', minimal({ trustEverything: true })],
    ['an unknown member in an authority', authority({ comment: 'x' })],
    ['an algorithm outside the table', minimal({ algorithms: ['HS256'] })],
    ['alg none', minimal({ algorithms: ['none'] })],
    ['no algorithm', minimal({ algorithms: [] })],
    ['a repeated algorithm', minimal({ algorithms: ['EdDSA', 'EdDSA'] })],
    ['an unbounded clock skew', minimal({ maxClockSkewSeconds: 86_401 })],
    ['a negative clock skew', minimal({ maxClockSkewSeconds: -1 })],
    ['a fractional clock skew', minimal({ maxClockSkewSeconds: 1.5 })],
    ['a lower-case country', authority({ country: 'vn' })],
    ['an unassigned country', authority({ country: 'XX' })],
    ['an unknown role', authority({ roles: ['examiner'] })],
    ['no role', authority({ roles: [] })],
    ['a repeated role', authority({ roles: ['packager', 'packager'] })],
    ['neither keys nor anchors', authority({ keys: undefined })],
    ['a private Ed25519 key', authority({ keys: [{ ...ED_KEY, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' }] })],
    ['a private RSA member', authority({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'AQAB' }] })],
    ['a symmetric key', authority({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })],
    ['an OKP key without x', authority({ keys: [{ kty: 'OKP', crv: 'Ed25519' }] })],
    ['an anchor that is not PEM', authority({ keys: undefined, x509Anchors: ['MIIB...'] })],
    ['a validity period upside down', authority({ validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' })],
    ['a date without offset', authority({ validFrom: '2026-01-01T00:00:00' })],
    ['a requirement of zero signatures', minimal({ requirements: [{ id: 'r', role: 'certifier', country: 'VN', min: 0 }] })],
    ['a requirement for an unknown country form', minimal({ requirements: [{ id: 'r', role: 'certifier', country: 'receiver', min: 1 }] })],
    ['a rule id used twice', minimal({ requirements: [{ id: 'a', role: 'certifier', country: 'VN', min: 1 }] })],
    ['a rule id with a slash', authority({ id: 'a/b' })],
    ['a TSA without anchors', minimal({ timestampAuthorities: [{ id: 't', name: 'T', anchors: [] }] })],
  ])('refuses %s with ERR_POLICY_INVALID', (_name, value) => {
    rejects(value);
  });

  it('names the private member in the error', () => {
    try {
      parseTrustPolicy(authority({ keys: [{ ...ED_KEY, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' }] }));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/authorities\.0\.keys\.0\.d/);
    }
  });
});

describe('trustPolicyFromKeys', () => {
  it('makes one authority per key, trusted in every role, with no requirement', () => {
    const policy = trustPolicyFromKeys([ED_KEY as JsonWebKey, { ...ED_KEY, x: 'H4zhL8rrabLo-Y1bBU10gcr-S_ThLXcl_yFCuoPEnI0' } as JsonWebKey]);
    expect(policy.authorities).toHaveLength(2);
    expect(new Set(policy.authorities.map((a) => a.id)).size).toBe(2);
    for (const a of policy.authorities) expect(a.roles).toEqual(['packager', 'certifier', 'custodian']);
    expect(policy.requirements).toEqual([]);
    expect(policy.requireTimestamp).toBe(false);
  });

  it('refuses a private key with ERR_KEY_INVALID', () => {
    let caught: unknown;
    try {
      trustPolicyFromKeys([{ ...ED_KEY, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' } as JsonWebKey]);
    } catch (error) {
      caught = error;
    }
    expect(isEvidenceBundleError(caught, 'ERR_KEY_INVALID')).toBe(true);
  });
});

describe('the published trust-policy JSON Schema', () => {
  it('accepts the example policy and rejects what zod rejects', async () => {
    const { committedValidator } = await import('../model/helpers.js');
    const validate = committedValidator('trust-policy');
    expect(validate(EXAMPLE), JSON.stringify(validate.errors)).toBe(true);
    for (const bad of [minimal({ extra: 1 }), authority({ roles: ['judge'] }), minimal({ owner: { country: 'XX', authority: 'a' } })]) {
      expect(validate(bad)).toBe(false);
      rejects(bad);
    }
  });
});
