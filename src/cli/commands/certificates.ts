import { EvidenceBundleError } from '../../index.js';
import { readInputFile } from './files.js';

/** Largest certificate file read: a chain of a few certificates is a few kilobytes. */
const MAX_PEM_BYTES = 1024 * 1024;

/** Reads certificates as PEM blocks, in file order: a PEM file may hold several; a DER file holds one. */
export async function loadCertificates(paths: readonly string[]): Promise<string[]> {
  const pems: string[] = [];
  for (const path of paths) {
    const bytes = await readInputFile(path, MAX_PEM_BYTES);
    const text = new TextDecoder('latin1').decode(bytes);
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g);
    if (blocks !== null) {
      pems.push(...blocks.map((b) => b.replace(/\r\n/g, '\n') + '\n'));
    } else if (bytes[0] === 0x30) {
      pems.push(toPem(bytes));
    } else {
      throw new EvidenceBundleError('ERR_X509_INVALID', `${path}: neither a PEM nor a DER certificate`);
    }
  }
  return pems;
}

/** The base64 DER of a PEM certificate: the form of a JWS `x5c` element (RFC 7515 section 4.1.6). */
export function pemToX5c(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
