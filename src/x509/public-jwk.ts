import * as pkijs from 'pkijs';
import { namedCurve, rsaSpki } from './verify-signature.js';

/**
 * The public key of a certificate as a bare JWK (RFC 7517): EC P-256/P-384/P-521, Ed25519, or RSA (rsaEncryption or
 * id-RSASSA-PSS). Only the
 * key members are kept: `alg`, `key_ops` and `ext` that WebCrypto adds would bind the key to the algorithm
 * used for the import, not to the one the signer chose. Undefined for any other key type.
 * @example
 * const jwk = await publicJwkOf(cert.subjectPublicKeyInfo); // { kty: 'EC', crv: 'P-256', x, y }
 */
export async function publicJwkOf(spki: pkijs.PublicKeyInfo): Promise<JsonWebKey | undefined> {
  const oid = spki.algorithm.algorithmId;
  // An id-RSASSA-PSS key (RFC 4055) is an RSA key whose use is restricted to PSS: its JWK is the same n and e.
  const raw = rsaSpki(spki, new Uint8Array(spki.toSchema().toBER()));
  let params: EcKeyImportParams | RsaHashedImportParams | Algorithm;
  if (oid === '1.2.840.10045.2.1') {
    const curve = namedCurve(spki);
    if (curve === undefined) return undefined;
    params = { name: 'ECDSA', namedCurve: curve.name };
  } else if (oid === '1.3.101.112') {
    params = { name: 'Ed25519' };
  } else if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
    params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else {
    return undefined;
  }
  try {
    const key = await globalThis.crypto.subtle.importKey('spki', raw, params, true, ['verify']);
    const { kty, crv, x, y, n, e } = await globalThis.crypto.subtle.exportKey('jwk', key);
    return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JsonWebKey;
  } catch {
    return undefined;
  }
}
