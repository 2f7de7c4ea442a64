import type * as pkijs from 'pkijs';
import { toHex } from '../internal/bytes.js';
import { crlStatus, parseCrl, type ParsedCrl, type RevocationStatus } from './crl.js';
import { nameToString } from './der.js';
import { ocspStatus, parseOcspResponse, type ParsedOcspResponse } from './ocsp.js';

// The trust layer's way into CRL and OCSP code. Every export is async so that the verifier page can keep this
// module, and pkijs under it, out of its initial script and load it only when a bundle carries a certificate
// chain (scripts/build-page.ts, LAZY_MODULES).

/** A parsed CRL, or undefined when the bytes are not a DER CRL this verifier reads. */
export async function parseCrlItem(der: Uint8Array): Promise<ParsedCrl | undefined> {
  return parseCrl(der);
}

/** A parsed OCSP response, or undefined when the bytes are not a successful DER basic OCSP response. */
export async function parseOcspItem(der: Uint8Array): Promise<ParsedOcspResponse | undefined> {
  return parseOcspResponse(der);
}

/** What each CRL and OCSP response says of `cert`, issued by `issuer`, in order: CRLs first. */
export async function revocationStatuses(
  data: { crls: readonly ParsedCrl[]; ocspResponses: readonly ParsedOcspResponse[] },
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
): Promise<RevocationStatus[]> {
  const verdicts: RevocationStatus[] = [];
  for (const crl of data.crls) verdicts.push(await crlStatus(crl, cert, issuer));
  for (const response of data.ocspResponses) verdicts.push(await ocspStatus(response, cert, issuer));
  return verdicts;
}

/** A certificate as a person names it in a finding: its subject and serial number. */
export async function certificateLabel(cert: pkijs.Certificate): Promise<string> {
  return `${nameToString(cert.subject)}, serial ${toHex(cert.serialNumber.valueBlock.valueHexView)}`;
}
