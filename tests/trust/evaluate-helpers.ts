import { FINDING_CODES } from '../../src/report/codes.js';
import { POLICY_FINDINGS } from '../../src/report/codes/policy.js';
import type { FindingDefinition } from '../../src/report/finding.js';
import type { Finding } from '../../src/report/finding-type.js';
import { createJwkSigner, generateSigningKey, type Signer } from '../../src/index.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import type { TrustPolicy } from '../../src/trust/trust-policy.js';
import { utf8Encode } from '../../src/internal/bytes.js';

export const MANIFEST = utf8Encode('{"bundleId":"5b0f4c1e-8a43-4a7e-9d7c-0d5a1b2c3d4e","formatVersion":"1.0"}');
export const NOW = new Date('2026-10-06T09:00:00Z');

export interface TestKey {
  signer: Signer;
  publicJwk: JsonWebKey;
  kid: string;
}

export async function testKey(alg: 'EdDSA' | 'ES256' | 'ES384' | 'PS256' = 'EdDSA'): Promise<TestKey> {
  const k = await generateSigningKey(alg);
  return { signer: await createJwkSigner(k.privateJwk), publicJwk: k.publicJwk, kid: k.kid };
}

/** A policy of Algeria receiving from Viet Nam, with the given authorities and requirements. */
export function policyWith(fields: Record<string, unknown>): TrustPolicy {
  return parseTrustPolicy({
    policyVersion: '1.0',
    name: 'test policy',
    owner: { country: 'DZ', authority: 'central authority' },
    authorities: [],
    ...fields,
  });
}

/** What the findings do to the outcome, as the verifier decides it (ETSI EN 319 102-1). */
export function outcomeOf(findings: readonly Finding[]): 'VALID' | 'INVALID' | 'INDETERMINATE' {
  const table: Record<string, FindingDefinition> = { ...FINDING_CODES, ...POLICY_FINDINGS };
  const effects = findings.map((f) => table[f.code]?.effect ?? 'invalid');
  if (effects.includes('invalid')) return 'INVALID';
  if (effects.includes('indeterminate')) return 'INDETERMINATE';
  return 'VALID';
}

export function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.code);
}
