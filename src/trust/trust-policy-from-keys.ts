import { EvidenceBundleError } from '../errors.js';
import { algorithmForKey, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../sign/algorithms.js';
import { checkKeyFor, describeKey } from '../sign/key-checks.js';
import type { CountryCode } from '../model/iso3166.js';
import { PublicJwkSchema, TRUST_ROLES, type TrustPolicy } from './trust-policy.js';

// "ZZ" is the ISO 3166-1 user-assigned code for an unknown country. A parsed policy never holds it, but a plain
// list of keys says nothing about countries, and the implicit policy has no requirement that would read one.
const UNKNOWN_COUNTRY = 'ZZ' as CountryCode;

/**
 * The implicit policy used when a caller passes a plain list of trusted public keys instead of a policy: one
 * authority per key, trusted in every role, every algorithm of the table, no required signature (so one trusted
 * valid signature suffices) and no timestamp required.
 * Each key is judged here, before any bundle is read: a symmetric (`oct`) or private key, a type or curve no
 * algorithm of the table takes, or an RSA key under 2048 bits is the caller's mistake, not a property of the
 * bundle. A key's own `alg`, `use` and `key_ops` are kept and enforced when signatures are evaluated.
 * @throws TypeError when `keys` is not an array of objects
 * @throws EvidenceBundleError `ERR_KEY_INVALID` when a key is not a public signature JWK of an allowed algorithm
 *   (a private or symmetric key is refused), `ERR_KEY_TOO_SMALL` for an RSA modulus under 2048 bits
 * @example
 * const policy = trustPolicyFromKeys([authorityPublicJwk]);
 */
export function trustPolicyFromKeys(keys: readonly JsonWebKey[]): TrustPolicy {
  if (!Array.isArray(keys)) throw new TypeError('trusted keys must be an array of JWKs');
  const authorities = keys.map((key, index) => {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) throw new TypeError(`trusted key #${index} is not a JWK object`);
    const checked = PublicJwkSchema.safeParse(key);
    if (!checked.success) {
      const reason = checked.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`).join('; ');
      throw new EvidenceBundleError('ERR_KEY_INVALID', `trusted key #${index}: ${reason}`, { cause: checked.error });
    }
    // The key's own alg, use and key_ops restrict what it verifies (evaluateSignatures enforces them, as for
    // any policy key); its type, curve and size are judged here, once.
    const { alg: _alg, use: _use, key_ops: _ops, ...material } = checked.data as JsonWebKey;
    const alg = algorithmForKey(material);
    if (alg === undefined) throw new EvidenceBundleError('ERR_KEY_INVALID', `trusted key #${index}: a ${describeKey(material)} key makes no allowed signature`);
    const problem = checkKeyFor(material, alg, 'verify');
    if (problem !== undefined) {
      throw new EvidenceBundleError(problem.kind === 'too-small' ? 'ERR_KEY_TOO_SMALL' : 'ERR_KEY_INVALID', `trusted key #${index}: ${problem.message}`);
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
