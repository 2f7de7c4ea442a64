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
        email: z.email().max(254).optional().meta({ description: 'E-mail address (RFC 5322 addr-spec)' }),
        phone: z
          .string()
          .regex(/^\+?[0-9 ()-]{4,32}$/, 'must be a telephone number: digits, spaces, "(", ")", "-", optional leading "+"')
          .optional()
          .meta({ description: 'Telephone, preferably international format (E.164 with spaces allowed), e.g. +84 24 3825 5058' }),
        address: Text.optional().meta({ description: 'Postal address, lines separated by line feeds' }),
      })
      .optional()
      .meta({ description: 'How to reach the authority about this bundle' }),
    languages: z
      .array(LanguageTag)
      .min(1)
      .max(32)
      .optional()
      .meta({ description: 'Languages the authority works in (BCP 47), preferred first' }),
  })
  .meta({ description: 'An authority (central authority, prosecutor, police unit, court) and its country' });

/** Authority, as {@link AuthoritySchema} parses it (the schema is the source of this type). */
export interface Authority extends z.infer<typeof AuthoritySchema> {}
