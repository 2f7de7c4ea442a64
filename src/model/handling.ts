import { z } from 'zod';
import { FullDate, Text } from './common.js';

export const DATA_CATEGORIES = ['subscriber', 'traffic', 'content', 'other'] as const;

/** How the receiver must handle the evidence. */
export const HandlingSchema = z
  .strictObject({
    marking: Text.meta({ description: 'Classification or handling marking, e.g. RESTRICTED - LAW ENFORCEMENT ONLY' }),
    dataCategories: z
      .array(z.enum(DATA_CATEGORIES))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'categories must be unique')
      .meta({ description: 'Categories of data (as in the conventions and the EU e-Evidence forms); unique', uniqueItems: true }),
    personalData: z.strictObject({
      present: z.boolean(),
      categories: z.array(Text).optional().meta({ description: 'Categories of personal data present' }),
    }),
    retention: z
      .strictObject({
        until: FullDate.optional(),
        onExpiry: z.enum(['return', 'destroy', 'review']),
        conditions: Text.optional(),
      })
      .optional(),
  })
  .meta({ description: 'Handling conditions' });

export type Handling = z.infer<typeof HandlingSchema>;
