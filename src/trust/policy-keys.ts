import { jwkThumbprint } from '../sign/thumbprint.js';
import type { TrustedAuthority, TrustPolicy } from './trust-policy.js';

/** A key of the policy with the authority that holds it. */
export interface PolicyKey {
  authority: TrustedAuthority;
  key: JsonWebKey;
}

/**
 * Indexes the policy's keys by RFC 7638 thumbprint (SHA-256, base64url), the `kid` of every signature. One key
 * may belong to several authorities (for example in different roles), so each thumbprint maps to a list.
 */
export async function indexPolicyKeys(policy: TrustPolicy): Promise<Map<string, PolicyKey[]>> {
  const index = new Map<string, PolicyKey[]>();
  for (const authority of policy.authorities) {
    for (const key of authority.keys ?? []) {
      const kid = await jwkThumbprint(key);
      // The policy schema requires the hashed members, so every key has a thumbprint.
      if (kid === undefined) continue;
      const list = index.get(kid) ?? [];
      list.push({ authority, key: key as JsonWebKey });
      index.set(kid, list);
    }
  }
  return index;
}
