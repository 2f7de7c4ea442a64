import type { SignatureAlgorithm } from './algorithms.js';
import type { derToJoseSignature } from './der-to-jose.js';

/**
 * Whatever makes signatures: a local JWK ({@link createJwkSigner}), a WebCrypto key (`createCryptoKeySigner`),
 * a key in an HSM or smart card (`createPkcs11Signer` of `evidence-bundle/node`), or a key that never leaves a
 * cloud KMS (examples/kms-signer.ts). evidence-bundle builds the JWS Signing Input and hands it to `sign`; the
 * key is never asked for.
 * @example
 * const kms: Signer = {
 *   alg: 'ES256',
 *   kid: thumbprintOfThePublicKey, // RFC 7638, base64url
 *   publicKey: publicJwkOfTheKmsKey, // optional: every signature is then verified before it is used
 *   sign: async (input) => derToJoseSignature(await derSignatureFromKms(input), 'ES256'), // r || s, 64 bytes
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
   * The public JWK of the key, whose RFC 7638 thumbprint must be `kid`. When given, every signature the signer
   * returns is verified with it before it is written, so a wrong key or a wrong encoding is refused at once
   * ({@link createJwkSigner} fills it in). Without it, only the length of a signature is checked.
   */
  readonly publicKey?: JsonWebKey;
  /**
   * Signs the JWS Signing Input and returns the JWS signature value: Ed25519 64 bytes, ECDSA `r || s` (RFC 7518
   * section 3.4, not DER: convert a KMS's DER with {@link derToJoseSignature}), RSASSA-PSS with SHA-256, MGF1 and
   * a 32-byte salt.
   */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}
