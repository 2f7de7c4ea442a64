import { z } from 'zod';
import { Country, DateTime, Identifier, Text } from '../model/common.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../sign/algorithms.js';
import { LegalRulesSchema } from './legal-rules.js';

/** The roles an authority may sign in (docs/format.md, "Trust policy"). */
export const TRUST_ROLES = ['packager', 'certifier', 'custodian'] as const;

/** A role of the trust policy. */
export type TrustRole = (typeof TRUST_ROLES)[number];

/** Largest clock skew a policy may allow: a day. Unbounded skew would make every validity period meaningless. */
export const MAX_CLOCK_SKEW_SECONDS = 86_400;

// Members of a JWK that hold secret material (RFC 7518 sections 6.2.2, 6.3.2, 6.4; RFC 8037 section 2). They are
// refused with their own message: a policy is shared and published, and a private key in it is a leak to stop.
const secret = (member: string) =>
  z.never({ error: `private key member "${member}": a trust policy holds public keys only` }).optional();

const id = Identifier;
const text = (max: number) => Text.max(max);
const country = Country;
const dateTime = DateTime;
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding');
// One PEM CERTIFICATE block (RFC 7468 section 5); the certificate itself is parsed when it is used.
const pemCertificate = z
  .string()
  .max(64 * 1024)
  .regex(/^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/, 'one PEM certificate (RFC 7468)')
  .meta({ description: 'One X.509 certificate, PEM (RFC 7468)' });

/** A public signature key (RFC 7517) of a kind the signature table knows. */
export const PublicJwkSchema = z
  .strictObject({
    kty: z.enum(['OKP', 'EC', 'RSA']),
    crv: z.string().optional(),
    x: b64url.optional(),
    y: b64url.optional(),
    n: b64url.optional(),
    e: b64url.optional(),
    alg: z.string().optional(),
    use: z.literal('sig').optional(),
    key_ops: z.array(z.string()).optional(),
    kid: z.string().max(256).optional(),
    x5c: z.array(z.string()).optional(),
    x5t: z.string().optional(),
    'x5t#S256': z.string().optional(),
    ext: z.boolean().optional(),
    d: secret('d'),
    p: secret('p'),
    q: secret('q'),
    dp: secret('dp'),
    dq: secret('dq'),
    qi: secret('qi'),
    oth: secret('oth'),
    k: secret('k'),
  })
  .superRefine((jwk, ctx) => {
    // The members RFC 7638 section 3.2 hashes into the thumbprint must be there, or no kid can name the key.
    const required = { OKP: ['crv', 'x'], EC: ['crv', 'x', 'y'], RSA: ['n', 'e'] } as const;
    for (const member of required[jwk.kty]) {
      if (jwk[member] === undefined) ctx.addIssue({ code: 'custom', message: `a ${jwk.kty} key needs "${member}"`, path: [member] });
    }
  })
  .meta({ description: 'A public JWK (RFC 7517); private members are refused.' });

const roles = z
  .array(z.enum(TRUST_ROLES))
  .min(1)
  .refine((r) => new Set(r).size === r.length, 'roles must be distinct');

/** An authority the receiver trusts: who it is, where, in which roles, with which keys, and for how long. */
export const TrustedAuthoritySchema = z
  .strictObject({
    id: id.meta({ description: 'Rule id of this authority, named by findings.' }),
    name: text(256),
    country,
    roles: roles.meta({ description: 'The roles in which the authority\'s signatures are accepted.' }),
    keys: z.array(PublicJwkSchema).min(1).max(256).optional().meta({ description: 'Public signature keys (JWK), matched by RFC 7638 thumbprint.' }),
    x509Anchors: z.array(pemCertificate).min(1).max(64).optional().meta({ description: 'Trust anchors (PEM) to which a signature\'s x5c chain must lead.' }),
    validFrom: dateTime.optional().meta({ description: 'Signatures made before this time are not trusted.' }),
    validUntil: dateTime.optional().meta({ description: 'Signatures made after this time are not trusted.' }),
  })
  .refine((a) => a.keys !== undefined || a.x509Anchors !== undefined, 'an authority needs keys, x509Anchors or both')
  .refine(
    (a) => a.validFrom === undefined || a.validUntil === undefined || Date.parse(a.validFrom) <= Date.parse(a.validUntil),
    'validFrom is after validUntil',
  );

/** A signature the receiver requires: at least `min` distinct signers in `role` from `country`. */
export const TrustRequirementSchema = z.strictObject({
  id: id.meta({ description: 'Rule id of this requirement, named by findings.' }),
  role: z.enum(TRUST_ROLES),
  country: z
    .union([country, z.literal('sender')])
    .meta({ description: 'ISO 3166-1 alpha-2 code, or "sender": the country of the manifest\'s executing authority.' }),
  min: z.number().int().min(1).max(64),
});

/** A time-stamping authority (RFC 3161) whose tokens the receiver accepts as proof of time. */
export const TimestampAuthoritySchema = z
  .strictObject({
    id,
    name: text(256),
    anchors: z.array(pemCertificate).min(1).max(64),
    intermediates: z
      .array(pemCertificate)
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Intermediate CA certificates (PEM) that complete the TSA certificate\'s path when a token does not carry them; never anchors.' }),
    validFrom: dateTime.optional().meta({ description: 'Tokens whose genTime is before this time are not accepted.' }),
    validUntil: dateTime.optional().meta({ description: 'Tokens whose genTime is after this time are not accepted (the TSA closed, or its key was retired).' }),
  })
  .refine(
    (a) => a.validFrom === undefined || a.validUntil === undefined || Date.parse(a.validFrom) <= Date.parse(a.validUntil),
    'validFrom is after validUntil',
  );

/** What the receiver requires of the custody log (docs/format.md, "Trust policy"). */
export const CustodyRequirementSchema = z.strictObject({
  requireFinalCustody: z
    .union([z.literal('owner'), z.array(id).min(1).max(1024).refine((ids) => new Set(ids).size === ids.length, 'authority ids must be distinct')])
    .meta({
      description:
        'Every present item must end the log held, through a valid and trusted `received` event, by a key of an authority of the owner\'s country ("owner") or of one of the listed authorities (ids).',
    }),
});

/**
 * Revocation information the receiver holds and whether it requires some (docs/format.md, "Revocation"). CRLs and
 * OCSP responses are never fetched by the verifier: they come from here, from `VerifyOptions.revocationData`, or
 * from the bundle's validation data.
 */
export const RevocationPolicySchema = z.strictObject({
  required: z
    .boolean()
    .default(false)
    .meta({ description: 'Every certificate of a signature\'s x5c path but the anchor must have a CRL or OCSP response covering the signing time.' }),
  crls: z
    .array(z.string().max(12 * 1024 * 1024))
    .max(64)
    .default([])
    .meta({ description: 'CRLs (RFC 5280), PEM (X509 CRL) or base64 DER.' }),
  ocspResponses: z
    .array(z.string().max(1024 * 1024))
    .max(256)
    .default([])
    .meta({ description: 'OCSP responses (RFC 6960 OCSPResponse), PEM or base64 DER.' }),
});

const algorithmNames = Object.keys(SIGNATURE_ALGORITHMS) as [SignatureAlgorithm, ...SignatureAlgorithm[]];

/**
 * The receiver's trust policy: whom it trusts, for what, with which algorithms, and which signatures it
 * requires before it calls a bundle VALID. Parsed strictly: an unknown member is an error, never ignored.
 */
export const TrustPolicySchema = z
  .strictObject({
    policyVersion: z.literal('1.0'),
    name: text(256),
    owner: z.strictObject({ country, authority: text(256) }).meta({ description: 'The receiving State and authority whose policy this is.' }),
    algorithms: z
      .array(z.enum(algorithmNames))
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'algorithms must be distinct')
      .default([...algorithmNames])
      .meta({ description: 'Signature algorithms accepted (a subset of the library\'s table; default: all).' }),
    maxClockSkewSeconds: z.number().int().min(0).max(MAX_CLOCK_SKEW_SECONDS).default(300),
    requireTimestamp: z.boolean().default(false).meta({ description: 'Every signature must carry a valid timestamp from a trusted TSA.' }),
    authorities: z.array(TrustedAuthoritySchema).max(1024),
    requirements: z.array(TrustRequirementSchema).max(256).default([]),
    timestampAuthorities: z.array(TimestampAuthoritySchema).max(256).default([]),
    custody: CustodyRequirementSchema.optional().meta({ description: 'What the receiver requires of the custody log.' }),
    legal: LegalRulesSchema.optional().meta({ description: 'What the receiver accepts of the legal metadata (src/trust/legal-rules.ts).' }),
    revocation: RevocationPolicySchema.optional().meta({ description: 'Revocation information the receiver holds, and whether it requires it.' }),
  })
  .superRefine((policy, ctx) => {
    // Findings name rules by id, so an id must name one rule only.
    const seen = new Set<string>();
    const lists = [
      ['authorities', policy.authorities],
      ['requirements', policy.requirements],
      ['timestampAuthorities', policy.timestampAuthorities],
    ] as const;
    for (const [member, list] of lists) {
      list.forEach((rule, index) => {
        if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id "${rule.id}"`, path: [member, index, 'id'] });
        seen.add(rule.id);
      });
    }
    const final = policy.custody?.requireFinalCustody;
    if (Array.isArray(final)) {
      const authorities = new Set(policy.authorities.map((a) => a.id));
      final.forEach((ref, index) => {
        if (!authorities.has(ref)) ctx.addIssue({ code: 'custom', message: `"${ref}" is not an authority of the policy`, path: ['custody', 'requireFinalCustody', index] });
      });
    }
  })
  .meta({ title: 'evidence-bundle trust policy', description: 'The receiver\'s trust policy: trusted authorities, roles, keys, anchors, algorithms and required signatures.' });

/** A parsed trust policy (defaults filled in). */
export interface TrustPolicy extends z.infer<typeof TrustPolicySchema> {}
/** A trust policy as written in a file (defaults may be left out). */
export type TrustPolicyInput = z.input<typeof TrustPolicySchema>;
/** One trusted authority of a policy. */
export interface TrustedAuthority extends z.infer<typeof TrustedAuthoritySchema> {}
/** One required signature of a policy. */
export interface TrustRequirement extends z.infer<typeof TrustRequirementSchema> {}
/** What a policy requires of the custody log. */
export interface CustodyRequirement extends z.infer<typeof CustodyRequirementSchema> {}
/** What a policy says about revocation information. */
export interface RevocationPolicy extends z.infer<typeof RevocationPolicySchema> {}
/** One trusted time-stamping authority of a policy. */
export interface TimestampAuthority extends z.infer<typeof TimestampAuthoritySchema> {}
