import { EvidenceBundleError } from '../errors.js';
import { compareBytes } from '../internal/bytes.js';
import { LIMITS, VALIDATION_DATA_FILE } from '../model/layout.js';
import type { RevocationDataInput } from '../trust/check-revocation.js';
import { parseValidationData, serializeValidationData } from '../trust/validation-data.js';
import { parseCrl } from '../x509/crl.js';
import { parseOcspResponse } from '../x509/ocsp.js';
import { readTagFileForUpdate } from './read-tag-file-for-update.js';
import { updateBundle } from './update-bundle.js';

/**
 * Stores CRLs and OCSP responses (DER) in the bundle's validation data, `evidence/validation-data.json`
 * (docs/format.md, "Validation data"), beside those already there (the same bytes are kept once), committed
 * atomically with the tag manifests in a bundle of any form. Only data the verifier reads is written.
 * @returns how many CRLs and OCSP responses the file holds afterwards
 * @throws EvidenceBundleError `ERR_X509_INVALID` for an item that is not a DER CRL or successful basic OCSP
 *   response, `ERR_LIMIT_EXCEEDED`, `ERR_BAG_INVALID` (a malformed file already there, a broken bag), `ERR_IO`
 * @example
 * await addValidationData('case-42', { crls: [crlDer], ocspResponses: [responseDer] });
 */
export async function addValidationData(path: string, data: RevocationDataInput): Promise<{ crls: number; ocspResponses: number }> {
  (data.crls ?? []).forEach((der, i) => {
    if (parseCrl(der) === undefined) throw new EvidenceBundleError('ERR_X509_INVALID', `CRL #${i} is not a DER CRL this library reads`);
  });
  (data.ocspResponses ?? []).forEach((der, i) => {
    if (parseOcspResponse(der) === undefined) throw new EvidenceBundleError('ERR_X509_INVALID', `OCSP response #${i} is not a successful DER basic OCSP response`);
  });
  return updateBundle(path, async (source) => {
    const existing = await readTagFileForUpdate(source, VALIDATION_DATA_FILE, LIMITS.validationDataBytes);
    const before = existing === undefined ? { crls: [], ocspResponses: [] } : parseValidationData(existing);
    const merge = (a: readonly Uint8Array[], b: readonly Uint8Array[]) => [...a, ...b.filter((x) => !a.some((y) => compareBytes(x, y) === 0))];
    const crls = merge(before.crls, data.crls ?? []);
    const ocspResponses = merge(before.ocspResponses, data.ocspResponses ?? []);
    return { changes: new Map([[VALIDATION_DATA_FILE, serializeValidationData({ crls, ocspResponses })]]), result: { crls: crls.length, ocspResponses: ocspResponses.length } };
  });
}
