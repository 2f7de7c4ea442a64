import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { constantTimeEqual } from '../internal/bytes.js';
import { decodeDer, sameName, type DerCertificate } from '../x509/der.js';
import { hashOf } from '../x509/verify-signature.js';

/** Largest TimeStampToken accepted (bounded resources): a token with a three-level chain is a few KiB. */
import { MAX_TIMESTAMP_TOKEN_BYTES } from './token-limit.js';

export { MAX_TIMESTAMP_TOKEN_BYTES };

/** Object identifiers of RFC 3161 and CMS (RFC 5652, RFC 2634, RFC 5035). */
export const TIMESTAMP_OIDS = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

/** A certificate carried in the token, or a trust anchor that may be the TSA certificate itself. */
export type TokenCertificate = DerCertificate;

/** The parts of a TimeStampToken (RFC 3161 section 2.4.2) that verification and the client look at. */
export interface ParsedTimestampToken {
  signedData: pkijs.SignedData;
  /** The one SignerInfo: RFC 3161 allows no signature but the TSA's. */
  signerInfo: pkijs.SignerInfo;
  tstInfo: pkijs.TSTInfo;
  /** The eContent octets as received: the messageDigest attribute covers these, not a re-encoding. */
  tstInfoBytes: Uint8Array;
  /** The X.509 certificates of the SignedData (other certificate formats are ignored). */
  certificates: TokenCertificate[];
}

/**
 * Parses a DER TimeStampToken (a CMS ContentInfo holding SignedData over a TSTInfo, RFC 3161 section 2.4.2)
 * with pkijs, checking its structure only: nothing is verified. Returns why it is malformed as a string
 * rather than throwing, because the bytes come from a bundle or a TSA and are hostile until verified.
 * @example
 * const parsed = parseTimestampToken(der);
 * if (typeof parsed === 'string') return { status: 'malformed', reason: parsed };
 */
export function parseTimestampToken(der: Uint8Array): ParsedTimestampToken | string {
  if (!(der instanceof Uint8Array) || der.length === 0) return 'the token is empty';
  if (der.length > MAX_TIMESTAMP_TOKEN_BYTES) return `the token exceeds ${MAX_TIMESTAMP_TOKEN_BYTES} bytes`;
  const asn1 = decodeDer(der);
  if (asn1 === undefined) return 'the token is not one DER value';
  let contentInfo: pkijs.ContentInfo;
  let signedData: pkijs.SignedData;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: asn1 });
    if (contentInfo.contentType !== TIMESTAMP_OIDS.signedData) return `the token is a CMS ${contentInfo.contentType}, not SignedData`;
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    return 'the token is not a CMS SignedData';
  }
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== TIMESTAMP_OIDS.tstInfo) return `the token encapsulates ${encap.eContentType}, not a TSTInfo`;
  const eContent = encap.eContent as asn1js.OctetString | undefined;
  // DER requires a primitive OCTET STRING; a constructed one would let the digested bytes differ from the parsed ones.
  if (!(eContent instanceof asn1js.OctetString) || eContent.idBlock.isConstructed) return 'the token has no DER TSTInfo content';
  if (signedData.signerInfos.length !== 1) return `the token has ${signedData.signerInfos.length} signers, not the TSA alone`;
  // Fields outside the signature still must say what RFC 5652 requires of a TSTInfo signed by one signer, so
  // that no byte of a token can change without the verdict changing.
  const signerInfo = signedData.signerInfos[0]!;
  if (signedData.version !== 3) return `SignedData version ${signedData.version} is not 3 (RFC 5652 section 5.1)`;
  const bySki = !(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber);
  if (signerInfo.version !== (bySki ? 3 : 1)) return `SignerInfo version ${signerInfo.version} does not match its signer identifier (RFC 5652 section 5.3)`;
  const digest = hashOf(signerInfo.digestAlgorithm);
  if (digest === undefined) return `the signer's digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not SHA-256, SHA-384 or SHA-512`;
  const digests = signedData.digestAlgorithms;
  if (digests.length !== 1 || hashOf(digests[0]!) !== digest) {
    return 'SignedData digestAlgorithms does not name exactly the signer\'s digest algorithm';
  }
  const tstInfoBytes = new Uint8Array(eContent.valueBlock.valueHexView);
  const tstAsn1 = decodeDer(tstInfoBytes);
  if (tstAsn1 === undefined) return 'the TSTInfo is not one DER value';
  let tstInfo: pkijs.TSTInfo;
  try {
    tstInfo = new pkijs.TSTInfo({ schema: tstAsn1 });
  } catch {
    return 'the TSTInfo does not parse';
  }
  if (tstInfo.version !== 1) return `TSTInfo version ${tstInfo.version} is not 1`;
  if (!(tstInfo.genTime instanceof Date) || Number.isNaN(tstInfo.genTime.getTime())) return 'the TSTInfo genTime is not a time';
  const certificates: TokenCertificate[] = [];
  for (const item of signedData.certificates ?? []) {
    if (item instanceof pkijs.Certificate) certificates.push({ der: new Uint8Array(item.toSchema().toBER()), cert: item });
  }
  return { signedData, signerInfo, tstInfo, tstInfoBytes, certificates };
}

/**
 * The certificate a SignerInfo names (RFC 5652 section 5.3: issuer and serial number, or subject key
 * identifier) among `candidates`, or undefined.
 * @example
 * const signer = findSignerCertificate(parsed.signerInfo, parsed.certificates);
 */
export function findSignerCertificate(signerInfo: pkijs.SignerInfo, candidates: readonly TokenCertificate[]): TokenCertificate | undefined {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = sid.serialNumber.valueBlock.valueHexView;
    return candidates.find(({ cert }) => sameName(cert.issuer, sid.issuer) && constantTimeEqual(cert.serialNumber.valueBlock.valueHexView, serial));
  }
  // [0] IMPLICIT SubjectKeyIdentifier: the primitive's content is the key identifier.
  const ski = sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : undefined;
  if (ski === undefined) return undefined;
  return candidates.find(({ cert }) => {
    const ext = (cert.extensions ?? []).find((e) => e.extnID === TIMESTAMP_OIDS.subjectKeyIdentifier)?.parsedValue as unknown;
    return ext instanceof asn1js.OctetString && constantTimeEqual(ext.valueBlock.valueHexView, ski);
  });
}
