import { EvidenceBundleError } from '../errors.js';
import { TrustPolicySchema, type TrustPolicy } from './trust-policy.js';

/**
 * Checks a trust policy (already parsed from JSON) against the policy schema and fills in its defaults.
 * Unknown members, private key material, duplicate rule ids and unbounded values are refused.
 * @throws EvidenceBundleError `ERR_POLICY_INVALID`, with every problem and its path in the message
 * @example
 * const policy = parseTrustPolicy(parseJson(await readFile('policy.json')));
 */
export function parseTrustPolicy(value: unknown): TrustPolicy {
  const result = TrustPolicySchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(policy)'}: ${issue.message}`);
    throw new EvidenceBundleError('ERR_POLICY_INVALID', `invalid trust policy: ${problems.join('; ')}`, { cause: result.error });
  }
  return result.data;
}
