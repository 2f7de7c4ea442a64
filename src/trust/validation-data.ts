import { z } from 'zod';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { base64DecodeStrict, base64Encode } from '../internal/bytes.js';
import { LIMITS, VALIDATION_DATA_FILE } from '../model/layout.js';
import { MAX_REVOCATION_ITEMS, type RevocationDataInput } from './check-revocation.js';

const base64 = z.string().min(1).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 DER');

/**
 * `evidence/validation-data.json` (docs/format.md, "Validation data"): CRLs and OCSP responses captured when the
 * bundle was signed. Each is signed by its CA or responder, so the file needs no signature of its own; the tag
 * manifests and archive timestamps cover it.
 */
export const ValidationDataSchema = z.strictObject({
  validationDataVersion: z.literal('1.0'),
  crls: z.array(base64).max(MAX_REVOCATION_ITEMS).default([]),
  ocspResponses: z.array(base64).max(MAX_REVOCATION_ITEMS).default([]),
});

/**
 * Parses `evidence/validation-data.json` into DER revocation data: strict JSON, the strict schema, strict base64.
 * @throws EvidenceBundleError `ERR_JSON_*` for bytes that are not strict JSON, `ERR_BAG_INVALID` for a document
 *   that does not match the schema
 * @example
 * const { crls, ocspResponses } = parseValidationData(bytes);
 */
export function parseValidationData(bytes: Uint8Array): Required<RevocationDataInput> {
  const parsed = ValidationDataSchema.safeParse(parseJson(bytes, { maxBytes: LIMITS.validationDataBytes }));
  if (!parsed.success) {
    throw new EvidenceBundleError('ERR_BAG_INVALID', `${VALIDATION_DATA_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const decode = (list: readonly string[], member: string) =>
    list.map((text, i) => {
      const der = base64DecodeStrict(text);
      if (der === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${VALIDATION_DATA_FILE}: ${member}.${i} is not strict base64`);
      return der;
    });
  return { crls: decode(parsed.data.crls, 'crls'), ocspResponses: decode(parsed.data.ocspResponses, 'ocspResponses') };
}

/**
 * The bytes of `evidence/validation-data.json` for DER CRLs and OCSP responses: RFC 8785 canonical JSON and a
 * newline.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` past {@link MAX_REVOCATION_ITEMS} items of a kind or
 *   `LIMITS.validationDataBytes` bytes
 */
export function serializeValidationData(data: RevocationDataInput): Uint8Array {
  const crls = (data.crls ?? []).map((d) => base64Encode(d));
  const ocspResponses = (data.ocspResponses ?? []).map((d) => base64Encode(d));
  if (crls.length > MAX_REVOCATION_ITEMS || ocspResponses.length > MAX_REVOCATION_ITEMS) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `validation data holds at most ${MAX_REVOCATION_ITEMS} CRLs and ${MAX_REVOCATION_ITEMS} OCSP responses`);
  }
  const json = canonicalizeToBytes({ validationDataVersion: '1.0', crls, ocspResponses });
  if (json.length + 1 > LIMITS.validationDataBytes) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${VALIDATION_DATA_FILE} would exceed ${LIMITS.validationDataBytes} bytes`);
  const out = new Uint8Array(json.length + 1);
  out.set(json);
  out[json.length] = 0x0a;
  return out;
}
