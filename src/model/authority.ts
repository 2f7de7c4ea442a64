import { z } from 'zod';
import { Country, LanguageTag, Text } from './common.js';

/** An authority: a central authority, a prosecutor, a police unit, a court. */
export const AuthoritySchema = z
  .strictObject({
    name: Text.meta({ description: 'Official name of the authority' }),
    country: Country,
    unit: Text.optional().meta({ description: 'Department or unit within the authority' }),
    contact: z
      .strictObject({
        email: z.email().optional(),
        phone: z.string().regex(/^\+?[0-9 ()-]{4,32}$/).optional().meta({ description: 'Telephone, international format' }),
        address: Text.optional(),
      })
      .optional(),
    languages: z.array(LanguageTag).min(1).optional().meta({ description: 'Languages the authority works in (BCP 47)' }),
  })
  .meta({ description: 'An authority (central authority, prosecutor, police unit, court) and its country' });

export type Authority = z.infer<typeof AuthoritySchema>;
