import { EvidenceBundleError } from '../errors.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../sign/algorithms.js';
import type { CountryCode } from '../model/iso3166.js';
import { PublicJwkSchema, TRUST_ROLES, type TrustPolicy } from './trust-policy.js';

// "ZZ" is the ISO 3166-1 user-assigned code for an unknown country. A parsed policy never holds it, but a plain
// list of keys says nothing about countries, and the implicit policy has no requirement that would read one.
const UNKNOWN_COUNTRY = 'ZZ' as CountryCode;

/**
 * The implicit policy used when a caller passes a plain list of trusted public keys instead of a policy: one
 * authority per key, trusted in every role, every algorithm of the table, no required signature (so one trusted
 * valid signature suffices) and no timestamp required.
 * @throws EvidenceBundleError `ERR_KEY_INVALID` when a key is not a public signature JWK (a private key is refused)
 * @example
 * const policy = trustPolicyFromKeys([authorityPublicJwk]);
 */
export function trustPolicyFromKeys(keys: readonly JsonWebKey[]): TrustPolicy {
  const authorities = keys.map((key, index) => {
    const checked = PublicJwkSchema.safeParse(key);
    if (!checked.success) {
      const reason = checked.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`).join('; ');
      throw new EvidenceBundleError('ERR_KEY_INVALID', `trusted key #${index}: ${reason}`, { cause: checked.error });
    }
    return {
      id: `key-${index + 1}`,
      name: `trusted key #${index + 1}`,
      country: UNKNOWN_COUNTRY,
      roles: [...TRUST_ROLES],
      keys: [checked.data],
    };
  });
  return {
    policyVersion: '1.0',
    name: 'trusted keys',
    owner: { country: UNKNOWN_COUNTRY, authority: 'the verifier' },
    algorithms: Object.keys(SIGNATURE_ALGORITHMS) as SignatureAlgorithm[],
    maxClockSkewSeconds: 300,
    requireTimestamp: false,
    authorities,
    requirements: [],
    timestampAuthorities: [],
  };
}
