import type { Finding, FindingParams } from '../report/finding-type.js';
import type { FindingLocation } from '../report/finding.js';
import { POLICY_FINDINGS } from '../report/codes/policy.js';

/** A trust-policy finding code (src/report/codes/policy.ts). */
export type PolicyFindingCode = keyof typeof POLICY_FINDINGS;

/** Builds a policy finding; its severity comes from the policy code table, its `params` as in makeFinding. */
export function policyFinding(code: PolicyFindingCode, message: string, location: FindingLocation = {}, params?: FindingParams): Finding {
  return { code, severity: POLICY_FINDINGS[code].severity, message, ...location, ...(params !== undefined && Object.keys(params).length > 0 ? { params } : {}) };
}
