import { z } from 'zod';
import { DateTime, Digests, Identifier, ItemPath, LongText, MediaType, MultilingualText, Text } from './common.js';

const Acquisition = z
  .strictObject({
    method: Text.meta({ description: 'How the data was acquired, e.g. logical export through the provider\'s law-enforcement portal' }),
    tool: z
      .strictObject({
        name: Text.meta({ description: 'Name of the tool' }),
        version: Text.meta({ description: 'Exact version of the tool' }),
      })
      .optional()
      .meta({ description: 'The acquisition tool' }),
    source: Text.optional().meta({ description: 'The device, account or system acquired from' }),
    time: DateTime.meta({ description: 'When the acquisition ended, RFC 3339 with offset' }),
    actor: Identifier.meta({ description: 'id of the actor (in actors) who acquired the item' }),
    place: Text.optional().meta({ description: 'Where the acquisition took place' }),
  })
  .meta({ description: 'How, when, where and by whom the item was acquired' });

const Derivation = z
  .strictObject({
    item: Identifier.meta({ description: 'id of another item of this manifest' }),
    method: Text.meta({ description: 'How this item was derived from that one, e.g. carved from unallocated space, exported to CSV' }),
  })
  .meta({ description: 'This item was extracted or converted from another item' });

const Disclosure = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('present').meta({ description: 'The bytes are in data/ at path' }) }),
    z.strictObject({
      status: z.literal('withheld').meta({ description: 'The item is declared but its bytes are not in the bundle' }),
      reason: LongText.meta({ description: 'Why the bytes are not disclosed' }),
      legalBasis: Text.optional().meta({ description: 'The provision that allows or requires withholding' }),
    }),
  ])
  .meta({ description: 'Whether the bytes are disclosed: {"status":"present"} or {"status":"withheld","reason":...}' });

// The same rule as itemDisclosureRule below, for JSON Schema readers.
const PRESENCE_RULE = {
  allOf: [
    {
      if: { properties: { disclosure: { type: 'object', properties: { status: { const: 'present' } } } } },
      // `properties` beside `required`, and `false` for "absent", so that strict validators (ajv's strictRequired)
      // accept the rule: each required name is declared where it is required.
      then: { properties: { path: true, size: true, digests: true }, required: ['path', 'size', 'digests'] },
      else: { properties: { path: false } },
    },
  ],
};

/** A present item has bytes in the bag, so path, size and digests; a withheld one has no path. */
function itemDisclosureRule(item: z.infer<typeof ItemShape>, ctx: z.RefinementCtx): void {
  if (item.disclosure.status === 'present') {
    for (const field of ['path', 'size', 'digests'] as const) {
      if (item[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a present item needs ${field}` });
    }
  } else if (item.path !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['path'], message: 'a withheld item has no path (its bytes are not in the bag)' });
  }
}

const ItemShape = z.strictObject({
  id: Identifier.meta({ description: 'Identifier of the item, unique in the manifest' }),
  path: ItemPath.optional().meta({
    description: 'Path of the bytes relative to the bag\'s data/ directory (path rules of the format specification); required when present, absent when withheld',
  }),
  size: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({ description: 'Size of the bytes, in bytes (at most 2^53 - 1); required when present, optional commitment when withheld' }),
  mediaType: MediaType,
  digests: Digests.optional().meta({ description: 'Digests of the bytes; required when present, optional commitment when withheld' }),
  description: MultilingualText.optional().meta({ description: 'What the item is, in one or more languages' }),
  acquisition: Acquisition.optional(),
  derivedFrom: z
    .array(Derivation)
    .min(1)
    .max(1000)
    .optional()
    .meta({ description: 'The items this one was derived from, and how' }),
  disclosure: Disclosure,
});

/** One piece of evidence: its bytes (by path, size and digests), what it is, where it came from, and whether it is disclosed. */
export const ItemSchema = ItemShape.superRefine(itemDisclosureRule).meta({
  description: 'An evidence item. A present item has path, size and digests; a withheld item has no path and may keep size and digests as a commitment.',
  ...PRESENCE_RULE,
});

/** Item, as {@link ItemSchema} parses it (the schema is the source of this type). */
export interface Item extends z.infer<typeof ItemSchema> {}
