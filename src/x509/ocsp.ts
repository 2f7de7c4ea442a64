import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { constantTimeEqual } from '../internal/bytes.js';
import { MAX_REVOCATION_DATA_BYTES, type RevocationStatus } from './crl.js';
import { decodeDer, sameName } from './der.js';
import { extendedKeyUsageOf } from './usage.js';
import { verifySignature } from './verify-signature.js';

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Most certificates an OCSP response may carry to name its responder (bounded resources). */
const MAX_RESPONSE_CERTS = 8;
// Hashes a CertID may use to name the issuer (RFC 6960 section 4.1.1). SHA-1 only identifies here, it secures
// nothing: the response's signature does.
const CERT_ID_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** A parsed, successful OCSP response (RFC 6960 section 4.2.1) with the DER it arrived as. */
export interface ParsedOcspResponse {
  readonly der: Uint8Array;
  readonly basic: pkijs.BasicOCSPResponse;
}

/**
 * Parses one DER OCSPResponse; undefined when it is not strict DER of at most {@link MAX_REVOCATION_DATA_BYTES},
 * not `successful`, or not an id-pkix-ocsp-basic response. An unsuccessful response (tryLater, unauthorized...)
 * is undefined too: it says nothing about any certificate. Never throws.
 * @example
 * const response = parseOcspResponse(der); if (response === undefined) report('malformed');
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse | undefined {
  if (der.length === 0 || der.length > MAX_REVOCATION_DATA_BYTES) return undefined;
  const asn1 = decodeDer(der);
  if (asn1 === undefined) return undefined;
  try {
    const response = new pkijs.OCSPResponse({ schema: asn1 });
    if (response.responseStatus.valueBlock.valueDec !== 0 || response.responseBytes === undefined) return undefined;
    if (response.responseBytes.responseType !== ID_PKIX_OCSP_BASIC) return undefined;
    const inner = decodeDer(response.responseBytes.response.valueBlock.valueHexView);
    if (inner === undefined) return undefined;
    const basic = new pkijs.BasicOCSPResponse({ schema: inner });
    if ((basic.certs?.length ?? 0) > MAX_RESPONSE_CERTS) return undefined;
    return { der, basic };
  } catch {
    return undefined;
  }
}

/**
 * What an OCSP response says about `cert`, issued by `issuer` (RFC 6960): a SingleResponse whose CertID names
 * the certificate (issuer name and key hashes, serial number), signed by an authorised responder (section
 * 4.2.2.2: the issuer itself, or a certificate the issuer issued with id-kp-OCSPSigning, valid when the response
 * was produced). A nonce is not required: the data is judged by its time window, which is returned, not judged.
 * Never throws.
 * @example
 * const verdict = await ocspStatus(response, leaf, intermediate);
 */
export async function ocspStatus(parsed: ParsedOcspResponse, cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<RevocationStatus> {
  try {
    const { basic } = parsed;
    const data = basic.tbsResponseData;
    let single: pkijs.SingleResponse | undefined;
    for (const candidate of data.responses) {
      if (await namesCertificate(candidate.certID, cert, issuer)) {
        single = candidate;
        break;
      }
    }
    if (single === undefined) return { status: 'not-applicable' };
    const signer = await authorisedResponder(basic, issuer, data.producedAt);
    if (typeof signer === 'string') return { status: 'unusable', reason: signer };
    if (basic.signature.valueBlock.unusedBits !== 0) return { status: 'unusable', reason: 'the OCSP signature value has unused bits' };
    const check = await verifySignature(signer.subjectPublicKeyInfo, basic.signatureAlgorithm, basic.signature.valueBlock.valueHexView, data.tbsView);
    if (check !== true) return { status: 'unusable', reason: 'the OCSP response signature does not verify with the responder\'s key' };
    const critical = (data.responseExtensions ?? []).find((e) => e.critical);
    if (critical !== undefined) return { status: 'unusable', reason: `the OCSP response has a critical extension ${critical.extnID} this verifier does not process` };
    const window = { thisUpdate: single.thisUpdate, ...(single.nextUpdate !== undefined ? { nextUpdate: single.nextUpdate } : {}) };
    const status = single.certStatus as asn1js.BaseBlock;
    const tag = status.idBlock.tagClass === 3 ? status.idBlock.tagNumber : -1;
    if (tag === 0) return { status: 'good', ...window };
    if (tag === 2) return { status: 'unknown', ...window };
    if (tag === 1 && status instanceof asn1js.Constructed) {
      const time = status.valueBlock.value[0];
      if (time instanceof asn1js.GeneralizedTime) return { status: 'revoked', revokedAt: time.toDate(), ...window };
    }
    return { status: 'unusable', reason: 'the OCSP certStatus is not good, revoked or unknown' };
  } catch (cause) {
    return { status: 'unusable', reason: `the OCSP response cannot be processed: ${String(cause)}` };
  }
}

async function namesCertificate(id: pkijs.CertID, cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  const hash = CERT_ID_HASHES[id.hashAlgorithm.algorithmId];
  if (hash === undefined) return false;
  if (!constantTimeEqual(id.serialNumber.valueBlock.valueHexView, cert.serialNumber.valueBlock.valueHexView)) return false;
  if (!sameName(cert.issuer, issuer.subject)) return false;
  const nameHash = await digest(hash, new Uint8Array(issuer.subject.toSchema().toBER()));
  const keyHash = await digest(hash, issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  return constantTimeEqual(id.issuerNameHash.valueBlock.valueHexView, nameHash) && constantTimeEqual(id.issuerKeyHash.valueBlock.valueHexView, keyHash);
}

/** The certificate whose key must have signed the response, or why there is none. */
async function authorisedResponder(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, producedAt: Date): Promise<pkijs.Certificate | string> {
  const id = basic.tbsResponseData.responderID as unknown;
  const named = async (c: pkijs.Certificate) =>
    id instanceof pkijs.RelativeDistinguishedNames
      ? sameName(id, c.subject)
      : id instanceof asn1js.OctetString &&
        constantTimeEqual(id.valueBlock.valueHexView, await digest('SHA-1', c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  if (await named(issuer)) return issuer;
  for (const candidate of basic.certs ?? []) {
    if (!(await named(candidate))) continue;
    // A delegated responder speaks for the CA that issued its certificate, and for that CA only.
    if (!sameName(candidate.issuer, issuer.subject)) return 'the OCSP responder\'s certificate was not issued by the certificate\'s issuer';
    const signed = await verifySignature(issuer.subjectPublicKeyInfo, candidate.signatureAlgorithm, candidate.signatureValue.valueBlock.valueHexView, new Uint8Array(candidate.tbsView));
    if (signed !== true || candidate.signature.algorithmId !== candidate.signatureAlgorithm.algorithmId) {
      return 'the OCSP responder\'s certificate is not signed by the certificate\'s issuer';
    }
    if (!(extendedKeyUsageOf(candidate)?.purposes ?? []).includes(ID_KP_OCSP_SIGNING)) {
      return 'the OCSP responder\'s certificate lacks id-kp-OCSPSigning: the CA did not delegate OCSP to it';
    }
    const t = producedAt.getTime();
    if (t < candidate.notBefore.value.getTime() || t > candidate.notAfter.value.getTime()) {
      return 'the OCSP responder\'s certificate was not valid when the response was produced';
    }
    return candidate;
  }
  return 'the OCSP response is signed by neither the certificate\'s issuer nor a responder it authorised';
}

async function digest(name: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, new Uint8Array(data)));
}
