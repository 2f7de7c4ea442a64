import { z } from 'zod';
import { FullDate, LongText, Text } from './common.js';

/** The data categories of the conventions and the EU e-Evidence forms (subscriber, traffic, content) and `other`. */
export const DATA_CATEGORIES = ['subscriber', 'traffic', 'content', 'other'] as const;

/** What happens to the evidence when its retention period ends. */
export const RETENTION_ACTIONS = ['return', 'destroy', 'review'] as const;

/** How the receiver must handle the evidence. */
export const HandlingSchema = z
  .strictObject({
    marking: Text.meta({ description: 'Classification or handling marking, verbatim, e.g. TLP:AMBER or RESTRICTED - LAW ENFORCEMENT ONLY' }),
    dataCategories: z
      .array(z.enum(DATA_CATEGORIES))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'categories must be unique')
      .meta({ description: 'Categories of data in the bundle: subscriber, traffic, content, other; non-empty, each at most once', uniqueItems: true }),
    personalData: z
      .strictObject({
        present: z.boolean().meta({ description: 'The bundle contains personal data' }),
        categories: z
          .array(Text)
          .min(1)
          .max(1000)
          .optional()
          .meta({ description: 'Categories of personal data present, e.g. IP addresses, communications content' }),
      })
      .meta({ description: 'Whether personal data is present, and which kinds (for data-protection duties of the receiver)' }),
    retention: z
      .strictObject({
        until: FullDate.optional().meta({ description: 'Last day the evidence may be kept' }),
        onExpiry: z.enum(RETENTION_ACTIONS).meta({ description: 'What happens then: return to the sender, destroy, or review with the sender' }),
        conditions: LongText.optional().meta({ description: 'Further retention or return conditions' }),
      })
      .optional()
      .meta({ description: 'Retention or return conditions set by the sender' }),
  })
  .meta({ description: 'How the receiver must handle the evidence' });

/** Handling, as {@link HandlingSchema} parses it (the schema is the source of this type). */
export interface Handling extends z.infer<typeof HandlingSchema> {}
