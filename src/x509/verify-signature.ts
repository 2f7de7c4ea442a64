import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ecdsaSignatureToRaw } from './der.js';
import { MIN_RSA_MODULUS_BITS } from './rsa-key-size.js';

/** A WebCrypto digest name accepted in signatures and imprints. */
export type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * Hash algorithms accepted in signatures and imprints, by OID (RFC 5754), with their WebCrypto names; SHA-1 and
 * MD5 are refused (RFC 9155 spirit). The one table of hash OIDs for the X.509 and RFC 3161 code.
 * @example
 * HASH_BY_OID['2.16.840.1.101.3.4.2.1']; // 'SHA-256'
 */
export const HASH_BY_OID: Readonly<Record<string, Hash>> = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/**
 * The hash an AlgorithmIdentifier names, when it is in {@link HASH_BY_OID} and its parameters are absent or
 * NULL (RFC 5754 section 2 allows both); undefined otherwise, so no other parameter can ride along unnoticed.
 * @example
 * hashOf(tstInfo.messageImprint.hashAlgorithm); // 'SHA-256'
 */
export function hashOf(algorithm: pkijs.AlgorithmIdentifier): Hash | undefined {
  const params = algorithm.algorithmParams as unknown;
  if (!noParams(params) && !(params instanceof asn1js.Null)) return undefined;
  return HASH_BY_OID[algorithm.algorithmId];
}

// pkijs leaves absent parameters undefined, or as its schema placeholder Any.
function noParams(params: unknown): boolean {
  return params === undefined || params instanceof asn1js.Any;
}

const ECDSA: Readonly<Record<string, Hash>> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};
const RSA_PKCS1: Readonly<Record<string, Hash>> = {
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const ED25519 = '1.3.101.112';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** Why a signature could not be checked (`unsupported-algorithm`, `bad-key`), or `true` / `false` for one that was. */
export type SignatureCheck = boolean | 'unsupported-algorithm' | 'bad-key';

/**
 * Verifies `signature` over `data` with the key of `spki`, under the X.509/CMS `algorithm`
 * (RFC 5758 ECDSA, RFC 8017 PKCS#1 v1.5 and PSS, RFC 8410 Ed25519); `digestOid` names the hash when the
 * algorithm is plain rsaEncryption or id-ecPublicKey (CMS SignerInfo, RFC 5652 section 5.3). Only the
 * algorithms of the tables above are accepted: SHA-1, MD5 and RSA keys under 2048 bits never verify.
 * Never throws: a key or signature WebCrypto refuses is `false`, an algorithm outside the tables
 * `unsupported-algorithm`, a key of the wrong type or size `bad-key`.
 * @example
 * const ok = await verifySignature(issuer.subjectPublicKeyInfo, cert.signatureAlgorithm, sigBytes, cert.tbsView);
 * if (ok !== true) reject();
 */
export async function verifySignature(
  spki: pkijs.PublicKeyInfo,
  algorithm: pkijs.AlgorithmIdentifier,
  signature: Uint8Array,
  data: Uint8Array,
  digestOid?: string,
): Promise<SignatureCheck> {
  try {
    const keyOid = spki.algorithm.algorithmId;
    const sigOid = algorithm.algorithmId;
    const raw: Uint8Array<ArrayBuffer> = new Uint8Array(spki.toSchema().toBER());
    const subtle = globalThis.crypto.subtle;
    const sig = new Uint8Array(signature);
    const bytes = new Uint8Array(data);
    // ECDSA and Ed25519 identifiers take no parameters (RFC 5758 section 3.2, RFC 8410 section 3).
    const plain = noParams(algorithm.algorithmParams);
    if (sigOid === ED25519) {
      if (!plain) return 'unsupported-algorithm';
      if (keyOid !== ED25519) return 'bad-key';
      const key = await subtle.importKey('spki', raw, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, key, sig, bytes);
    }
    // CMS signers may name the key type (id-ecPublicKey) instead of ecdsa-with-SHAxxx: the digest algorithm of
    // the SignerInfo then gives the hash (RFC 5753 section 2.1.1 allows both).
    const ecHash = ECDSA[sigOid] ?? (sigOid === EC_PUBLIC_KEY ? HASH_BY_OID[digestOid ?? ''] : undefined);
    if (ecHash !== undefined) {
      if (!plain) return 'unsupported-algorithm';
      const curve = keyOid === EC_PUBLIC_KEY ? namedCurve(spki) : undefined;
      if (curve === undefined) return 'bad-key';
      const key = await subtle.importKey('spki', raw, { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']);
      // Strict DER (ECDSA-Sig-Value, RFC 5480 section 2.2): a loosely encoded signature is not the one signed.
      const rs = ecdsaSignatureToRaw(sig, curve.size);
      if (rs === undefined) return false;
      return await subtle.verify({ name: 'ECDSA', hash: ecHash }, key, rs, bytes);
    }
    const rsaHash = RSA_PKCS1[sigOid] ?? (sigOid === RSA_ENCRYPTION ? HASH_BY_OID[digestOid ?? ''] : undefined);
    if (rsaHash !== undefined) {
      if (!plain && !(algorithm.algorithmParams instanceof asn1js.Null)) return 'unsupported-algorithm';
      if (keyOid !== RSA_ENCRYPTION) return 'bad-key';
      const key = await subtle.importKey('spki', raw, { name: 'RSASSA-PKCS1-v1_5', hash: rsaHash }, false, ['verify']);
      if (!bigEnough(key)) return 'bad-key';
      return await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, sig, bytes);
    }
    if (sigOid === RSA_PSS) {
      if (keyOid !== RSA_ENCRYPTION && keyOid !== RSA_PSS) return 'bad-key';
      const params = pssParams(algorithm.algorithmParams);
      if (params === undefined) return 'unsupported-algorithm';
      // An id-RSASSA-PSS key with parameters may only make signatures with that hash and at least that salt
      // (RFC 4055 section 3.3); without parameters it may make any PSS signature.
      if (keyOid === RSA_PSS && !noParams(spki.algorithm.algorithmParams)) {
        const bound = pssParams(spki.algorithm.algorithmParams);
        if (bound === undefined || bound.hash !== params.hash || params.saltLength < bound.saltLength) return 'bad-key';
      }
      const key = await subtle.importKey('spki', rsaSpki(spki, raw), { name: 'RSA-PSS', hash: params.hash }, false, ['verify']);
      if (!bigEnough(key)) return 'bad-key';
      return await subtle.verify({ name: 'RSA-PSS', saltLength: params.saltLength }, key, sig, bytes);
    }
    return 'unsupported-algorithm';
  } catch {
    // A key WebCrypto refuses, a signature that does not parse: nothing verified.
    return false;
  }
}

/**
 * The named curve of an EC SubjectPublicKeyInfo (RFC 5480 section 2.1.1) with its coordinate size in bytes, when
 * it is P-256, P-384 or P-521 (explicit curve parameters are not supported, as RFC 5480 forbids them).
 * @example
 * namedCurve(cert.subjectPublicKeyInfo); // { name: 'P-256', size: 32 }
 */
export function namedCurve(spki: pkijs.PublicKeyInfo): { name: string; size: number } | undefined {
  const params = spki.algorithm.algorithmParams as unknown;
  if (!(params instanceof asn1js.ObjectIdentifier)) return undefined;
  const oid = params.valueBlock.toString();
  return Object.hasOwn(CURVES, oid) ? CURVES[oid] : undefined;
}

function bigEnough(key: CryptoKey): boolean {
  return ((key.algorithm as RsaHashedKeyAlgorithm).modulusLength ?? 0) >= MIN_RSA_MODULUS_BITS;
}

const MGF1 = '1.2.840.113549.1.1.8';

/**
 * RSASSA-PSS-params (RFC 4055 section 3.1) that WebCrypto can check: an accepted hash, MGF1 with that same hash,
 * the trailer field 1 (the only one defined); undefined for anything else, the SHA-1 defaults pkijs fills in
 * for absent fields included. Never throws.
 * @example
 * pssParams(spki.algorithm.algorithmParams); // { hash: 'SHA-256', saltLength: 32 }
 */
export function pssParams(schema: unknown): { hash: Hash; saltLength: number } | undefined {
  if (!(schema instanceof asn1js.Sequence)) return undefined;
  let params: pkijs.RSASSAPSSParams;
  try {
    params = new pkijs.RSASSAPSSParams({ schema });
  } catch {
    return undefined;
  }
  const hash = HASH_BY_OID[params.hashAlgorithm.algorithmId];
  const mgf = params.maskGenAlgorithm;
  const mgfHash = mgf.algorithmParams instanceof asn1js.Sequence ? new pkijs.AlgorithmIdentifier({ schema: mgf.algorithmParams }).algorithmId : undefined;
  if (hash === undefined || mgf.algorithmId !== MGF1 || HASH_BY_OID[mgfHash ?? ''] !== hash || params.trailerField !== 1) return undefined;
  if (!Number.isSafeInteger(params.saltLength) || params.saltLength < 0) return undefined;
  return { hash, saltLength: params.saltLength };
}

/**
 * An RSA SubjectPublicKeyInfo as WebCrypto imports it (rsaEncryption): an id-RSASSA-PSS key (RFC 4055 section
 * 1.2) is rewritten to that identifier, the key itself unchanged; any other SPKI is returned as it is.
 * @example
 * await crypto.subtle.importKey('spki', rsaSpki(spki, raw), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
 */
export function rsaSpki(spki: pkijs.PublicKeyInfo, raw: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (spki.algorithm.algorithmId !== RSA_PSS) return raw;
  const copy = new pkijs.PublicKeyInfo({ schema: spki.toSchema() });
  copy.algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: RSA_ENCRYPTION, algorithmParams: new asn1js.Null() });
  return new Uint8Array(copy.toSchema().toBER());
}
