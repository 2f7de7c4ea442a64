import { z } from 'zod';
import { AuthoritySchema } from './authority.js';
import { FullDate, LongText, Text } from './common.js';

/** Families of legal instrument under which evidence is transmitted. */
export const INSTRUMENT_KINDS = [
  'un-cybercrime-convention',
  'budapest-convention',
  'budapest-second-protocol',
  'bilateral-treaty',
  'eu-e-evidence',
  'domestic-order',
  'other',
] as const;

/** Kinds of request a bundle answers. */
export const REQUEST_KINDS = [
  'mla-request',
  'preservation-request',
  'production-order',
  'spontaneous-information',
  'emergency-request',
  'other',
] as const;

/**
 * Schemes of structured request identifiers (format 1.1): an MLA request reference, an EU e-Evidence European
 * Production Order (EPOC) or European Preservation Order (EPOC-PR) certificate number, an ETSI TS 103 120
 * Lawful Disclosure identifier (LDID). Any other scheme is namespaced: `x-` and a lower-case name.
 */
export const REQUEST_ID_SCHEMES = ['mla-reference', 'eu-epoc', 'eu-epoc-pr', 'etsi-ldid'] as const;

/** A request identifier: a scheme of {@link REQUEST_ID_SCHEMES} or `x-<name>`, and its value verbatim. */
export const RequestIdentifierSchema = z
  .strictObject({
    scheme: z
      .union([z.enum(REQUEST_ID_SCHEMES), z.string().regex(/^x-[a-z0-9][a-z0-9.-]{0,61}$/, 'a known scheme, or x- and a lower-case name')])
      .meta({ description: 'mla-reference, eu-epoc, eu-epoc-pr, etsi-ldid, or a private scheme x-<name> (lower-case letters, digits, ".", "-")' }),
    value: Text.max(256).meta({ description: 'The identifier, verbatim, as the issuing system writes it' }),
  })
  .meta({ description: 'A structured identifier of the request (format 1.1)' });

/** A structured request identifier. */
export type RequestIdentifier = z.infer<typeof RequestIdentifierSchema>;

/** Why the evidence may be sent at all: the instrument, the request answered, who asked and who executes. */
export const LegalBasisSchema = z
  .strictObject({
    instrument: z
      .strictObject({
        kind: z.enum(INSTRUMENT_KINDS).meta({
          description:
            'Family of the instrument: un-cybercrime-convention (UN Convention against Cybercrime, 2024), budapest-convention (ETS No. 185), budapest-second-protocol (CETS No. 224), bilateral-treaty, eu-e-evidence (Regulation (EU) 2023/1543), domestic-order, other',
        }),
        name: Text.meta({ description: 'Full name of the instrument, e.g. United Nations Convention against Cybercrime' }),
        article: Text.optional().meta({ description: 'Article(s) relied on, e.g. Article 40' }),
      })
      .meta({ description: 'The legal instrument relied on' }),
    request: z
      .strictObject({
        kind: z.enum(REQUEST_KINDS).meta({ description: 'Kind of request answered' }),
        reference: Text.meta({ description: 'Reference of the request (MLA request number, order number)' }),
        date: FullDate.optional().meta({ description: 'Date of the request' }),
        identifiers: z
          .array(RequestIdentifierSchema)
          .min(1)
          .max(32)
          .refine((ids) => new Set(ids.map((i) => `${i.scheme} ${i.value}`)).size === ids.length, 'identifiers must be distinct')
          .optional()
          .meta({ description: 'Structured identifiers of the request, 1 to 32, distinct (format 1.1)', uniqueItems: true }),
      })
      .meta({ description: 'The request this bundle answers' }),
    requestingAuthority: AuthoritySchema.meta({ description: 'The authority that made the request (the receiver of the evidence)' }),
    executingAuthority: AuthoritySchema.meta({ description: 'The authority that executes the request and sends the evidence' }),
    purpose: LongText.meta({ description: 'The proceedings or purpose the evidence is for' }),
    useRestrictions: z
      .strictObject({
        speciality: z.boolean().meta({ description: 'Rule of speciality: the evidence may be used only for the stated purpose' }),
        conditions: z.array(LongText).min(1).max(1000).optional().meta({ description: 'Further conditions of use, verbatim' }),
      })
      .meta({ description: 'Restrictions on the use of the evidence' }),
    confidentiality: z
      .strictObject({
        requestConfidential: z.boolean().meta({ description: 'The request and its execution are confidential' }),
        note: LongText.optional().meta({ description: 'Details of the confidentiality conditions' }),
      })
      .meta({ description: 'Confidentiality of the request' }),
  })
  .meta({ description: 'The legal basis under which the evidence is transmitted' });

/** LegalBasis, as {@link LegalBasisSchema} parses it (the schema is the source of this type). */
export interface LegalBasis extends z.infer<typeof LegalBasisSchema> {}
