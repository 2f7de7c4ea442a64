import { z } from 'zod';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { LIMITS } from '../model/layout.js';
import { DisclosedLeafSchema } from './disclosures-file.js';

/** Largest proof file a reader accepts: 64 MiB of item bytes (base64url) besides the manifest. */
export const MAX_PROOF_BYTES = 96 * 1024 * 1024 + LIMITS.manifestBytes;

const B64URL = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');

/**
 * An item proof (docs/format.md, "Item proofs"): one item of a format 1.2 bundle, verifiable against the signed
 * root without the rest of the bundle.
 */
export const ItemProofSchema = z
  .strictObject({
    type: z.literal('evidence-bundle-item-proof').meta({ description: 'What this document is' }),
    version: z.literal('1.0').meta({ description: 'Version of the proof format' }),
    manifest: B64URL.meta({ description: 'base64url of evidence/manifest.json, byte for byte (format 1.2): what the signatures cover' }),
    signatures: B64URL.meta({ description: 'base64url of evidence/signatures.json, byte for byte' }),
    leafIndex: z.number().int().min(0).max(LIMITS.items - 1).meta({ description: 'Position of the item\'s leaf in the tree (0-based)' }),
    inclusion: z
      .array(z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'))
      .max(64)
      .meta({ description: 'RFC 9162 inclusion path (section 2.1.3.1) from the leaf to the root: sibling hashes, leaf first, lower-case hex' }),
    disclosure: DisclosedLeafSchema.meta({ description: 'The item and its salt, as in evidence/disclosures.json' }),
    content: B64URL.meta({ description: 'base64url of the item\'s bytes (data/<path>)' }),
  })
  .meta({ title: 'evidence-bundle item proof', description: 'One item of a format 1.2 evidence bundle with its inclusion proof, the signed manifest and its signatures.' });

/** An item proof. */
export interface ItemProof extends z.infer<typeof ItemProofSchema> {}

/**
 * Reads an item proof: strict canonical JSON (RFC 8785), then the schema.
 * @throws EvidenceBundleError `ERR_DOCUMENT_INVALID` naming the first problem
 * @example const proof = parseItemProof(bytes);
 */
export function parseItemProof(bytes: Uint8Array): ItemProof {
  let value: unknown;
  try {
    value = parseCanonicalJson(bytes, { maxBytes: MAX_PROOF_BYTES });
  } catch (cause) {
    const what = isEvidenceBundleError(cause) ? `${cause.code}: ${cause.message}` : String(cause);
    throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `item proof: ${what}`, { cause });
  }
  const parsed = ItemProofSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `item proof: /${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error.issues });
  }
  return parsed.data;
}

/**
 * The bytes of an item proof: RFC 8785 canonical JSON.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` past {@link MAX_PROOF_BYTES}
 */
export function serializeItemProof(proof: ItemProof): Uint8Array {
  const bytes = canonicalizeToBytes(proof);
  if (bytes.length > MAX_PROOF_BYTES) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the proof would be ${bytes.length} bytes; readers accept at most ${MAX_PROOF_BYTES}`);
  return bytes;
}
