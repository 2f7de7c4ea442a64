import { base64urlDecodeStrict } from '../internal/bytes.js';
import { MIN_RSA_MODULUS_BITS, SIGNATURE_ALGORITHMS, type AlgorithmEntry, type SignatureAlgorithm } from './algorithms.js';

/** Why a key may not be used as asked; `too-small` and `not-allowed` are separate finding codes. */
export interface KeyProblem {
  kind: 'not-allowed' | 'too-small';
  message: string;
}

/**
 * Checks that a JWK may make or verify `alg` signatures: its type and curve fit the algorithm, its own `alg`,
 * `use` and `key_ops` (RFC 7517 section 4) allow the operation, and an RSA modulus has at least 2048 bits.
 * WebCrypto and jose ignore `use` and most of `key_ops` when importing a JWK, so this is where they are enforced.
 * @returns the first problem, or undefined when the key may be used
 */
export function checkKeyFor(jwk: JsonWebKey, alg: SignatureAlgorithm, operation: 'sign' | 'verify'): KeyProblem | undefined {
  const entry: AlgorithmEntry = SIGNATURE_ALGORITHMS[alg];
  const notAllowed = (message: string): KeyProblem => ({ kind: 'not-allowed', message });
  if (jwk.kty !== entry.kty || (entry.crv !== undefined && jwk.crv !== entry.crv)) {
    return notAllowed(`a ${describeKey(jwk)} key cannot make ${alg} signatures (${alg} needs ${entry.kty}${entry.crv !== undefined ? ` ${entry.crv}` : ''})`);
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) return notAllowed(`the key is restricted to alg ${jwk.alg}, not ${alg}`);
  if (jwk.use !== undefined && jwk.use !== 'sig') return notAllowed(`the key's use is "${jwk.use}", not "sig"`);
  if (jwk.key_ops !== undefined && (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes(operation))) {
    return notAllowed(`the key's key_ops do not include "${operation}"`);
  }
  if (entry.kty === 'RSA') {
    const bits = modulusBits(jwk.n);
    if (bits === undefined) return notAllowed('the RSA key has no readable modulus');
    if (bits < MIN_RSA_MODULUS_BITS) {
      return { kind: 'too-small', message: `the RSA modulus has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} are required` };
    }
  }
  return undefined;
}

/** A key's type and curve for messages: `EC P-256`, `RSA`, `untyped`. */
export function describeKey(jwk: JsonWebKey): string {
  return [jwk.kty ?? 'untyped', jwk.crv].filter((s) => s !== undefined).join(' ');
}

// Bits of a big-endian unsigned integer, leading zero bits not counted.
function modulusBits(n: unknown): number | undefined {
  if (typeof n !== 'string') return undefined;
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecodeStrict(n);
  } catch {
    return undefined;
  }
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i]!) + 24;
}
