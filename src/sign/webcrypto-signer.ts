import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import type { Signer } from './signer.js';

/**
 * The signer over a WebCrypto private key whose algorithm, kid and public half the caller has checked: what the
 * JWK and CryptoKey signers both end with. Internal.
 */
export function webCryptoSigner(
  alg: SignatureAlgorithm,
  kid: string,
  publicKey: JsonWebKey,
  privateKey: CryptoKey,
  x5c: readonly string[] | undefined,
): Signer {
  const params = SIGNATURE_ALGORITHMS[alg].webCrypto;
  return {
    alg,
    kid,
    publicKey,
    ...(x5c !== undefined ? { x5c: [...x5c] } : {}),
    async sign(signingInput: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await crypto.subtle.sign(params, privateKey, signingInput as Uint8Array<ArrayBuffer>));
    },
  };
}
