import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

/** A keyUsage bit (RFC 5280 section 4.2.1.3) this library reads. */
export type KeyUsageBit = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';

const BITS: Readonly<Record<KeyUsageBit, number>> = {
  digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6,
};
const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';

/**
 * The keyUsage bits a certificate asserts, or undefined when it has no readable keyUsage extension (which RFC
 * 5280 reads as "any usage" for end entities; callers that require a usage treat it as none).
 * @example
 * keyUsageOf(cert)?.has('digitalSignature');
 */
export function keyUsageOf(cert: pkijs.Certificate): Set<KeyUsageBit> | undefined {
  const value = (cert.extensions ?? []).find((e) => e.extnID === KEY_USAGE)?.parsedValue as unknown;
  if (!(value instanceof asn1js.BitString)) return undefined;
  const bytes = value.valueBlock.valueHexView;
  const set = new Set<KeyUsageBit>();
  for (const [name, bit] of Object.entries(BITS) as Array<[KeyUsageBit, number]>) {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) set.add(name);
  }
  return set;
}

/**
 * The extendedKeyUsage purposes (OIDs) of a certificate and whether the extension is critical, or undefined
 * when it has none. RFC 3161 section 2.3 needs both: a TSA certificate's only purpose is id-kp-timeStamping,
 * in a critical extension.
 * @example
 * const eku = extendedKeyUsageOf(cert); // { purposes: ['1.3.6.1.5.5.7.3.8'], critical: true }
 */
export function extendedKeyUsageOf(cert: pkijs.Certificate): { purposes: string[]; critical: boolean } | undefined {
  const ext = (cert.extensions ?? []).find((e) => e.extnID === EXT_KEY_USAGE);
  const purposes = (ext?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes;
  if (ext === undefined || !Array.isArray(purposes)) return undefined;
  return { purposes: [...purposes], critical: ext.critical === true };
}

// Purposes that name some other job than signing documents (RFC 5280 section 4.2.1.12): a certificate that
// lists only these was issued for a TLS server or client, code, time-stamps or OCSP responses.
const NOT_DOCUMENT_SIGNING = new Set([
  '1.3.6.1.5.5.7.3.1', // serverAuth
  '1.3.6.1.5.5.7.3.2', // clientAuth
  '1.3.6.1.5.5.7.3.3', // codeSigning
  '1.3.6.1.5.5.7.3.8', // timeStamping
  '1.3.6.1.5.5.7.3.9', // OCSPSigning
]);

/**
 * Whether a certificate's extendedKeyUsage allows it to sign documents (docs/format.md, "How a signature is
 * judged"): yes without the extension, and yes when it lists any purpose other than serverAuth, clientAuth,
 * codeSigning, timeStamping and OCSPSigning (anyExtendedKeyUsage, emailProtection, documentSigning, an
 * agency's own OID). An extension that cannot be read allows nothing.
 * @example
 * allowsDocumentSigning(tsaCertificate); // false: its only purpose is timeStamping
 */
export function allowsDocumentSigning(cert: pkijs.Certificate): boolean {
  const present = (cert.extensions ?? []).some((e) => e.extnID === EXT_KEY_USAGE);
  if (!present) return true;
  const eku = extendedKeyUsageOf(cert);
  return eku !== undefined && eku.purposes.some((p) => !NOT_DOCUMENT_SIGNING.has(p));
}
