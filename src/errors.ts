/**
 * The one error class of the library. Every failure the library reports by throwing carries a `code` from the
 * closed union {@link ErrorCode}; callers branch on the code, never on the message. Caller misuse (a wrong
 * argument type, an option out of range) throws `TypeError` or `RangeError` instead, as jose and noble do.
 */
export type ErrorCode =
  // JSON and canonical JSON (RFC 8259, RFC 8785)
  | 'ERR_JSON_SYNTAX'
  | 'ERR_JSON_DUPLICATE_KEY'
  | 'ERR_JSON_LONE_SURROGATE'
  | 'ERR_JSON_INVALID_UTF8'
  | 'ERR_JSON_TOO_DEEP'
  | 'ERR_JSON_TOO_LARGE'
  | 'ERR_JSON_NOT_CANONICAL'
  | 'ERR_JCS_UNSUPPORTED_VALUE'
  // deterministic CBOR (RFC 8949 section 4.2.1)
  | 'ERR_CBOR_MALFORMED'
  | 'ERR_CBOR_NOT_DETERMINISTIC'
  | 'ERR_CBOR_UNSUPPORTED_VALUE'
  // digests
  | 'ERR_DIGEST_UNSUPPORTED_ALGORITHM'
  // paths inside a bundle
  | 'ERR_PATH_UNSAFE'
  | 'ERR_PATH_COLLISION'
  // the manifest and other documents
  | 'ERR_MANIFEST_INVALID'
  | 'ERR_DOCUMENT_INVALID'
  // containers
  | 'ERR_BAG_INVALID'
  | 'ERR_SOURCE_NOT_FOUND'
  | 'ERR_SOURCE_NOT_REGULAR_FILE'
  | 'ERR_SOURCE_CHANGED'
  | 'ERR_TARGET_EXISTS'
  | 'ERR_IO'
  | 'ERR_LIMIT_EXCEEDED'
  // the ZIP form
  | 'ERR_ZIP_MALFORMED'
  | 'ERR_ZIP_CRC_MISMATCH'
  | 'ERR_ZIP_ORDER'
  // keys, algorithms and JWS
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_KEY_USAGE'
  | 'ERR_JWS_MALFORMED'
  | 'ERR_JWS_KEY_MISMATCH'
  | 'ERR_SIGNER_OUTPUT'
  // PKCS#11 tokens (HSMs, smart cards): evidence-bundle/node
  | 'ERR_PKCS11_URI_INVALID'
  | 'ERR_PKCS11_UNAVAILABLE'
  | 'ERR_PKCS11_KEY_NOT_FOUND'
  | 'ERR_PKCS11_LOGIN'
  | 'ERR_PKCS11_FAILED'
  // custody
  | 'ERR_CUSTODY_INVALID'
  | 'ERR_CUSTODY_RULE'
  // selective disclosure (format 1.2): redaction or a proof refused (not 1.2, unknown item, broken disclosures)
  | 'ERR_DISCLOSURE_INVALID'
  // trust policy, X.509, timestamps
  | 'ERR_POLICY_INVALID'
  | 'ERR_X509_INVALID'
  | 'ERR_X509_CHAIN_INVALID'
  | 'ERR_X509_KEY_MISMATCH'
  | 'ERR_TSA_FAILED'
  // languages of reports (BCP 47)
  | 'ERR_LANG_INVALID'
  // verification (assert variants)
  | 'ERR_VERIFY_INVALID'
  | 'ERR_VERIFY_INDETERMINATE';

/** An error raised by evidence-bundle, with a stable {@link ErrorCode}. */
export class EvidenceBundleError extends Error {
  override readonly name = 'EvidenceBundleError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is an {@link EvidenceBundleError}, optionally with the given code. */
export function isEvidenceBundleError(error: unknown, code?: ErrorCode): error is EvidenceBundleError {
  return error instanceof EvidenceBundleError && (code === undefined || error.code === code);
}
