/**
 * The signature algorithms of evidence-bundle, one table for bundle signatures and custody events alike
 * (docs/format.md, "Signatures"). Nothing outside it is ever accepted: no `none`, no HMAC (a shared secret
 * proves nothing to a third country), no RSA PKCS#1 v1.5, no curve outside P-256 / P-384 / Ed25519.
 */
export const SIGNATURE_ALGORITHMS = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', webCrypto: { name: 'Ed25519' } },
  ES256: { kty: 'EC', crv: 'P-256', webCrypto: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { kty: 'EC', crv: 'P-384', webCrypto: { name: 'ECDSA', hash: 'SHA-384' } },
  // RFC 7518 section 3.5: the salt is as long as the hash output.
  PS256: { kty: 'RSA', webCrypto: { name: 'RSA-PSS', saltLength: 32 } },
} as const satisfies Record<string, AlgorithmEntry>;

/** A JWS `alg` of the table. */
export type SignatureAlgorithm = keyof typeof SIGNATURE_ALGORITHMS;

/** What the table says about one algorithm: the key type (and curve) it needs, its WebCrypto parameters. */
export interface AlgorithmEntry {
  kty: 'OKP' | 'EC' | 'RSA';
  crv?: string;
  webCrypto: { name: string; hash?: string; saltLength?: number };
}

// One floor for signing and verifying, kept by the X.509 primitive: the lowest layer that enforces it.
export { MIN_RSA_MODULUS_BITS } from '../x509/rsa-key-size.js';

/** True for an `alg` of the table; `Object.hasOwn` so that `toString` or `__proto__` never match. */
export function isSignatureAlgorithm(alg: unknown): alg is SignatureAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(SIGNATURE_ALGORITHMS, alg);
}

/** The table's algorithm for a key, from its own `alg` or else from its type and curve (RSA keys sign PS256). */
export function algorithmForKey(jwk: JsonWebKey): SignatureAlgorithm | undefined {
  if (jwk.alg !== undefined) return isSignatureAlgorithm(jwk.alg) ? jwk.alg : undefined;
  for (const [alg, entry] of Object.entries(SIGNATURE_ALGORITHMS) as Array<[SignatureAlgorithm, AlgorithmEntry]>) {
    if (entry.kty === jwk.kty && (entry.crv === undefined || entry.crv === jwk.crv)) return alg;
  }
  return undefined;
}
