import { canonicalizeToBytes } from '../encoding/jcs.js';
import { KeyId } from '../model/common.js';
import { base64urlEncode, base64urlEncodeToBytes, concatBytes, utf8Encode } from '../internal/bytes.js';
import { isSignatureAlgorithm, SIGNATURE_ALGORITHMS } from './algorithms.js';
import type { JwsSignature } from './signature-file.js';
import type { Signer } from './signer.js';

/** `typ` of a bundle signature: keeps a manifest signature from being taken for another kind of JWS. */
export const MANIFEST_JWS_TYP = 'evidence-bundle-manifest+jws';

/** What goes into the protected header besides `alg` and `kid`. */
export interface SignDetachedOptions {
  /** The capacity in which the signer signs: `packager`, `certifier`, `custodian`... */
  role: string;
  /** Defaults to {@link MANIFEST_JWS_TYP}. */
  typ?: string;
  /** Certificate chain (base64 DER, leaf first); defaults to the signer's own `x5c`. */
  x5c?: readonly string[];
  /** Claimed signing time (`sigT`); defaults to now. Only a timestamp proves it. */
  signedAt?: Date;
}

/**
 * Signs `payload` as a detached JWS (RFC 7515 Appendix F) and returns one General JSON Serialization entry. The
 * protected header is RFC 8785 canonical JSON: `alg`, `kid`, `typ`, `role`, `sigT` and, when given, `x5c`.
 * @throws TypeError when the signer's `alg` is outside the table, its `kid` is not an RFC 7638 thumbprint or `role`
 *   is empty; what `signer.sign` throws
 * @example
 * const entry = await signDetached(manifestBytes, signer, { role: 'packager' });
 * const file = addSignature(parseSignatureFile(old), entry);
 */
export async function signDetached(payload: Uint8Array, signer: Signer, options: SignDetachedOptions): Promise<JwsSignature> {
  if (!isSignatureAlgorithm(signer.alg)) throw new TypeError(`signer.alg must be one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
  // Verifiers refuse any other kid (docs/format.md, "Signatures"), so a writer never produces one.
  if (!KeyId.safeParse(signer.kid).success) throw new TypeError('signer.kid must be the RFC 7638 SHA-256 thumbprint of its key, base64url (43 characters)');
  if (typeof options.role !== 'string' || options.role === '') throw new TypeError('role must be a non-empty string');
  const x5c = options.x5c ?? signer.x5c;
  const header = {
    alg: signer.alg,
    kid: signer.kid,
    typ: options.typ ?? MANIFEST_JWS_TYP,
    role: options.role,
    // Whole seconds, UTC: the JAdES sigT form.
    sigT: (options.signedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(x5c !== undefined ? { x5c: [...x5c] } : {}),
  };
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  const signature = await signer.sign(jwsSigningInput(protectedB64, payload));
  return { protected: protectedB64, signature: base64urlEncode(signature) };
}

/**
 * The JWS Signing Input, built as bytes: ASCII(BASE64URL(protected) "." BASE64URL(payload)) (RFC 7515 section
 * 5.1 step 8). Signer and verifier share it so that they can never disagree on what is signed.
 */
export function jwsSigningInput(protectedB64: string, payload: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(`${protectedB64}.`), base64urlEncodeToBytes(payload));
}
