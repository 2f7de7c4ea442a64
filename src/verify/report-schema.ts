import { z } from 'zod';
import { FINDING_CODE_LIST, type FindingCodeRecord } from '../report/codes.js';

/** The version of the verification report this library writes (docs/format.md, "Verification report"). */
export const REPORT_VERSION = '1.1';

/** The three outcomes of ETSI EN 319 102-1, section 5.1.3. */
export const OutcomeSchema = z
  .enum(['VALID', 'INVALID', 'INDETERMINATE'])
  .meta({ description: 'VALID: all checks hold. INVALID: something was altered or does not verify. INDETERMINATE: what was checked holds, but trust cannot be established.' });

// The closed list of this version's codes, typed by name so the declarations do not spell it out each time.
const FindingCodeSchema: z.ZodEnum<FindingCodeRecord> = z.enum(FINDING_CODE_LIST).meta({ description: 'Stable finding code, listed in docs/format.md ("Finding codes").' });

const FindingSchema = z.strictObject({
  code: FindingCodeSchema,
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  path: z.string().optional().meta({ description: 'Path inside the bundle.' }),
  item: z.string().optional().meta({ description: 'Item id.' }),
  signature: z.number().int().nonnegative().optional().meta({ description: 'Index in evidence/signatures.json.' }),
  custody: z.number().int().nonnegative().optional().meta({ description: 'Custody event sequence number.' }),
  rule: z.string().optional().meta({ description: 'Trust-policy rule concerned.' }),
  line: z.number().int().positive().optional().meta({ description: 'Line number in a text file.' }),
  params: z
    .record(z.string(), z.union([z.string().meta({ description: 'text, or an RFC 3339 time' }), z.number().meta({ description: 'a count, size, line or sequence number' })]))
    .optional()
    .meta({ description: 'The values the message is made of, named per code (docs/format.md, "Finding parameters and report versions"); absent when the code has none. Report version 1.1.' }),
});

const ItemResultSchema = z.strictObject({
  id: z.string(),
  path: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  status: z
    .enum(['intact', 'altered', 'missing', 'withheld', 'unchecked'])
    .meta({ description: 'intact: every digest matches; altered: a digest or the size differs; missing: bytes absent; withheld: not disclosed; unchecked: not verified (manifest unreadable).' }),
  withheld: z
    .strictObject({
      reason: z.string(),
      legalBasis: z.string().optional(),
      by: z.string().optional().meta({ description: 'Who withheld it: the actor of the redaction event, "name (role, organisation, country)"' }),
      kid: z.string().optional(),
      time: z.string().optional(),
      custody: z.number().int().positive().optional().meta({ description: 'seq of the redaction event' }),
    })
    .optional()
    .meta({ description: 'For a withheld item: why, and for an item withheld by redaction (format 1.2) by whom and when. Nothing else of the item is shown.' }),
});

const SignatureResultSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  status: z.enum(['valid', 'invalid', 'untrusted', 'malformed']),
  trusted: z.boolean().meta({ description: 'The signature verifies with a key the verifier trusts.' }),
  alg: z.string().optional(),
  kid: z.string().optional(),
  role: z.string().optional(),
  signedAt: z.string().optional().meta({ description: 'Claimed signing time (sigT header), not proven unless timestamped.' }),
  authority: z.string().optional().meta({ description: 'Id of the trust-policy authority whose key or X.509 anchor verified the signature.' }),
  timestamp: z
    .strictObject({ status: z.string(), genTime: z.string().optional() })
    .optional()
    .meta({ description: 'What the RFC 3161 timestamp tokens of the signature prove (genTime: the proven signing time).' }),
});

const CustodyEventResultSchema = z.strictObject({
  seq: z.number().int().positive(),
  type: z.string(),
  time: z.string(),
  actor: z.string().meta({ description: 'name (role, organisation, country)' }),
  kid: z.string(),
  items: z.union([z.array(z.string()), z.literal('all')]),
  place: z.string(),
  purpose: z.string(),
  counterparty: z.string().optional(),
  status: z
    .enum(['valid', 'invalid', 'untrusted', 'malformed'])
    .meta({ description: 'valid: signed by its actor with a trusted key and breaks no rule; untrusted: the key is unknown; invalid or malformed: see the findings at its custody number' }),
});

const BundleIdentitySchema = z.strictObject({
  bundleId: z.string(),
  formatVersion: z.string(),
  createdAt: z.string(),
  creator: z.strictObject({ name: z.string(), country: z.string() }),
  caseReference: z.string(),
  caseTitle: z.string().optional(),
  instrument: z.string(),
  article: z.string().optional(),
  requestReference: z.string(),
  requestingCountry: z.string(),
  executingCountry: z.string(),
});

/** The machine-readable verification report (`evb verify --json`). */
export const VerificationReportSchema = z
  .strictObject({
    reportVersion: z.literal(REPORT_VERSION).meta({ description: '1.1: findings carry params. A 1.0 report is a 1.1 report without params.' }),
    outcome: OutcomeSchema,
    checkedAt: z.string().meta({ description: 'When the verification ran (RFC 3339).' }),
    bundle: BundleIdentitySchema.nullable().meta({ description: 'Identity of the bundle, or null when its manifest could not be read.' }),
    items: z.array(ItemResultSchema),
    signatures: z.array(SignatureResultSchema),
    custody: z.strictObject({
      events: z.array(CustodyEventResultSchema).meta({ description: 'The custody timeline, in sequence order' }),
      custodians: z.record(z.string(), z.string()).meta({ description: 'Item id -> key id of its custodian at the end of the log' }),
    }).nullable().meta({ description: 'The custody log, or null when the bundle has none' }),
    findings: z.array(FindingSchema),
    summary: z.strictObject({
      errors: z.number().int().nonnegative(),
      warnings: z.number().int().nonnegative(),
      itemsIntact: z.number().int().nonnegative(),
      itemsTotal: z.number().int().nonnegative(),
      trustedSignatures: z.number().int().nonnegative(),
    }),
  })
  .meta({ title: 'evidence-bundle verification report', description: 'Result of verifying an evidence bundle against the receiver\'s trusted keys or trust policy.' });

/** `VALID`, `INVALID` or `INDETERMINATE` (ETSI EN 319 102-1): the verdict of a verification report. */
export type Outcome = z.infer<typeof OutcomeSchema>;
/** VerificationReport, as {@link VerificationReportSchema} parses it (the schema is the source of this type). */
export interface VerificationReport extends z.infer<typeof VerificationReportSchema> {}
/** ItemResult, as {@link ItemResultSchema} parses it (the schema is the source of this type). */
export interface ItemResult extends z.infer<typeof ItemResultSchema> {}
/** SignatureResult, as {@link SignatureResultSchema} parses it (the schema is the source of this type). */
export interface SignatureResult extends z.infer<typeof SignatureResultSchema> {}
/** BundleIdentity, as {@link BundleIdentitySchema} parses it (the schema is the source of this type). */
export interface BundleIdentity extends z.infer<typeof BundleIdentitySchema> {}
/** CustodyEventResult, as {@link CustodyEventResultSchema} parses it (the schema is the source of this type). */
export interface CustodyEventResult extends z.infer<typeof CustodyEventResultSchema> {}
