// Issue 12, section 3: the receiver's legal rules in its trust policy. Each rule is a class: tested with the
// values that break it and those that meet it, unit by unit and through verifyBundle on a signed bundle.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/index.js';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { FINDING_CODES } from '../../src/report/codes.js';
import { checkLegalRules, type LegalRules } from '../../src/trust/legal-rules.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

const NOW = new Date('2026-10-10T12:00:00Z');
let manifest: Manifest;
let bundle: string;
let packager: KeyPair;

beforeAll(async () => {
  packager = await keyPair();
  bundle = await packDemo(await tempDir('evb-legal-'), { packager });
  manifest = JSON.parse(await fsp.readFile(join(bundle, 'evidence', 'manifest.json'), 'utf8')) as Manifest;
});

const policyInput = (legal?: unknown, owner = 'DZ') => ({
  policyVersion: '1.0',
  name: 'receiver',
  owner: { country: owner, authority: 'central authority' },
  authorities: [{ id: 'vn-forensics', name: 'VN forensics', country: 'VN', roles: ['packager'], keys: [packager.publicJwk] }],
  ...(legal !== undefined ? { legal } : {}),
});

/** The demo manifest with one change. */
function edited(edit: (m: any) => void): Manifest {
  const m = structuredClone(manifest) as any;
  edit(m);
  return m as Manifest;
}

const codes = (rules: LegalRules, m = manifest, owner = 'DZ') => checkLegalRules(rules, owner, m).map((f) => [f.code, f.rule]);

describe('the legal block of a policy is parsed strictly', () => {
  it.each([
    ['an unknown rule', { acceptEverything: true }],
    ['an unknown instrument', { instruments: ['hague-convention'] }],
    ['an instrument listed twice', { instruments: ['budapest-convention', 'budapest-convention'] }],
    ['an empty instrument list', { instruments: [] }],
    ['an unknown request kind', { requestKinds: ['letter'] }],
    ['a requesting country other than "owner"', { requestingCountry: 'DZ' }],
    ['a retention of 0 days', { maxRetentionDays: 0 }],
    ['a fractional retention', { maxRetentionDays: 1.5 }],
    ['an unbounded retention', { maxRetentionDays: 1e9 }],
    ['a speciality that is not a boolean', { useRestrictions: { speciality: 'yes' } }],
    ['conditions other than "refused"', { useRestrictions: { conditions: 'allowed' } }],
    ['an unknown use restriction', { useRestrictions: { onwardTransfer: false } }],
  ])('%s: ERR_POLICY_INVALID', (_name, legal) => {
    expect(() => parseTrustPolicy(policyInput(legal))).toThrow(expect.objectContaining({ code: 'ERR_POLICY_INVALID' }));
  });

  it('every rule may be left out; a policy without legal rules has none', () => {
    expect(parseTrustPolicy(policyInput()).legal).toBeUndefined();
    expect(parseTrustPolicy(policyInput({})).legal).toEqual({});
  });
});

describe('checkLegalRules', () => {
  it('accepted instruments: another one is policy.legal.instrument.refused', () => {
    expect(codes({ instruments: ['budapest-convention', 'bilateral-treaty'] })).toEqual([['policy.legal.instrument.refused', 'legal.instruments']]);
    expect(codes({ instruments: ['un-cybercrime-convention'] })).toEqual([]);
    expect(codes({ instruments: ['budapest-convention'] }, edited((m) => (m.legalBasis.instrument.kind = 'budapest-convention')))).toEqual([]);
  });

  it('accepted request kinds: another one is policy.legal.request-kind.refused', () => {
    expect(codes({ requestKinds: ['preservation-request'] })).toEqual([['policy.legal.request-kind.refused', 'legal.requestKinds']]);
    expect(codes({ requestKinds: ['mla-request', 'emergency-request'] })).toEqual([]);
    expect(codes({ requestKinds: ['mla-request'] }, edited((m) => (m.legalBasis.request.kind = 'spontaneous-information')))).toEqual([
      ['policy.legal.request-kind.refused', 'legal.requestKinds'],
    ]);
  });

  it("the requesting authority's country must be the owner's: another State's request is policy.legal.requesting-country.mismatch", () => {
    expect(codes({ requestingCountry: 'owner' })).toEqual([]);
    expect(codes({ requestingCountry: 'owner' }, manifest, 'FR')).toEqual([['policy.legal.requesting-country.mismatch', 'legal.requestingCountry']]);
    // The executing authority (the sender) is not the one that counts.
    expect(codes({ requestingCountry: 'owner' }, manifest, 'VN')).toEqual([['policy.legal.requesting-country.mismatch', 'legal.requestingCountry']]);
    expect(codes({ requestingCountry: 'owner' }, edited((m) => (m.legalBasis.requestingAuthority.country = 'FR')), 'FR')).toEqual([]);
  });

  it('maximum retention: longer or unlimited is policy.legal.retention.exceeded; the last day counts whole', () => {
    // createdAt 2026-10-06T09:00:00Z, until 2031-12-31.
    const exceeded = [['policy.legal.retention.exceeded', 'legal.maxRetentionDays']];
    expect(codes({ maxRetentionDays: 365 })).toEqual(exceeded);
    expect(codes({ maxRetentionDays: 3650 })).toEqual([]);
    expect(codes({ maxRetentionDays: 3650 }, edited((m) => delete m.handling.retention))).toEqual(exceeded);
    expect(codes({ maxRetentionDays: 3650 }, edited((m) => (m.handling.retention = { onExpiry: 'review' })))).toEqual(exceeded);
    const until = (date: string) => edited((m) => (m.handling.retention.until = date));
    expect(codes({ maxRetentionDays: 30 }, until('2026-11-04'))).toEqual([]);
    expect(codes({ maxRetentionDays: 30 }, until('2026-11-05'))).toEqual([]);
    expect(codes({ maxRetentionDays: 30 }, until('2026-11-06'))).toEqual(exceeded);
  });

  it('required use restrictions: the speciality declared otherwise, or refused conditions present, is policy.legal.use-restrictions.unmet', () => {
    const unmet = (rule: string) => [['policy.legal.use-restrictions.unmet', rule]];
    expect(codes({ useRestrictions: { speciality: true } })).toEqual([]);
    expect(codes({ useRestrictions: { speciality: false } })).toEqual(unmet('legal.useRestrictions.speciality'));
    expect(codes({ useRestrictions: { speciality: true } }, edited((m) => (m.legalBasis.useRestrictions.speciality = false)))).toEqual(unmet('legal.useRestrictions.speciality'));
    expect(codes({ useRestrictions: { conditions: 'refused' } })).toEqual(unmet('legal.useRestrictions.conditions'));
    expect(codes({ useRestrictions: { conditions: 'refused' } }, edited((m) => delete m.legalBasis.useRestrictions.conditions))).toEqual([]);
  });

  it('reports every rule broken, each once', () => {
    const all: LegalRules = { instruments: ['budapest-convention'], requestKinds: ['production-order'], requestingCountry: 'owner', maxRetentionDays: 1, useRestrictions: { speciality: false, conditions: 'refused' } };
    expect(codes(all, manifest, 'FR').map(([c]) => c)).toEqual([
      'policy.legal.instrument.refused',
      'policy.legal.request-kind.refused',
      'policy.legal.requesting-country.mismatch',
      'policy.legal.retention.exceeded',
      'policy.legal.use-restrictions.unmet',
      'policy.legal.use-restrictions.unmet',
    ]);
  });

  it('effects: only a request addressed to another State is INVALID; the others are INDETERMINATE', () => {
    expect(FINDING_CODES['policy.legal.requesting-country.mismatch'].effect).toBe('invalid');
    for (const code of ['policy.legal.instrument.refused', 'policy.legal.request-kind.refused', 'policy.legal.retention.exceeded', 'policy.legal.use-restrictions.unmet'] as const) {
      expect(FINDING_CODES[code].effect).toBe('indeterminate');
    }
  });
});

describe('verifyBundle applies the legal rules of the policy', () => {
  const verify = async (legal?: unknown, owner = 'DZ') => verifyBundleDirectory(bundle, { policy: parseTrustPolicy(policyInput(legal, owner)), currentDate: NOW });

  it('a signed, trusted bundle is VALID without legal rules, and with rules it meets', async () => {
    expect((await verify()).outcome).toBe('VALID');
    const met = await verify({ instruments: ['un-cybercrime-convention'], requestKinds: ['mla-request'], requestingCountry: 'owner', maxRetentionDays: 3650, useRestrictions: { speciality: true } });
    expect(met.findings.filter((f) => f.code.startsWith('policy.legal.'))).toEqual([]);
    expect(met.outcome).toBe('VALID');
  });

  it('an instrument the receiver has not ratified: INDETERMINATE, located at the manifest and the rule', async () => {
    const report = await verify({ instruments: ['budapest-convention'] });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'policy.legal.instrument.refused', rule: 'legal.instruments', path: 'evidence/manifest.json' }));
  });

  it("a bundle answering another State's request: INVALID", async () => {
    const report = await verify({ requestingCountry: 'owner' }, 'FR');
    expect(report.outcome).toBe('INVALID');
    expect(report.findings.map((f) => f.code)).toContain('policy.legal.requesting-country.mismatch');
  });
});
