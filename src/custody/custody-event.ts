import { z } from 'zod';
import { Country, DateTime, Identifier, KeyId, plainText } from '../model/common.js';

/** The custody event types (docs/format.md, "Custody log"). */
export const CUSTODY_EVENT_TYPES = [
  'acquired',
  'sealed',
  'transferred',
  'received',
  'accessed',
  'analysed',
  'copied',
  'exported',
  'disclosed',
  'returned',
  'destroyed',
  'redacted',
] as const;

/** What happened to the items in one custody event. */
export type CustodyEventType = (typeof CUSTODY_EVENT_TYPES)[number];

/** `typ` of the protected header of every custody event (RFC 7515 section 4.1.9). */
export const CUSTODY_EVENT_TYP = 'evidence-custody-event+jws';

/** Prefix of a custody link: `sha256:` and 64 lower-case hex digits. */
export const CUSTODY_LINK_PREFIX = 'sha256:';

const text = (max: number) => plainText(1, max);
const country = Country;
const kid = KeyId;
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Who recorded an event: the signer of its line. */
export const CustodyActorSchema = z.strictObject({
  name: text(256),
  role: text(128),
  organisation: text(256),
  country,
  kid,
});

/** The other side of a handover or disclosure. */
export const CustodyCounterpartySchema = z.strictObject({
  name: text(256),
  role: text(128).optional(),
  organisation: text(256),
  country,
  kid: kid.optional(),
});

/** A seal number and, when the event checks it, the condition it was found in. */
export const CustodySealSchema = z.strictObject({
  id: text(128),
  condition: z.enum(['applied', 'intact', 'broken', 'absent']).optional(),
});

const itemIds = z
  .array(Identifier)
  .min(1)
  .max(1_000_000)
  .refine((ids) => new Set(ids).size === ids.length, 'item ids must be distinct');

const base = {
  seq,
  time: DateTime,
  actor: CustodyActorSchema,
  items: z.union([z.literal('all'), itemIds]),
  place: text(1024),
  purpose: text(4096),
  seals: z.array(CustodySealSchema).min(1).max(1024).optional(),
  notes: text(16384).optional(),
  prev: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256: and 64 lower-case hex digits'),
};

const plain = <T extends CustodyEventType>(type: T) =>
  z.strictObject({ type: z.literal(type), ...base, counterparty: CustodyCounterpartySchema.optional() });

/**
 * One custody event, as signed (docs/format.md, "Custody log"). A strict object per type: unknown keys are
 * rejected, never stripped, because they are signed content. Per-type requirements: `transferred` names the
 * recipient with its key id, `received` names the sender and the `seq` of the transfer it answers, `returned`
 * and `disclosed` name to whom, `sealed` lists its seals, `redacted` (format 1.2) names the withheld items with
 * their leaf hashes, the reason and optionally the legal basis.
 */
export const CustodyEventSchema = z
  .discriminatedUnion('type', [
    plain('acquired'),
    z.strictObject({ type: z.literal('sealed'), ...base, seals: z.array(CustodySealSchema).min(1).max(1024), counterparty: CustodyCounterpartySchema.optional() }),
    z.strictObject({ type: z.literal('transferred'), ...base, counterparty: CustodyCounterpartySchema.extend({ kid }) }),
    z.strictObject({ type: z.literal('received'), ...base, counterparty: CustodyCounterpartySchema, answers: seq }),
    plain('accessed'),
    plain('analysed'),
    plain('copied'),
    plain('exported'),
    z.strictObject({ type: z.literal('disclosed'), ...base, counterparty: CustodyCounterpartySchema }),
    z.strictObject({ type: z.literal('returned'), ...base, counterparty: CustodyCounterpartySchema }),
    plain('destroyed'),
    // Format 1.2 selective disclosure: the items named were withheld from the bundle; `leaves` binds each id to
    // its leaf of the signed tree, so the disclosures file cannot move the withholding to another leaf.
    z
      .strictObject({
        type: z.literal('redacted'),
        ...base,
        items: itemIds.max(100_000),
        reason: text(65536),
        legalBasis: text(4096).optional(),
        leaves: z.array(z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')).min(1).max(100_000),
        counterparty: CustodyCounterpartySchema.optional(),
      })
      .refine((e) => e.leaves.length === e.items.length, { message: 'leaves must give one leaf hash per item, in the order of items', path: ['leaves'] }),
  ])
  .meta({
    title: 'Custody event',
    description: 'One signed event of the chain of custody (evidence/custody.jsonl).',
  });

/** One custody event, as signed. */
export type CustodyEvent = z.infer<typeof CustodyEventSchema>;
/** The actor of a custody event. */
export interface CustodyActor extends z.infer<typeof CustodyActorSchema> {}
/** The counterparty of a handover or disclosure. */
export interface CustodyCounterparty extends z.infer<typeof CustodyCounterpartySchema> {}
/** A seal and its condition. */
export interface CustodySeal extends z.infer<typeof CustodySealSchema> {}
