import { EvidenceBundleError } from '../../errors.js';
import { base64Encode } from '../../internal/bytes.js';
import { certificatesFromText } from '../../x509/der.js';
import { readInputFile } from './files.js';

/** Largest certificate file read: a chain of a few certificates is a few kilobytes. */
const MAX_PEM_BYTES = 1024 * 1024;

/**
 * Reads certificates, in file order, as DER: a PEM file may hold several, a DER file holds one.
 * @throws EvidenceBundleError `ERR_X509_INVALID` for a file that is neither, `ERR_SOURCE_NOT_FOUND`, `ERR_IO`
 */
export async function loadCertificates(paths: readonly string[]): Promise<Uint8Array[]> {
  const ders: Uint8Array[] = [];
  for (const path of paths) {
    const bytes = await readInputFile(path, MAX_PEM_BYTES);
    // A DER certificate starts with a SEQUENCE; anything else is read as PEM text.
    const found = bytes[0] === 0x30 ? [bytes] : certificatesFromText(new TextDecoder('latin1').decode(bytes));
    if (found === undefined || found.length === 0) throw new EvidenceBundleError('ERR_X509_INVALID', `${path}: neither a PEM nor a DER certificate`);
    for (const der of found) ders.push(der);
  }
  return ders;
}

/** A certificate as PEM text (RFC 7468), the form trust policies keep anchors in. */
export function toPem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${base64Encode(der).replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
