import { LIMITS, SIGNATURES_FILE } from '../model/layout.js';
import { EvidenceBundleError } from '../errors.js';
import { base64Encode, base64urlDecodeStrict } from '../internal/bytes.js';
import { parseSignatureFile, serializeSignatureFile, type JwsSignature } from '../sign/signature-file.js';
import { requestTimestamp } from '../timestamp/request-timestamp.js';
import { MAX_TIMESTAMPS_PER_SIGNATURE } from '../trust/check-timestamps.js';
import { readTagFileForUpdate } from './read-tag-file-for-update.js';
import { updateBundle } from './update-bundle.js';

/** Options of {@link timestampBundleDirectory}. */
export interface TimestampBundleOptions {
  /** URL of the RFC 3161 time-stamping authority (HTTP POST, `application/timestamp-query`). */
  tsaUrl: string;
  /** Stamp only this signature (default: every signature that carries no token yet). */
  signatureIndex?: number;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Asks a time-stamping authority for an RFC 3161 token over the value of each chosen signature (the bytes of
 * the base64url-decoded JWS `signature`) and stores it in that signature's unprotected header, `tst`, then
 * commits `evidence/signatures.json` and the tag manifests atomically, in a bundle of any form (a directory, a
 * ZIP or CBOR file, recognised by content; {@link updateBundle}). The protected header and the signature
 * are not touched, so every signature stays valid; the token proves the signature existed at its genTime.
 * @returns the indexes of the signatures stamped.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_BAG_INVALID` (no or unreadable signature file, or a commit journal or another file of the update protocol is refused: nothing is changed),
 *   `ERR_JWS_MALFORMED`, `ERR_TSA_FAILED` (the TSA did not answer with a good token), `ERR_IO`
 * @throws RangeError when `signatureIndex` names no signature
 */
export async function timestampBundleDirectory(path: string, options: TimestampBundleOptions): Promise<{ stamped: number[] }> {
  return updateBundle(path, async (source) => {
    const bytes = await readTagFileForUpdate(source, SIGNATURES_FILE, LIMITS.signatureFileBytes);
    if (bytes === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${SIGNATURES_FILE} is missing: nothing to timestamp`);
    const file = parseSignatureFile(bytes);
    const { signatureIndex } = options;
    if (signatureIndex !== undefined && (!Number.isInteger(signatureIndex) || signatureIndex < 0 || signatureIndex >= file.signatures.length)) {
      throw new RangeError(`signatureIndex ${signatureIndex}: the bundle has ${file.signatures.length} signature(s)`);
    }
    const tokensOf = (header: Record<string, unknown> | undefined): unknown[] => {
      const tst = header?.['tst'];
      return Array.isArray(tst) ? tst : [];
    };
    const chosen =
      signatureIndex !== undefined
        ? [signatureIndex]
        : file.signatures.flatMap((s: JwsSignature, i: number) => (tokensOf(s.header as Record<string, unknown> | undefined).length === 0 ? [i] : []));
    const signatures = [...file.signatures];
    for (const index of chosen) {
      const signature = signatures[index]!;
      const header = signature.header as Record<string, unknown> | undefined;
      const tokens = tokensOf(header);
      if (tokens.length >= MAX_TIMESTAMPS_PER_SIGNATURE) {
        throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `signature #${index} already carries ${tokens.length} timestamps`);
      }
      const token = await requestTimestamp(options.tsaUrl, base64urlDecodeStrict(signature.signature), {
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      });
      signatures[index] = { ...signature, header: { ...header, tst: [...tokens, base64Encode(token)] } };
    }
    const changes = chosen.length > 0 ? new Map([[SIGNATURES_FILE, serializeSignatureFile({ ...file, signatures })]]) : undefined;
    return { ...(changes ? { changes } : {}), result: { stamped: chosen } };
  });
}
