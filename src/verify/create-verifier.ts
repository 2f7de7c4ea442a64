import type { BagSource } from '../bagit/bag-source.js';
import type { VerificationReport } from './report-schema.js';
import { trustPolicyFromKeys } from '../trust/trust-policy-from-keys.js';
import { verifyBundle, type VerifyOptions } from './verify-bundle.js';

/** A verifier bound to one receiver's trust material, reusable across bundles. */
export interface Verifier {
  /** Verifies one bundle under the verifier's policy (see verifyBundle). */
  verify(source: BagSource, options?: Pick<VerifyOptions, 'currentDate' | 'onProgress'>): Promise<VerificationReport>;
}

/**
 * Creates a reusable verifier (as sigstore-js does): the receiver's trusted keys and algorithms are fixed once
 * and copied, so later changes to the caller's arrays cannot change what an existing verifier trusts.
 * @throws what {@link trustPolicyFromKeys} throws for a bad `trustedKeys` entry (`ERR_KEY_INVALID`,
 *   `ERR_KEY_TOO_SMALL`, TypeError)
 * @example
 * const verifier = createVerifier({ trustedKeys: [authorityJwk] });
 * const report = await verifier.verify(await openBundleDirectory('case-42'));
 */
export function createVerifier(options: VerifyOptions = {}): Verifier {
  // Misuse shows when the verifier is made, not at its first bundle.
  if (options.policy === undefined) trustPolicyFromKeys(options.trustedKeys ?? []);
  const fixed: VerifyOptions = {
    ...options,
    trustedKeys: structuredClone([...(options.trustedKeys ?? [])]),
    ...(options.policy ? { policy: structuredClone(options.policy) } : {}),
  };
  return {
    verify: (source, perCall = {}) => verifyBundle(source, { ...fixed, ...perCall }),
  };
}
