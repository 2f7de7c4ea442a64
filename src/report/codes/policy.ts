import type { FindingDefinition } from '../finding.js';

/**
 * Findings of the receiver's trust policy (docs/format.md, "Trust policy"). A finding names the policy rule
 * concerned in its `rule` field (an authority id, a requirement id, a timestamp authority id, or a policy member
 * such as `algorithms`). Trust that cannot be established is INDETERMINATE; a signature, certificate binding or
 * timestamp that does not verify is INVALID (ETSI EN 319 102-1, section 5.1.3).
 */
export const POLICY_FINDINGS = {
  'policy.signer.unknown': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The signature names a key that no authority of the receiver\'s policy holds, and carries no certificate chain to its anchors.',
  },
  'policy.role.not-allowed': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The signer\'s authority is trusted, but not for the role the signature claims.',
  },
  'policy.authority.not-valid-at-time': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The signer\'s authority is trusted only for a period (validFrom, validUntil) that does not include the signing time.',
  },
  'policy.algorithm.refused': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The signature algorithm is not among the algorithms the receiver\'s policy accepts.',
  },
  'policy.certificate.untrusted': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The certificate chain carried in the signature (x5c) does not lead to a trust anchor of the policy.',
  },
  'policy.certificate.expired': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'A certificate of the chain was expired at the signing time, and no valid timestamp proves that the signature existed while it was valid.',
  },
  'policy.certificate.not-yet-valid': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'A certificate of the chain was not yet valid at the signing time.',
  },
  'policy.certificate.invalid': {
    severity: 'error',
    effect: 'indeterminate',
    summary: 'The certificate chain carried in the signature is malformed or fails validation (signature, key usage, basic constraints, path length, name constraints, certificate policies, an unknown critical extension, a CA certificate or one for another purpose than signing documents as the leaf): the signer cannot be identified through it.',
  },
  'policy.certificate.key-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The leaf certificate certifies a key other than the one that made the signature (the kid of the protected header).',
  },
  'policy.archive-timestamp.invalid': {
    severity: 'warning',
    effect: 'none',
    summary: 'A link of the archive-timestamp chain is malformed, does not verify, is out of order, or does not cover the bundle as it is (a file changed or was added after it): it and the links before it prove no time, and the signatures are judged without them.',
  },
  'policy.archive-timestamp.later': {
    severity: 'info',
    effect: 'none',
    summary: 'A link of the archive-timestamp chain is dated after the time the verification is made at (`--at`, `currentDate`): it did not exist then, and it and the links after it are left out.',
  },
  'policy.archive-timestamp.proven': {
    severity: 'info',
    effect: 'none',
    summary: 'The archive-timestamp chain proves that the bundle, as it is, existed at the time given in the message: signatures and their timestamps are judged at that time.',
  },
  'policy.archive-timestamp.untrusted': {
    severity: 'warning',
    effect: 'none',
    summary: 'A link of the archive-timestamp chain comes from a time-stamping authority the policy does not trust, or its TSA certificate was not valid at the time the next link (or the verification time) proves: it and the links before it prove no time.',
  },
  'policy.timestamp.missing': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The policy requires a timestamp on every signature, and this signature has no valid, trusted one.',
  },
  'policy.timestamp.invalid': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An RFC 3161 timestamp token attached to the signature is malformed, does not cover the signature value, does not verify or is dated in the future: it proves no time, and the signature is judged without it.',
  },
  'policy.timestamp.authority-not-valid-at-time': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An RFC 3161 timestamp token verifies and chains to a trusted time-stamping authority, but its genTime is outside the period (validFrom, validUntil) in which the policy accepts that authority\'s tokens: it proves no time.',
  },
  'policy.timestamp.untrusted': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An RFC 3161 timestamp token was issued by a time-stamping authority that the policy does not trust: it proves nothing.',
  },
  'policy.requirement.unmet': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'A signature the policy requires (a role, a country, a number of distinct signers) is missing.',
  },
  'policy.revocation.ignored': {
    severity: 'info',
    effect: 'none',
    summary: 'The policy does not require revocation information, and the CRLs or OCSP responses that name a certificate of the path prove nothing at the time that matters (a signature that does not verify, an unauthorised responder, outside thisUpdate/nextUpdate): the certificate is judged without them.',
  },
  'policy.revocation.malformed': {
    severity: 'warning',
    effect: 'none',
    summary: 'A CRL or OCSP response given to the verifier (by the receiver or in the bundle\'s validation data) is not strict DER, not a successful basic OCSP response, or exceeds the size cap: it is left out. When the policy requires revocation information, the certificates it would have covered get their own findings.',
  },
  'policy.revocation.missing': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The policy requires revocation information, and no CRL or OCSP response names a certificate of the signature\'s path (other than the anchor).',
  },
  'policy.revocation.revoked': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A certificate of the signature\'s path was revoked at or before the time the signature is proven to exist (its trusted timestamp, or the verification time when there is none).',
  },
  'policy.revocation.revoked-later': {
    severity: 'info',
    effect: 'none',
    summary: 'A certificate of the signature\'s path was revoked after the time a trusted timestamp proves the signature existed: the signature stays valid.',
  },
  'policy.revocation.stale': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The policy requires revocation information, and the only CRLs or OCSP responses for a certificate of the path do not cover the time that matters (outside thisUpdate/nextUpdate, or published after the certificate expired).',
  },
  'policy.revocation.unusable': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The policy requires revocation information, and the CRLs or OCSP responses naming a certificate of the path prove nothing: a signature that does not verify with the issuer\'s key, a responder the issuer did not authorise, an unknown status, a critical extension not understood, or a date after the verification time.',
  },
  'policy.custody.not-received': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The policy requires the custody log to end in the receiver\'s custody (`custody.requireFinalCustody`), and an item is not held at the end of the log by a key of the required authorities through a valid, trusted `received` event (the log may have been cut after a transfer, or the receipt is not recorded yet).',
  },
  'policy.extra.broken': {
    severity: 'warning',
    effect: 'none',
    summary: 'The trusted signatures meet the policy, and another entry of the signature file does not verify, is malformed, or carries a timestamp token or certificate that fails. Anyone who holds the bundle can append such an entry, so it proves no alteration of what the policy relies on; the original code is in the message.',
  },
  'policy.extra.untrusted': {
    severity: 'info',
    effect: 'none',
    summary: 'The trusted signatures meet the policy, and another signature (or a timestamp token) cannot be trusted under it: unknown key, untrusted chain or time-stamping authority, role, period or algorithm not accepted. Reported; it does not change the outcome. The original code is in the message.',
  },
  'policy.legal.instrument.refused': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The bundle relies on a legal instrument (legalBasis.instrument.kind) that the receiver\'s policy does not list among those it accepts (`legal.instruments`): whether it applies is for a person to decide.',
  },
  'policy.legal.request-kind.refused': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The bundle answers a kind of request (legalBasis.request.kind) that the receiver\'s policy does not accept (`legal.requestKinds`).',
  },
  'policy.legal.requesting-country.mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The policy requires the request to be its owner\'s (`legal.requestingCountry`), and the signed manifest says the evidence answers another State\'s request: it is addressed to someone else, and no further trust material can change that.',
  },
  'policy.legal.retention.exceeded': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The retention the sender grants (handling.retention.until, from createdAt) is longer than the receiver\'s policy allows (`legal.maxRetentionDays`), or unlimited: the conditions of transfer and the receiver\'s law disagree.',
  },
  'policy.legal.use-restrictions.unmet': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'The bundle\'s use restrictions are not those the receiver\'s policy requires (`legal.useRestrictions`): the rule of speciality is not declared as required, or conditions of use are set that the policy refuses.',
  },
  'policy.no-trusted-signature': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'No signature is both valid and trusted under the receiver\'s policy.',
  },
} as const satisfies Record<string, FindingDefinition>;
