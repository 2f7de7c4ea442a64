import { z } from 'zod';
import { AuthoritySchema } from './authority.js';
import { FullDate, Text } from './common.js';

export const INSTRUMENT_KINDS = [
  'un-cybercrime-convention',
  'budapest-convention',
  'budapest-second-protocol',
  'bilateral-treaty',
  'eu-e-evidence',
  'domestic-order',
  'other',
] as const;

export const REQUEST_KINDS = [
  'mla-request',
  'preservation-request',
  'production-order',
  'spontaneous-information',
  'emergency-request',
  'other',
] as const;

/** Why the evidence may be sent at all: the instrument, the request answered, who asked and who executes. */
export const LegalBasisSchema = z
  .strictObject({
    instrument: z.strictObject({
      kind: z.enum(INSTRUMENT_KINDS).meta({ description: 'Family of the legal instrument' }),
      name: Text.meta({ description: 'Full name, e.g. United Nations Convention against Cybercrime' }),
      article: Text.optional().meta({ description: 'Article(s) relied on, e.g. Article 40' }),
    }),
    request: z.strictObject({
      kind: z.enum(REQUEST_KINDS),
      reference: Text.meta({ description: 'Reference of the request (MLA request number, order number)' }),
      date: FullDate.optional(),
    }),
    requestingAuthority: AuthoritySchema.meta({ description: 'The authority that made the request (receives the evidence)' }),
    executingAuthority: AuthoritySchema.meta({ description: 'The authority that executes the request (sends the evidence)' }),
    purpose: Text.meta({ description: 'The proceedings or purpose the evidence is for' }),
    useRestrictions: z.strictObject({
      speciality: z.boolean().meta({ description: 'Rule of speciality: use only for the stated proceedings' }),
      conditions: z.array(Text).optional().meta({ description: 'Further conditions of use' }),
    }),
    confidentiality: z.strictObject({
      requestConfidential: z.boolean().meta({ description: 'The request itself is confidential' }),
      note: Text.optional(),
    }),
  })
  .meta({ description: 'The legal basis under which the evidence is transmitted' });

export type LegalBasis = z.infer<typeof LegalBasisSchema>;
