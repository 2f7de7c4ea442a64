import { EvidenceBundleError } from '../errors.js';
import { base64urlDecodeStrict, base64urlEncode } from '../internal/bytes.js';
import { MIN_RSA_MODULUS_BITS, type SignatureAlgorithm } from './algorithms.js';
import { verifyDetached } from './verify-detached.js';

/** Fixed signature lengths in bytes (RFC 8037 section 3.1, RFC 7518 section 3.4); PS256 is the modulus length. */
const SIGNATURE_BYTES: Partial<Record<SignatureAlgorithm, number>> = { EdDSA: 64, ES256: 64, ES384: 96 };
/** Largest RSA modulus a signature may be as long as, without the public key to say its real length. */
const MAX_RSA_SIGNATURE_BYTES = 16384 / 8;

/**
 * Refuses a signature a verifier would reject, before anything is written (internal): the form `alg` requires,
 * and, when the signer's public key is known, the signature verified over the exact signing input with the
 * verifier's own code ({@link verifyDetached}), so a Signer that returns DER or signs with another key fails
 * here, not at the receiver.
 * @throws EvidenceBundleError `ERR_SIGNER_OUTPUT`
 */
export async function checkNewSignature(
  signature: unknown,
  alg: SignatureAlgorithm,
  jws: { protected: string; payload: Uint8Array },
  publicKey: JsonWebKey | undefined,
): Promise<Uint8Array> {
  const fail = (why: string): never => {
    throw new EvidenceBundleError('ERR_SIGNER_OUTPUT', `the signer returned ${why}`);
  };
  if (!(signature instanceof Uint8Array)) return fail('something other than a Uint8Array');
  const expected = SIGNATURE_BYTES[alg] ?? rsaSignatureBytes(publicKey);
  if (typeof expected === 'number' ? signature.length !== expected : signature.length < expected.min || signature.length > expected.max) {
    const want = typeof expected === 'number' ? `${expected}` : `${expected.min} to ${expected.max}`;
    // The usual cause: a KMS or HSM that returns ECDSA as DER, which derToJoseSignature converts.
    const hint = (alg === 'ES256' || alg === 'ES384') && signature[0] === 0x30 ? ' (it looks like DER: convert it with derToJoseSignature)' : '';
    fail(`a ${signature.length}-byte ${alg} signature, not ${want} bytes${hint}`);
  }
  if (publicKey !== undefined) {
    const check = await verifyDetached(jws.payload, { protected: jws.protected, signature: base64urlEncode(signature) }, { trustedKeys: [publicKey], algorithms: [alg] });
    if (check.status !== 'valid') fail(`a ${alg} signature that does not verify with its public key (${check.findings[0]?.code ?? check.status})`);
  }
  return signature;
}

function rsaSignatureBytes(publicKey: JsonWebKey | undefined): number | { min: number; max: number } {
  if (typeof publicKey?.n === 'string') {
    try {
      const n = base64urlDecodeStrict(publicKey.n);
      let start = 0;
      while (start < n.length - 1 && n[start] === 0) start++;
      return n.length - start;
    } catch {
      // An unreadable modulus is the verifier's to report below; the length is then only bounded.
    }
  }
  return { min: MIN_RSA_MODULUS_BITS / 8, max: MAX_RSA_SIGNATURE_BYTES };
}
