import type { SignatureAlgorithm } from './algorithms.js';

/**
 * Whatever makes signatures: a local JWK ({@link createJwkSigner}), or a key that never leaves an HSM or a cloud
 * KMS. evidence-bundle builds the JWS Signing Input and hands it to `sign`; the key is never asked for.
 * @example
 * const kms: Signer = {
 *   alg: 'ES256',
 *   kid: thumbprintOfThePublicKey, // RFC 7638, base64url
 *   sign: async (input) => p1363SignatureFromKms(input), // r || s, 64 bytes for ES256
 * };
 */
export interface Signer {
  /** The JWS algorithm, from the table {@link SIGNATURE_ALGORITHMS}. */
  readonly alg: SignatureAlgorithm;
  /** RFC 7638 SHA-256 thumbprint of the public key, base64url: the `kid` verifiers look the key up by. */
  readonly kid: string;
  /** Certificate chain of the key (base64 DER, leaf first), put in the protected header as `x5c`. */
  readonly x5c?: readonly string[];
  /**
   * Signs the JWS Signing Input and returns the JWS signature value: Ed25519 64 bytes, ECDSA `r || s` (RFC 7518
   * section 3.4, not DER), RSASSA-PSS with SHA-256, MGF1 and a 32-byte salt.
   */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}
