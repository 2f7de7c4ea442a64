import * as pkijs from 'pkijs';
import { EvidenceBundleError } from '../errors.js';
import { base64DecodeStrict } from '../internal/bytes.js';
import { readBoundedResponse } from '../timestamp/request-timestamp.js';
import { crlStatus, MAX_REVOCATION_DATA_BYTES, parseCrl } from '../x509/crl.js';
import { nameToString, parseCertificate } from '../x509/der.js';
import { ocspStatus, parseOcspResponse } from '../x509/ocsp.js';

/** How long one CRL or OCSP request may take by default, answer included. */
export const DEFAULT_REVOCATION_TIMEOUT_MS = 10_000;

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const ID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
// GeneralName uniformResourceIdentifier [6] (RFC 5280 section 4.2.1.6).
const URI = 6;

/** Options of {@link captureRevocationData}. */
export interface CaptureRevocationOptions {
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Give up on one request after this many milliseconds (default {@link DEFAULT_REVOCATION_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Refuse answers larger than this (default {@link MAX_REVOCATION_DATA_BYTES}). */
  maxResponseBytes?: number;
}

/** What {@link captureRevocationData} fetched, and what it could not. */
export interface CapturedRevocationData {
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
  /** For people: a URL that failed, or a certificate for which nothing usable was found. */
  problems: string[];
}

/**
 * Fetches, for the signer, revocation data of the certificates of an `x5c` chain (leaf first), to store in the
 * bundle's validation data at signing time (docs/format.md, "Validation data"): for each certificate, an OCSP
 * response from the responders its authorityInfoAccess names (when its issuer is in the chain) and the CRLs its
 * cRLDistributionPoints name. Only those URLs, only http: and https:, one request at a time, each with a timeout
 * and a size cap. What comes back is kept only if the verifier would use it (a CRL or OCSP response of the
 * certificate's issuer, signed as it must be). The verifier itself never fetches. Never throws on what a
 * server answers: failures are `problems`.
 * @throws TypeError when `x5c` is not an array of base64 DER certificates (caller misuse)
 * @example
 * const captured = await captureRevocationData(signer.x5c);
 * await addValidationData('case-42', captured);
 */
export async function captureRevocationData(x5c: readonly string[], options: CaptureRevocationOptions = {}): Promise<CapturedRevocationData> {
  const certs = x5c.map((text, i) => {
    const der = typeof text === 'string' ? base64DecodeStrict(text) : undefined;
    const cert = der === undefined ? undefined : parseCertificate(der);
    if (cert === undefined) throw new TypeError(`captureRevocationData: x5c[${i}] is not a base64 DER certificate`);
    return cert;
  });
  const out: CapturedRevocationData = { crls: [], ocspResponses: [], problems: [] };
  for (const [i, cert] of certs.entries()) {
    const issuer = certs[i + 1];
    const label = `x5c[${i}] (${nameToString(cert.subject)})`;
    let found = false;
    if (issuer !== undefined) {
      for (const url of urlsOf(cert, AUTHORITY_INFO_ACCESS)) {
        const answer = await fetchBounded(url, await ocspRequest(cert, issuer), options, out.problems);
        const parsed = answer === undefined ? undefined : parseOcspResponse(answer);
        const status = parsed === undefined ? undefined : await ocspStatus(parsed, cert, issuer);
        if (status !== undefined && status.status !== 'not-applicable' && status.status !== 'unusable') {
          out.ocspResponses.push(answer!);
          found = true;
          break;
        }
        if (answer !== undefined) out.problems.push(`${url}: the answer is no usable OCSP response for ${label}`);
      }
    }
    for (const url of urlsOf(cert, CRL_DISTRIBUTION_POINTS)) {
      const answer = await fetchBounded(url, undefined, options, out.problems);
      const parsed = answer === undefined ? undefined : parseCrl(answer);
      // Without the issuer (the top of the chain), the verifier checks the CRL against the anchor.
      const status = parsed === undefined ? undefined : issuer === undefined ? { status: 'good' } : await crlStatus(parsed, cert, issuer);
      if (status !== undefined && status.status !== 'not-applicable' && status.status !== 'unusable') {
        out.crls.push(answer!);
        found = true;
        break;
      }
      if (answer !== undefined) out.problems.push(`${url}: the answer is no usable CRL for ${label}`);
    }
    if (!found) out.problems.push(`no revocation data could be captured for ${label}`);
  }
  return out;
}

/** The http(s) URIs of a certificate's cRLDistributionPoints or its authorityInfoAccess OCSP entries. */
function urlsOf(cert: pkijs.Certificate, oid: string): string[] {
  const ext = (cert.extensions ?? []).find((e) => e.extnID === oid)?.parsedValue as unknown;
  const names: pkijs.GeneralName[] = [];
  if (ext instanceof pkijs.CRLDistributionPoints) {
    for (const point of ext.distributionPoints) {
      if (Array.isArray(point.distributionPoint)) names.push(...point.distributionPoint);
    }
  } else if (ext instanceof pkijs.InfoAccess) {
    for (const d of ext.accessDescriptions) if (d.accessMethod === ID_AD_OCSP) names.push(d.accessLocation);
  }
  return names.flatMap((n) => (n.type === URI && typeof n.value === 'string' && /^https?:\/\//i.test(n.value) ? [n.value] : []));
}

async function ocspRequest(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
  return new Uint8Array(request.toSchema(true).toBER());
}

/** GET (a CRL) or POST `body` (an OCSP request) to `url`; undefined, with a problem noted, when it fails. */
async function fetchBounded(url: string, body: Uint8Array | undefined, options: CaptureRevocationOptions, problems: string[]): Promise<Uint8Array | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS;
  const limit = options.maxResponseBytes ?? MAX_REVOCATION_DATA_BYTES;
  const failed = (message: string) => new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${url}: ${message}`);
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body !== undefined ? { headers: { 'content-type': 'application/ocsp-request' }, body: body as Uint8Array<ArrayBuffer> } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      problems.push(`${url}: HTTP ${response.status}`);
      return undefined;
    }
    return await readBoundedResponse(response, limit, failed);
  } catch (error) {
    problems.push(error instanceof EvidenceBundleError ? error.message : `${url}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
