// A Signer over a key held by a cloud KMS (AWS KMS, Google Cloud KMS, Azure Key Vault all work this way): the
// library builds the JWS Signing Input, the KMS signs its digest, and the private key never leaves the KMS.
// Type-checked in CI (npm run typecheck) and run against a fake KMS client in tests/examples/kms-signer.test.ts.
// In your own project, import from 'evidence-bundle' instead of '../src/index.js'.
import { calculateJwkThumbprint } from 'jose';
import { derToJoseSignature, EvidenceBundleError, type Signer } from '../src/index.js';

/**
 * The two calls a KMS client makes, in the shape most KMS APIs have: the public key as DER SubjectPublicKeyInfo,
 * and an ECDSA signature over a digest, returned as DER (X9.62), as AWS `Sign` with `MessageType: 'DIGEST'`,
 * Google `asymmetricSign` with `digest` and Azure `sign` with `ES256` over a digest do. Wrap your SDK in this.
 */
export interface KmsClient {
  getPublicKey(keyId: string): Promise<Uint8Array>;
  signDigest(keyId: string, digest: Uint8Array, algorithm: 'ECDSA_SHA_256' | 'ECDSA_SHA_384'): Promise<Uint8Array>;
}

const CURVES = {
  ES256: { namedCurve: 'P-256', hash: 'SHA-256', kms: 'ECDSA_SHA_256' },
  ES384: { namedCurve: 'P-384', hash: 'SHA-384', kms: 'ECDSA_SHA_384' },
} as const;

/**
 * A {@link Signer} for an ECDSA key in a KMS. The public key is fetched once: `kid` is its RFC 7638 thumbprint
 * and, given as `publicKey`, it makes the library verify every signature before writing it, so a KMS that
 * returns another key's signature, or DER not converted, is caught at once (`ERR_SIGNER_OUTPUT`).
 * @throws EvidenceBundleError `ERR_KEY_INVALID` when the KMS key is not an EC key on the curve of `alg`
 * @example
 * const signer = await createKmsSigner(myKmsClient, 'arn:aws:kms:eu-west-1:111122223333:key/1234', 'ES256');
 * await signBundleDirectory('out/case-42', { signer, role: 'certifier' });
 */
export async function createKmsSigner(client: KmsClient, keyId: string, alg: 'ES256' | 'ES384' = 'ES256'): Promise<Signer> {
  const curve = CURVES[alg];
  let publicKey: JsonWebKey;
  try {
    const spki = await client.getPublicKey(keyId);
    const key = await crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, { name: 'ECDSA', namedCurve: curve.namedCurve }, true, ['verify']);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key);
    publicKey = { kty, crv, x, y } as JsonWebKey;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', `the KMS key ${keyId} is not an EC ${curve.namedCurve} public key`, { cause });
  }
  return {
    alg,
    kid: await calculateJwkThumbprint(publicKey as Parameters<typeof calculateJwkThumbprint>[0], 'sha256'),
    publicKey,
    async sign(signingInput) {
      const digest = new Uint8Array(await crypto.subtle.digest(curve.hash, signingInput as Uint8Array<ArrayBuffer>));
      // KMSs return ECDSA as DER; a JWS carries the fixed-length r || s (RFC 7518 section 3.4).
      return derToJoseSignature(await client.signDigest(keyId, digest, curve.kms), alg);
    },
  };
}
