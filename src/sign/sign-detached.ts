import { canonicalizeToBytes } from '../encoding/jcs.js';
import { EvidenceBundleError } from '../errors.js';
import { base64urlEncode } from '../internal/bytes.js';
import { KeyId } from '../model/common.js';
import { checkSigningChain } from './check-signing-chain.js';
import { isSignatureAlgorithm, SIGNATURE_ALGORITHMS } from './algorithms.js';
import { checkNewSignature } from './check-new-signature.js';
import type { JwsSignature } from './signature-file.js';
import type { Signer } from './signer.js';
import { jwsSigningInput } from './signing-input.js';
import { jwkThumbprint } from './thumbprint.js';

export { jwsSigningInput } from './signing-input.js';

/** `typ` of a bundle signature: keeps a manifest signature from being taken for another kind of JWS. */
export const MANIFEST_JWS_TYP = 'evidence-bundle-manifest+jws';

/**
 * The roles a bundle signature (`typ` {@link MANIFEST_JWS_TYP}) may claim (docs/format.md, "Signatures"): the
 * trust policy's roles that sign a manifest. `custodian` is the policy's role for custody events, which carry
 * their actor's own role instead.
 */
export const SIGNATURE_ROLES = ['packager', 'certifier'] as const;

/** A role of {@link SIGNATURE_ROLES}. */
export type SignatureRole = (typeof SIGNATURE_ROLES)[number];

/** What goes into the protected header besides `alg` and `kid`. */
export interface SignDetachedOptions {
  /**
   * The capacity in which the signer signs: for a bundle signature one of {@link SIGNATURE_ROLES}; for another
   * `typ` (a custody event) any non-empty string.
   */
  role: string;
  /** Defaults to {@link MANIFEST_JWS_TYP}. */
  typ?: string;
  /** Certificate chain (base64 DER, leaf first, each certificate followed by its issuer); defaults to the signer's own `x5c`. */
  x5c?: readonly string[];
  /** Claimed signing time (`sigT`); defaults to now. Only a timestamp proves it. */
  signedAt?: Date;
}

/**
 * Signs `payload` as a detached JWS (RFC 7515 Appendix F) and returns one General JSON Serialization entry. The
 * protected header is RFC 8785 canonical JSON: `alg`, `kid`, `typ`, `role`, `sigT` and, when given, `x5c`.
 *
 * Nothing a verifier would reject leaves this function: the `x5c` chain must certify the signer's key and hold
 * together at the signing time (see `checkSigningChain`: order, signatures, CA constraints, validity; the
 * receiver's anchors are not known, so trust is not checked); the signature the signer returns must have the
 * form of its `alg` (Ed25519 64 bytes, ES256 64 and ES384 96 bytes `r || s`, PS256 the modulus length) and,
 * when the signer gives its `publicKey`, must verify over the exact signing input. A signer without
 * `publicKey` gets the form check only.
 * @throws TypeError when the signer's `alg` is outside the table, `kid` is not an RFC 7638 thumbprint or `role` is empty, or a bundle
 *   signature's role is not one of {@link SIGNATURE_ROLES}
 * @throws EvidenceBundleError `ERR_JWS_KEY_MISMATCH` when `signer.publicKey` is not the key `kid` names,
 *   `ERR_X509_KEY_MISMATCH` / `ERR_X509_CHAIN_INVALID` for a chain the receiver would reject,
 *   `ERR_SIGNER_OUTPUT` for a signature that has the wrong form or does not verify; what `signer.sign` throws
 * @example
 * const entry = await signDetached(manifestBytes, signer, { role: 'packager' });
 * const file = addSignature(parseSignatureFile(old), entry);
 */
export async function signDetached(payload: Uint8Array, signer: Signer, options: SignDetachedOptions): Promise<JwsSignature> {
  if (!isSignatureAlgorithm(signer.alg)) throw new TypeError(`signer.alg must be one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
  // Verifiers refuse any other kid (docs/format.md, "Signatures"), so a writer never produces one.
  if (!KeyId.safeParse(signer.kid).success) throw new TypeError('signer.kid must be the RFC 7638 SHA-256 thumbprint of its key, base64url (43 characters)');
  if (typeof options.role !== 'string' || options.role === '') throw new TypeError('role must be a non-empty string');
  const typ = options.typ ?? MANIFEST_JWS_TYP;
  if (typ === MANIFEST_JWS_TYP && !isSignatureRole(options.role)) {
    throw new TypeError(`a bundle signature's role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(options.role)}`);
  }
  if (signer.publicKey !== undefined && (await jwkThumbprint(signer.publicKey)) !== signer.kid) {
    throw new EvidenceBundleError('ERR_JWS_KEY_MISMATCH', `signer.publicKey is not the key ${signer.kid} names`);
  }
  const signedAt = options.signedAt ?? new Date();
  const x5c = options.x5c ?? signer.x5c;
  if (x5c !== undefined) await checkSigningChain(x5c, signer.kid, signedAt);
  const header = {
    alg: signer.alg,
    kid: signer.kid,
    typ,
    role: options.role,
    // Whole seconds, UTC: the JAdES sigT form.
    sigT: signedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(x5c !== undefined ? { x5c: [...x5c] } : {}),
  };
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  const signature = await checkNewSignature(await signer.sign(jwsSigningInput(protectedB64, payload)), signer.alg, { protected: protectedB64, payload }, signer.publicKey);
  return { protected: protectedB64, signature: base64urlEncode(signature) };
}

/** True for a role of {@link SIGNATURE_ROLES}. */
export function isSignatureRole(role: unknown): role is SignatureRole {
  return typeof role === 'string' && (SIGNATURE_ROLES as readonly string[]).includes(role);
}
