// RSASSA-PSS in X.509 and CMS (RFC 4055): the parameters WebCrypto cannot see are checked before it verifies,
// and an id-RSASSA-PSS key is held to the hash and salt its own parameters name.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicJwkOf } from '../../src/x509/public-jwk.js';
import { verifySignature } from '../../src/x509/verify-signature.js';

const OID = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha1: '1.3.14.3.2.26', mgf1: '1.2.840.113549.1.1.8', pss: '1.2.840.113549.1.1.10', pkcs1: '1.2.840.113549.1.1.11' };
const DATA = new TextEncoder().encode('to be signed');

const hashId = (oid: string) => new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: new asn1js.Null() });
function pssParams({ hash = OID.sha256, mgfHash = hash, salt = 32, trailer }: { hash?: string; mgfHash?: string; salt?: number; trailer?: number } = {}): asn1js.Sequence {
  const fields: asn1js.AsnType[] = [
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [hashId(hash).toSchema()] }),
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: hashId(mgfHash).toSchema() }).toSchema()] }),
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Integer({ value: salt })] }),
  ];
  if (trailer !== undefined) fields.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 3 }, value: [new asn1js.Integer({ value: trailer })] }));
  // Through DER, as a certificate's parameters arrive.
  return asn1js.fromBER(new asn1js.Sequence({ value: fields }).toBER()).result as asn1js.Sequence;
}
const pss = (params: asn1js.AsnType) => new pkijs.AlgorithmIdentifier({ algorithmId: OID.pss, algorithmParams: params });

describe('verifySignature with RSASSA-PSS', () => {
  let rsaSpki: pkijs.PublicKeyInfo;
  let sig32: Uint8Array;
  let sig20: Uint8Array;
  const pssKey = (params?: asn1js.AsnType) => {
    const spki = new pkijs.PublicKeyInfo({ schema: rsaSpki.toSchema() });
    spki.algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.pss, ...(params !== undefined ? { algorithmParams: params } : {}) });
    return new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(spki.toSchema().toBER()).result });
  };

  beforeAll(async () => {
    const keys = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    rsaSpki = new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(await crypto.subtle.exportKey('spki', keys.publicKey)).result });
    sig32 = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, keys.privateKey, DATA));
    sig20 = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 20 }, keys.privateKey, DATA));
  });

  it('verifies with SHA-256, MGF1-SHA-256, the salt used, under an rsaEncryption or an unrestricted PSS key', async () => {
    expect(await verifySignature(rsaSpki, pss(pssParams()), sig32, DATA)).toBe(true);
    expect(await verifySignature(pssKey(), pss(pssParams()), sig32, DATA)).toBe(true);
    expect(await verifySignature(rsaSpki, pss(pssParams({ trailer: 1 })), sig32, DATA)).toBe(true);
    // The wrong salt length is a signature that does not verify.
    expect(await verifySignature(rsaSpki, pss(pssParams({ salt: 20 })), sig32, DATA)).toBe(false);
  });

  it.each([
    ['the SHA-1 defaults (no parameters given)', new asn1js.Sequence({ value: [] })],
    ['MGF1 with another hash than the signature', pssParams({ mgfHash: OID.sha384 })],
    ['SHA-1', pssParams({ hash: OID.sha1 })],
    ['a trailer field other than 1', pssParams({ trailer: 2 })],
    ['parameters that are not a SEQUENCE', new asn1js.Null()],
  ])('refuses %s as an unsupported algorithm', async (_, params) => {
    expect(await verifySignature(rsaSpki, pss(params), sig32, DATA)).toBe('unsupported-algorithm');
  });

  it('holds an id-RSASSA-PSS key to its own hash and minimum salt (RFC 4055 section 3.3)', async () => {
    expect(await verifySignature(pssKey(pssParams({ salt: 32 })), pss(pssParams({ salt: 32 })), sig32, DATA)).toBe(true);
    expect(await verifySignature(pssKey(pssParams({ salt: 20 })), pss(pssParams({ salt: 32 })), sig32, DATA)).toBe(true);
    expect(await verifySignature(pssKey(pssParams({ salt: 32 })), pss(pssParams({ salt: 20 })), sig20, DATA)).toBe('bad-key');
    expect(await verifySignature(pssKey(pssParams({ hash: OID.sha384 })), pss(pssParams()), sig32, DATA)).toBe('bad-key');
  });

  it('gives an id-RSASSA-PSS key as an RSA JWK, bound to the one JWS algorithm its parameters allow', async () => {
    const plain = await publicJwkOf(rsaSpki);
    expect(await publicJwkOf(pssKey())).toEqual(plain);
    expect(await publicJwkOf(pssKey(pssParams()))).toEqual({ ...plain, alg: 'PS256' });
    expect(await publicJwkOf(pssKey(pssParams({ hash: OID.sha384, salt: 48 })))).toEqual({ ...plain, alg: 'PS384' });
    // A minimum salt longer than the hash: no JWS algorithm can use the key.
    expect(await publicJwkOf(pssKey(pssParams({ salt: 40 })))).toBeUndefined();
    expect(await publicJwkOf(pssKey(pssParams({ hash: OID.sha1 })))).toBeUndefined();
  });

  it('never verifies a PKCS#1 v1.5 signature with an id-RSASSA-PSS key', async () => {
    expect(await verifySignature(pssKey(), new pkijs.AlgorithmIdentifier({ algorithmId: OID.pkcs1, algorithmParams: new asn1js.Null() }), sig32, DATA)).toBe('bad-key');
  });
});
