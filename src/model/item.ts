import { z } from 'zod';
import { DateTime, Digests, Identifier, ItemPath, MediaType, MultilingualText, Text } from './common.js';

const Acquisition = z
  .strictObject({
    method: Text.meta({ description: 'How the data was acquired, e.g. physical acquisition through a write blocker' }),
    tool: z.strictObject({ name: Text, version: Text }).optional(),
    source: Text.optional().meta({ description: 'The device, account or system acquired from' }),
    time: DateTime,
    actor: Identifier.meta({ description: 'id of an actor of the manifest' }),
    place: Text.optional(),
  })
  .meta({ description: 'How, when, where and by whom the item was acquired' });

const Disclosure = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('present') }),
    z.strictObject({
      status: z.literal('withheld'),
      reason: Text.meta({ description: 'Why the bytes are not disclosed' }),
      legalBasis: Text.optional(),
    }),
  ])
  .meta({ description: 'present: the bytes are in data/; withheld: declared but not disclosed' });

/** One piece of evidence. */
export const ItemSchema = z
  .strictObject({
    id: Identifier,
    path: ItemPath.optional().meta({ description: 'Path of the bytes inside data/; required when present, absent when withheld' }),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Size in bytes; required when present' }),
    mediaType: MediaType,
    digests: Digests.optional().meta({ description: 'Digests of the bytes; required when present, optional (a commitment) when withheld' }),
    description: MultilingualText.optional(),
    acquisition: Acquisition.optional(),
    derivedFrom: z
      .array(z.strictObject({ item: Identifier, method: Text.meta({ description: 'How this item was derived from that one' }) }))
      .min(1)
      .optional(),
    disclosure: Disclosure,
  })
  .meta({ description: 'An evidence item' });

export type Item = z.infer<typeof ItemSchema>;
