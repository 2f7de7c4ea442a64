import * as pkijs from 'pkijs';
import { constantTimeEqual } from '../internal/bytes.js';
import { decodeDer, sameName } from './der.js';
import { keyUsageOf } from './usage.js';
import { verifySignature } from './verify-signature.js';

/**
 * Largest CRL or OCSP response accepted (bounded resources). National CAs publish CRLs of a few MiB; anything
 * larger is refused before it is parsed.
 */
export const MAX_REVOCATION_DATA_BYTES = 8 * 1024 * 1024;

// CRL and entry extensions that may be critical without changing what this reader concludes (RFC 5280 sections
// 5.2 and 5.3). issuingDistributionPoint, deltaCRLIndicator and certificateIssuer (indirect CRLs) change the
// scope of a CRL: a CRL that marks them critical is not understood, so it proves nothing (section 5.2: "MUST NOT
// use the CRL").
const KNOWN_CRL_EXTENSIONS = new Set(['2.5.29.35', '2.5.29.20']);
const KNOWN_ENTRY_EXTENSIONS = new Set(['2.5.29.21', '2.5.29.24']);

const REASONS = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation',
  'certificateHold', '(7)', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

/** What a piece of revocation data (a CRL, an OCSP response) says about one certificate. */
export type RevocationStatus =
  /** The data is about another issuer or another certificate. */
  | { status: 'not-applicable' }
  /** The data claims to be about the certificate, but proves nothing: bad signature, wrong or unauthorised signer, a critical extension not understood. */
  | { status: 'unusable'; reason: string }
  /** Not revoked as of `thisUpdate`. */
  | { status: 'good'; thisUpdate: Date; nextUpdate?: Date }
  /** Revoked at `revokedAt` (as of `thisUpdate`). */
  | { status: 'revoked'; revokedAt: Date; reason?: string; thisUpdate: Date; nextUpdate?: Date }
  /** An OCSP responder that does not know the certificate. */
  | { status: 'unknown'; thisUpdate: Date; nextUpdate?: Date };

/** A parsed CRL with the DER it arrived as. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly crl: pkijs.CertificateRevocationList;
}

/**
 * Parses one DER CRL (RFC 5280 section 5); undefined when it is not exactly one strict-DER CertificateList of at
 * most {@link MAX_REVOCATION_DATA_BYTES}, or is not version 2 with UTCTime/GeneralizedTime fields pkijs reads.
 * Never throws.
 * @example
 * const crl = parseCrl(der); if (crl === undefined) report('malformed');
 */
export function parseCrl(der: Uint8Array): ParsedCrl | undefined {
  if (der.length === 0 || der.length > MAX_REVOCATION_DATA_BYTES) return undefined;
  const asn1 = decodeDer(der);
  if (asn1 === undefined) return undefined;
  try {
    const crl = new pkijs.CertificateRevocationList({ schema: asn1 });
    if (!(crl.thisUpdate?.value instanceof Date) || Number.isNaN(crl.thisUpdate.value.getTime())) return undefined;
    return { der, crl };
  } catch {
    return undefined;
  }
}

/**
 * What a CRL says about `cert`, issued by `issuer` (RFC 5280 sections 5 and 6.3, without delta or indirect
 * CRLs): the CRL must name the certificate's issuer, be signed by the issuer's key (a key allowed to sign CRLs
 * when the issuer has a keyUsage extension) with the algorithm its signed part names, and mark no extension
 * critical that this reader does not understand. The time window (thisUpdate, nextUpdate) is returned, not
 * judged: the caller knows the time that matters. Never throws.
 * @example
 * const verdict = await crlStatus(crl, leaf, intermediate);
 * if (verdict.status === 'revoked') console.log(verdict.revokedAt);
 */
export async function crlStatus(parsed: ParsedCrl, cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<RevocationStatus> {
  try {
    const { crl } = parsed;
    if (!sameName(crl.issuer, cert.issuer) || !sameName(crl.issuer, issuer.subject)) return { status: 'not-applicable' };
    if (crl.signature.algorithmId !== crl.signatureAlgorithm.algorithmId) return { status: 'unusable', reason: 'the CRL names two different signature algorithms' };
    if (crl.signatureValue.valueBlock.unusedBits !== 0) return { status: 'unusable', reason: 'the CRL signature value has unused bits' };
    const usage = keyUsageOf(issuer);
    if (usage !== undefined && !usage.has('cRLSign')) return { status: 'unusable', reason: 'the issuer\'s keyUsage does not allow signing CRLs (cRLSign)' };
    const check = await verifySignature(issuer.subjectPublicKeyInfo, crl.signatureAlgorithm, crl.signatureValue.valueBlock.valueHexView, crl.tbsView);
    if (check !== true) return { status: 'unusable', reason: 'the CRL signature does not verify with the issuer\'s key' };
    const critical = (crl.crlExtensions?.extensions ?? []).find((e) => e.critical && !KNOWN_CRL_EXTENSIONS.has(e.extnID));
    if (critical !== undefined) return { status: 'unusable', reason: `the CRL has a critical extension ${critical.extnID} this verifier does not process` };
    const window = {
      thisUpdate: crl.thisUpdate.value,
      ...(crl.nextUpdate !== undefined ? { nextUpdate: crl.nextUpdate.value } : {}),
    };
    const serial = cert.serialNumber.valueBlock.valueHexView;
    for (const entry of crl.revokedCertificates ?? []) {
      if (!constantTimeEqual(entry.userCertificate.valueBlock.valueHexView, serial)) continue;
      const extensions = entry.crlEntryExtensions?.extensions ?? [];
      const unknown = extensions.find((e) => e.critical && !KNOWN_ENTRY_EXTENSIONS.has(e.extnID));
      if (unknown !== undefined) return { status: 'unusable', reason: `the CRL entry has a critical extension ${unknown.extnID} this verifier does not process` };
      const code = reasonCode(extensions);
      return { status: 'revoked', revokedAt: entry.revocationDate.value, ...(code !== undefined ? { reason: code } : {}), ...window };
    }
    return { status: 'good', ...window };
  } catch (cause) {
    return { status: 'unusable', reason: `the CRL cannot be processed: ${String(cause)}` };
  }
}

/** The name of a CRL entry's reasonCode (RFC 5280 section 5.3.1), if it has one. */
export function reasonCode(extensions: readonly pkijs.Extension[]): string | undefined {
  const ext = extensions.find((e) => e.extnID === '2.5.29.21');
  const value = (ext?.parsedValue as { valueBlock?: { valueDec?: number } } | undefined)?.valueBlock?.valueDec;
  return value === undefined ? undefined : (REASONS[value] ?? `(${value})`);
}
