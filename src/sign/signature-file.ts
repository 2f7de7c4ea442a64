import { z } from 'zod';
import { LIMITS } from '../model/layout.js';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseJson } from '../encoding/strict-json.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** One entry of a JWS in General JSON Serialization (RFC 7515 section 7.2.1). */
export interface JwsSignature {
  /** base64url of the protected header's bytes. */
  protected: string;
  /** base64url of the signature value. */
  signature: string;
  /** Unprotected header: timestamps (`tst`) are added here later without touching the signature. */
  header?: Record<string, unknown>;
}

/** `evidence/signatures.json`: a detached-payload JWS, one entry per signer (docs/format.md, "Signatures"). */
export interface SignatureFile {
  signatures: JwsSignature[];
}

const JwsSignatureSchema = z.strictObject({
  protected: z.string().min(1).regex(BASE64URL, 'must be base64url'),
  signature: z.string().min(1).regex(BASE64URL, 'must be base64url'),
  header: z.record(z.string(), z.unknown()).optional(),
});
// Strict: a `payload` member would make the JWS attached, and the signatures could then cover other bytes than
// the manifest's.
const SignatureFileSchema = z.strictObject({ signatures: z.array(JwsSignatureSchema).max(LIMITS.signatures) });

/**
 * Reads a signature file: strict JSON (no duplicate keys), the General JSON Serialization with a detached
 * payload, at most {@link LIMITS}.signatures entries. The signatures themselves are not checked here.
 * @throws EvidenceBundleError `ERR_JWS_MALFORMED` naming what is wrong
 * @example
 * const { signatures } = parseSignatureFile(await readFile('evidence/signatures.json'));
 */
export function parseSignatureFile(bytes: Uint8Array): SignatureFile {
  let value: unknown;
  try {
    value = parseJson(bytes, { maxBytes: LIMITS.signatureFileBytes });
  } catch (cause) {
    const why = isEvidenceBundleError(cause) ? cause.message : 'unreadable JSON';
    throw new EvidenceBundleError('ERR_JWS_MALFORMED', `the signature file is not valid JSON: ${why}`, { cause });
  }
  const parsed = SignatureFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? ` at /${issue.path.join('/')}` : '';
    throw new EvidenceBundleError('ERR_JWS_MALFORMED', `the signature file is not a detached JWS in General JSON Serialization${at}: ${issue.message}`);
  }
  return parsed.data as SignatureFile;
}

/** The signature file's bytes: RFC 8785 canonical JSON, so that the same signatures always give the same file. */
export function serializeSignatureFile(file: SignatureFile): Uint8Array {
  return canonicalizeToBytes({ signatures: file.signatures });
}

/**
 * Appends a signature. Earlier entries are kept as they are, so their signatures stay valid.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` when the file already holds {@link LIMITS}.signatures entries
 */
export function addSignature(file: SignatureFile, signature: JwsSignature): SignatureFile {
  if (file.signatures.length >= LIMITS.signatures) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `a bundle holds at most ${LIMITS.signatures} signatures`);
  }
  return { signatures: [...file.signatures, signature] };
}
