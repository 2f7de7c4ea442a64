import type { Finding } from '../report/finding-type.js';
import { policyFinding } from './policy-finding.js';
import type { TrustPolicy } from './trust-policy.js';

/** What the requirement count needs to know of one signature that was judged. */
export interface JudgedSignature {
  index: number;
  trusted: boolean;
  kid?: string;
  role?: string;
  authority?: string;
}

/**
 * Checks the policy's required signatures: for each requirement, the number of distinct signers (one per key,
 * however many times it signed: sigstore dedupes before any threshold) with a trusted, valid signature in the
 * role, from an authority of the country. Without requirements, one trusted signature is required.
 */
export function checkRequirements(
  policy: TrustPolicy,
  judged: readonly JudgedSignature[],
  senderCountry: string,
): Finding[] {
  const countryOf = new Map(policy.authorities.map((a) => [a.id, a.country]));
  const trusted = judged.filter((s) => s.trusted && s.kid !== undefined && s.authority !== undefined);
  if (policy.requirements.length === 0) {
    return trusted.length > 0
      ? []
      : [policyFinding('policy.no-trusted-signature', 'no signature is both valid and trusted under the policy', { rule: 'authorities' })];
  }
  const findings: Finding[] = [];
  for (const requirement of policy.requirements) {
    const country = requirement.country === 'sender' ? senderCountry : requirement.country;
    const signers = new Set(
      trusted
        .filter((s) => s.role === requirement.role && countryOf.get(s.authority!) === country)
        .map((s) => s.kid!),
    );
    if (signers.size < requirement.min) {
      const who = requirement.country === 'sender' ? `the sending country (${country || 'unknown'})` : country;
      findings.push(
        policyFinding(
          'policy.requirement.unmet',
          `requirement ${requirement.id}: ${requirement.min} distinct ${requirement.role} signer(s) of ${who} required, ${signers.size} found`,
          { rule: requirement.id },
          { requirement: requirement.id, min: requirement.min, role: requirement.role, country: country || '-', found: signers.size },
        ),
      );
    }
  }
  return findings;
}
