import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { namedCurve, pssParams, rsaSpki } from './verify-signature.js';

/**
 * The public key of a certificate as a bare JWK (RFC 7517): EC P-256/P-384/P-521, Ed25519, or RSA (rsaEncryption or
 * id-RSASSA-PSS; a PSS key whose parameters restrict it carries the one `alg` it may make, PS256/384/512, and
 * one that no JWS algorithm fits is undefined). Only the
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
  // An id-RSASSA-PSS key with parameters may make signatures with their hash only, and a salt no shorter than
  // theirs (RFC 4055 section 3.3): as a JWK it is bound to the one JWS algorithm that meets both (RFC 7518
  // section 3.5: PSxxx salts with the hash length), or it is no signing key at all.
  let alg: string | undefined;
  if (oid === '1.2.840.113549.1.1.10' && spki.algorithm.algorithmParams instanceof asn1js.Sequence) {
    const bound = pssParams(spki.algorithm.algorithmParams);
    const size = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;
    if (bound === undefined || bound.saltLength > size[bound.hash]) return undefined;
    alg = `PS${bound.hash.slice(4)}`;
  }
  try {
    const key = await globalThis.crypto.subtle.importKey('spki', raw, params, true, ['verify']);
    const { kty, crv, x, y, n, e } = await globalThis.crypto.subtle.exportKey('jwk', key);
    return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, alg }).filter(([, v]) => v !== undefined)) as JsonWebKey;
  } catch {
    return undefined;
  }
}
