import { z } from 'zod';
import { canonicalizeToBytes } from '../encoding/jcs.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { base64urlDecodeStrict } from '../internal/bytes.js';
import { Identifier } from '../model/common.js';
import { ItemSchema, type Item } from '../model/item.js';
import { LIMITS } from '../model/layout.js';

/** A salt: base64url without padding of at least 16 bytes (22 characters) and at most 64 bytes. */
export const SaltSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22,86}$/, 'base64url of 16 to 64 bytes, without padding')
  .refine((s) => {
    // Strict: one salt has one spelling, so that a reused salt cannot hide behind other trailing bits.
    try {
      base64urlDecodeStrict(s);
      return true;
    } catch {
      return false;
    }
  }, 'not canonical base64url')
  .meta({ description: 'The item\'s salt: base64url (no padding) of 16 to 64 random bytes, fresh per item' });

const Hash = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

/** A disclosed leaf: the item and its salt, from which the leaf is recomputed. */
export const DisclosedLeafSchema = z.strictObject({
  item: ItemSchema,
  salt: SaltSchema,
});

/** A withheld leaf: only the item's id and its commitment (the leaf hash); nothing else of the item. */
export const WithheldLeafSchema = z.strictObject({
  withheld: z.strictObject({
    id: Identifier.meta({ description: 'id of the withheld item, as the redaction event names it' }),
    leaf: Hash.meta({ description: 'The item\'s leaf hash, SHA-256(0x00 || committed value), lower-case hex' }),
  }),
});

/** `evidence/disclosures.json` of a format 1.2 bundle (docs/format.md, "Disclosures file"). */
export const DisclosuresFileSchema = z
  .strictObject({
    leaves: z
      .array(z.union([DisclosedLeafSchema, WithheldLeafSchema]))
      .max(LIMITS.items)
      .meta({ description: 'One entry per leaf of the tree, in leaf order: {item, salt} when disclosed, {withheld: {id, leaf}} when withheld' }),
  })
  .meta({ title: 'evidence-bundle disclosures', description: 'The disclosures of a format 1.2 bundle (evidence/disclosures.json): unsigned, covered by the tag manifests, checked against the signed root.' });

/** The disclosures file. */
export interface DisclosuresFile extends z.infer<typeof DisclosuresFileSchema> {}
/** One leaf of the disclosures file. */
export type DisclosureLeaf = DisclosuresFile['leaves'][number];

/** Whether a leaf is disclosed (item and salt) rather than withheld. */
export function isDisclosedLeaf(leaf: DisclosureLeaf): leaf is { item: Item; salt: string } {
  return 'item' in leaf;
}

/** The item id a leaf names, disclosed or withheld. */
export function leafItemId(leaf: DisclosureLeaf): string {
  return isDisclosedLeaf(leaf) ? leaf.item.id : leaf.withheld.id;
}

/**
 * Reads `evidence/disclosures.json`: strict canonical JSON (RFC 8785 bytes), then the schema.
 * @throws EvidenceBundleError `ERR_DOCUMENT_INVALID` naming the first problem
 * @example const file = parseDisclosuresFile(bytes);
 */
export function parseDisclosuresFile(bytes: Uint8Array): DisclosuresFile {
  let value: unknown;
  try {
    value = parseCanonicalJson(bytes, { maxBytes: LIMITS.disclosuresBytes, maxValues: LIMITS.manifestValues * 2, maxMembers: LIMITS.manifestMembers });
  } catch (cause) {
    const what = isEvidenceBundleError(cause) ? `${cause.code}: ${cause.message}` : String(cause);
    throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `disclosures: ${what}`, { cause });
  }
  const parsed = DisclosuresFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `disclosures: /${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error.issues });
  }
  return parsed.data;
}

/**
 * The bytes of a disclosures file: RFC 8785 canonical JSON, as stored.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` past {@link LIMITS}.disclosuresBytes
 */
export function serializeDisclosuresFile(file: DisclosuresFile): Uint8Array {
  const bytes = canonicalizeToBytes(file);
  if (bytes.length > LIMITS.disclosuresBytes) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the disclosures would be ${bytes.length} bytes; readers accept at most ${LIMITS.disclosuresBytes}`);
  return bytes;
}
