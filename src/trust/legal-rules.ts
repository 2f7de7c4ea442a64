import { z } from 'zod';
import type { Manifest } from '../model/manifest.js';
import { INSTRUMENT_KINDS, REQUEST_KINDS } from '../model/legal-basis.js';
import type { Finding } from '../report/finding-type.js';
import { policyFinding } from './policy-finding.js';

const distinct = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'entries must be distinct');

/** Longest retention a policy may state: a hundred years, in days. */
export const MAX_RETENTION_DAYS = 36_525;

/**
 * What the receiver accepts of a bundle's legal metadata (docs/format.md, "Legal rules"): the instruments it
 * has ratified or applies, the kinds of request it answers or makes, that the request be its own State's, how
 * long its law lets it keep what it receives, and the use restrictions it needs to see. Every rule is optional;
 * a policy without `legal` accepts any legal basis.
 */
export const LegalRulesSchema = z
  .strictObject({
    instruments: distinct(z.enum(INSTRUMENT_KINDS))
      .optional()
      .meta({ description: 'Accepted legalBasis.instrument.kind values; another instrument gives policy.legal.instrument.refused.' }),
    requestKinds: distinct(z.enum(REQUEST_KINDS))
      .optional()
      .meta({ description: 'Accepted legalBasis.request.kind values; another kind gives policy.legal.request-kind.refused.' }),
    requestingCountry: z
      .literal('owner')
      .optional()
      .meta({ description: '"owner": the requesting authority\'s country must be the policy owner\'s country (policy.legal.requesting-country.mismatch).' }),
    maxRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_RETENTION_DAYS)
      .optional()
      .meta({ description: 'The longest the receiver may keep evidence, in days: handling.retention.until minus the UTC date of createdAt must be at most this (policy.legal.retention.exceeded; no until is no limit).' }),
    useRestrictions: z
      .strictObject({
        speciality: z.boolean().optional().meta({ description: 'The value legalBasis.useRestrictions.speciality must have.' }),
        conditions: z
          .enum(['refused'])
          .optional()
          .meta({ description: '"refused": the bundle must carry no further conditions of use (legalBasis.useRestrictions.conditions).' }),
      })
      .optional()
      .meta({ description: 'Use restrictions the bundle must declare (policy.legal.use-restrictions.unmet).' }),
  })
  .meta({ description: 'What the receiver accepts of the legal metadata: instruments, request kinds, the requesting country, retention, use restrictions.' });

/** The legal rules of a trust policy. */
export type LegalRules = z.infer<typeof LegalRulesSchema>;

const DAY_MS = 86_400_000;

/**
 * Checks a manifest's legal metadata against the policy's legal rules, one finding per rule broken (each with
 * `rule` `legal.<member>`). The manifest is trusted content only once its signatures are: the caller checks it
 * after them, and its findings add to theirs.
 */
export function checkLegalRules(rules: LegalRules | undefined, ownerCountry: string, manifest: Manifest): Finding[] {
  if (rules === undefined) return [];
  const lb = manifest.legalBasis;
  const findings: Finding[] = [];
  if (rules.instruments !== undefined && !rules.instruments.includes(lb.instrument.kind)) {
    findings.push(
      policyFinding('policy.legal.instrument.refused', `instrument ${lb.instrument.kind} is not one the policy accepts (${rules.instruments.join(', ')})`, { rule: 'legal.instruments' }, {
        value: lb.instrument.kind,
        allowed: rules.instruments.join(', '),
      }),
    );
  }
  if (rules.requestKinds !== undefined && !rules.requestKinds.includes(lb.request.kind)) {
    findings.push(
      policyFinding('policy.legal.request-kind.refused', `request kind ${lb.request.kind} is not one the policy accepts (${rules.requestKinds.join(', ')})`, { rule: 'legal.requestKinds' }, {
        value: lb.request.kind,
        allowed: rules.requestKinds.join(', '),
      }),
    );
  }
  if (rules.requestingCountry === 'owner' && lb.requestingAuthority.country !== ownerCountry) {
    findings.push(
      policyFinding(
        'policy.legal.requesting-country.mismatch',
        `the bundle answers a request of ${lb.requestingAuthority.country}, not of the policy owner's country ${ownerCountry}`,
        { rule: 'legal.requestingCountry' },
        { country: lb.requestingAuthority.country, expected: ownerCountry },
      ),
    );
  }
  if (rules.maxRetentionDays !== undefined) {
    const until = manifest.handling.retention?.until;
    // Calendar days, so that the answer does not hang on the hour of packing: `until` minus the UTC date of
    // createdAt.
    const created = new Date(manifest.createdAt).toISOString().slice(0, 10);
    const days = until === undefined ? Infinity : Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${created}T00:00:00Z`)) / DAY_MS);
    if (days > rules.maxRetentionDays) {
      findings.push(
        policyFinding(
          'policy.legal.retention.exceeded',
          until === undefined
            ? `the bundle sets no retention limit; the policy allows at most ${rules.maxRetentionDays} days`
            : `retention until ${until} is ${days} days from the bundle's creation; the policy allows at most ${rules.maxRetentionDays}`,
          { rule: 'legal.maxRetentionDays' },
          // No `until` is no limit at all: shown as the sign every language reads.
          { value: until ?? '∞', limit: rules.maxRetentionDays },
        ),
      );
    }
  }
  const use = rules.useRestrictions;
  if (use?.speciality !== undefined && lb.useRestrictions.speciality !== use.speciality) {
    findings.push(
      policyFinding('policy.legal.use-restrictions.unmet', `the policy requires speciality ${use.speciality}, the bundle declares ${lb.useRestrictions.speciality}`, {
        rule: 'legal.useRestrictions.speciality',
      }, { requirement: 'speciality', expected: String(use.speciality), actual: String(lb.useRestrictions.speciality) }),
    );
  }
  if (use?.conditions === 'refused' && lb.useRestrictions.conditions !== undefined) {
    findings.push(
      policyFinding('policy.legal.use-restrictions.unmet', `the bundle sets ${lb.useRestrictions.conditions.length} further condition(s) of use, which the policy refuses`, {
        rule: 'legal.useRestrictions.conditions',
      }, { requirement: 'conditions', expected: 'none', actual: String(lb.useRestrictions.conditions.length) }),
    );
  }
  return findings;
}
