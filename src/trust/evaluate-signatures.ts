import { FINDING_CODES, makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { checkProtectedHeader } from '../sign/protected-header.js';
import { MANIFEST_JWS_TYP, SIGNATURE_ROLES } from '../sign/sign-detached.js';
import type { JwsSignature } from '../sign/signature-file.js';
import { jwkThumbprint } from '../sign/thumbprint.js';
import { readDetachedJws, verifyReadJws } from '../sign/verify-detached.js';
import { checkRequirements, type JudgedSignature } from './check-requirements.js';
import { checkTimestamps } from './check-timestamps.js';
import { inPeriod } from './in-period.js';
import { policyFinding } from './policy-finding.js';
import { indexPolicyKeys, type PolicyKey } from './policy-keys.js';
import type { TrustedAuthority, TrustPolicy } from './trust-policy.js';
import { pushAll } from '../internal/arrays.js';
import type * as pkijs from 'pkijs';
import { checkRevocation, collectRevocationData, policyRevocationSource, type RevocationData } from './check-revocation.js';

/** The receiver's side of an evaluation: its policy, the sending State, its clock. */
export interface EvaluateSignaturesOptions {
  policy: TrustPolicy;
  /** The country of the manifest's executing authority (`legalBasis.executingAuthority.country`): "sender". */
  senderCountry: string;
  currentDate: Date;
  /**
   * CRLs and OCSP responses (parsed by {@link collectRevocationData}) for the certificates of `x5c` paths, the
   * policy's own included; when absent, the policy's `revocation` data alone (docs/format.md, "Revocation").
   */
  revocation?: RevocationData;
  /**
   * The time an archive-timestamp chain proves the signature file existed (docs/format.md, "Archive
   * timestamps"): a signature without a timestamp of its own is judged at it, and the TSA certificates of its
   * tokens need only be valid then, not at `currentDate`.
   */
  archiveTime?: Date;
}

/** The verdict on one signature under the policy. */
export interface PolicySignatureResult {
  index: number;
  /** Cryptographic status: `valid` verified with a key of the policy; `untrusted` no key of the policy applies. */
  status: 'valid' | 'invalid' | 'untrusted' | 'malformed';
  /** Valid, and every rule of the policy holds for it (authority, role, period, algorithm, timestamp). */
  trusted: boolean;
  alg?: string;
  kid?: string;
  role?: string;
  /** Claimed signing time (`sigT`), not proven unless a timestamp says so. */
  signedAt?: string;
  /** Id of the policy authority whose key or anchor verified the signature. */
  authority?: string;
  /** What the signature's RFC 3161 tokens prove. */
  timestamp?: { status: string; genTime?: string };
}

/** Every signature's verdict, and the findings (each naming its signature and, where a rule decides, the rule). */
export interface SignatureEvaluation {
  results: PolicySignatureResult[];
  findings: Finding[];
}

/**
 * Judges the detached signatures of a manifest under the receiver's trust policy (docs/format.md, "Trust
 * policy"): selects each signature's key from the policy only (by RFC 7638 thumbprint, or through an `x5c` chain
 * to the policy's X.509 anchors), verifies it, verifies its RFC 3161 timestamps, applies the authority's roles
 * and period and the policy's algorithms, then counts distinct signers against the required signatures.
 * A signature that does not verify gives INVALID findings; trust that cannot be established gives INDETERMINATE
 * ones (ETSI EN 319 102-1, section 5.1.3). Once the trusted signatures meet the policy, the findings about the
 * other entries are set aside (`policy.extra.untrusted`, `policy.extra.broken`, no effect): the signature file is
 * not signed, so anyone can append to it. Never throws on hostile input.
 * @example
 * const { results, findings } = await evaluateSignatures(manifestBytes, file.signatures, {
 *   policy, senderCountry: manifest.legalBasis.executingAuthority.country, currentDate: new Date(),
 * });
 */
export async function evaluateSignatures(
  manifestBytes: Uint8Array,
  signatures: readonly JwsSignature[],
  options: EvaluateSignaturesOptions,
): Promise<SignatureEvaluation> {
  const keys = await indexPolicyKeys(options.policy);
  const results: PolicySignatureResult[] = [];
  const judged: JudgedSignature[] = [];
  const findings: Finding[] = [];
  let revocation = options.revocation;
  if (revocation === undefined) {
    const collected = await collectRevocationData([policyRevocationSource(options.policy)]);
    revocation = collected.data;
    pushAll(findings, collected.findings);
  }
  for (const [index, signature] of signatures.entries()) {
    const verdict = await judgeSignature(manifestBytes, signature, index, keys, { ...options, revocation });
    results.push(verdict.result);
    judged.push({ ...verdict.result, ...(verdict.signer !== undefined ? { kid: verdict.signer } : {}) });
    pushAll(findings, verdict.findings);
  }
  const unmet = checkRequirements(options.policy, judged, options.senderCountry);
  if (unmet.length > 0) {
    pushAll(findings, unmet);
    return { results, findings };
  }
  // The trusted signatures meet the policy. The signature file is not signed: anyone who holds the bundle can
  // append entries to it (or tokens to an entry's unprotected header), so nothing else it holds may change the
  // outcome. It is still reported, under a code that says it was set aside.
  return { results, findings: findings.map(setAside) };
}

/** A finding about one signature, once the policy is met without it: reported, with no effect on the outcome. */
function setAside(finding: Finding): Finding {
  const effect = FINDING_CODES[finding.code].effect;
  if (finding.signature === undefined || effect === 'none') return finding;
  const code = effect === 'invalid' ? 'policy.extra.broken' : 'policy.extra.untrusted';
  const message = `signature ${finding.signature} is not needed to meet the policy (${finding.code}: ${finding.message})`;
  const { path, rule } = finding;
  return policyFinding(code, message, { signature: finding.signature, ...(rule !== undefined ? { rule } : {}), ...(path !== undefined ? { path } : {}) }, { originalCode: finding.code, detail: finding.message });
}

interface Verdict {
  result: PolicySignatureResult;
  /** Thumbprint of the key that verified the signature: the signer counted by requirements. */
  signer?: string;
  findings: Finding[];
}

async function judgeSignature(
  manifestBytes: Uint8Array,
  signature: JwsSignature,
  index: number,
  keys: ReadonlyMap<string, PolicyKey[]>,
  { policy, currentDate, revocation, archiveTime }: EvaluateSignaturesOptions,
): Promise<Verdict> {
  const at = (rule?: string) => ({ signature: index, ...(rule !== undefined ? { rule } : {}) });
  const located = (list: readonly Finding[]) => list.map((f) => ({ ...f, signature: index }));

  // Read the headers once, with no key: they tell which key to look for, and a malformed signature stops here.
  // Nothing they say is trusted yet.
  const read = await readDetachedJws(signature);
  const { header = {}, alg, kid, role } = 'verdict' in read ? read.verdict : read.known;
  const claimed = {
    ...(alg !== undefined ? { alg } : {}),
    ...(kid !== undefined ? { kid } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(typeof header['sigT'] === 'string' ? { signedAt: header['sigT'] } : {}),
  };
  if ('verdict' in read) {
    return { result: { index, status: read.verdict.status, trusted: false, ...claimed }, findings: located(read.verdict.findings) };
  }
  // A header without the bundle's typ could be any JWS over the same bytes; without kid, role or sigT it does not
  // say who signed, in which capacity, or when: no key is looked for.
  const problem = checkProtectedHeader(header, MANIFEST_JWS_TYP, SIGNATURE_ROLES);
  if (problem !== undefined) {
    return { result: { index, status: 'malformed', trusted: false, ...claimed }, findings: [makeFinding('signature.header.invalid', problem, at(), { detail: problem })] };
  }

  const findings: Finding[] = [];
  const stamps = await checkTimestamps(signature, index, policy, currentDate, archiveTime ?? currentDate);
  pushAll(findings, stamps.findings);
  const timestamp = stamps.status === undefined
    ? {}
    : { timestamp: { status: stamps.status, ...(stamps.genTime !== undefined ? { genTime: stamps.genTime.toISOString() } : {}) } };
  // Without a timestamp nothing proves when the signature was made: it is judged as if made at the earliest time
  // something proves it existed (the archive-timestamp chain), or now.
  const signingTime = stamps.genTime ?? archiveTime ?? currentDate;
  const base = { index, ...claimed, ...timestamp };

  const selected = await selectKey(header, kid, role, signingTime, stamps.genTime !== undefined || archiveTime !== undefined, keys, policy, at);
  pushAll(findings, selected.findings);
  if (selected.key === undefined) {
    return { result: { ...base, status: selected.mismatch ? 'invalid' : 'untrusted', trusted: false }, findings };
  }
  const { authority } = selected;
  const check = await verifyReadJws(manifestBytes, read, [selected.key]);
  if (check.status !== 'valid') {
    pushAll(findings, located(check.findings));
    return { result: { ...base, status: check.status, trusted: false, authority: authority.id }, findings };
  }

  let trusted = true;
  const refuse = (finding: Finding) => {
    findings.push(finding);
    trusted = false;
  };
  if (check.alg === undefined || !(policy.algorithms as readonly string[]).includes(check.alg)) {
    refuse(policyFinding('policy.algorithm.refused', `algorithm ${check.alg ?? '(none)'} is not accepted by the policy (${policy.algorithms.join(', ')})`, at('algorithms'), { alg: check.alg ?? '-', allowed: policy.algorithms.join(', ') }));
  }
  if (check.role === undefined || !(authority.roles as readonly string[]).includes(check.role)) {
    refuse(policyFinding('policy.role.not-allowed', `${authority.id} (${authority.name}) is trusted as ${authority.roles.join(', ')}, not as ${check.role ?? '(no role)'}`, at(authority.id), { authority: `${authority.id} (${authority.name})`, roles: authority.roles.join(', '), role: check.role ?? '-' }));
  }
  if (!inPeriod(authority, signingTime, policy.maxClockSkewSeconds)) {
    const when = stamps.genTime !== undefined ? `timestamped ${signingTime.toISOString()}` : `not timestamped, judged at ${signingTime.toISOString()}`;
    refuse(policyFinding('policy.authority.not-valid-at-time', `${authority.id} is trusted from ${authority.validFrom ?? '(any time)'} until ${authority.validUntil ?? '(any time)'}; the signature is ${when}`, at(authority.id), { authority: authority.id, validFrom: authority.validFrom ?? '-', validUntil: authority.validUntil ?? '-', time: signingTime.toISOString() }));
  }
  if (policy.requireTimestamp && stamps.genTime === undefined) {
    refuse(policyFinding('policy.timestamp.missing', 'the policy requires a valid timestamp from a trusted timestamp authority on every signature', at('requireTimestamp')));
  }
  if (selected.path !== undefined) {
    // Revocation is judged at the time the signature is proven to exist: revoked later, it was still good then.
    const checked = await checkRevocation(selected.path, revocation ?? { crls: [], ocspResponses: [] }, {
      time: signingTime,
      currentDate,
      skewSeconds: policy.maxClockSkewSeconds,
      required: policy.revocation?.required ?? false,
      at: at(authority.id),
    });
    for (const finding of checked.findings) {
      if (FINDING_CODES[finding.code].effect === 'none') findings.push(finding);
      else refuse(finding);
    }
  }
  // A token that does not verify proves no time, and nothing else: tokens travel in the unsigned header, where
  // anyone can add one, so the signature is judged as if it were not there (only a valid token proves time).
  return { result: { ...base, status: 'valid', trusted, authority: authority.id }, signer: selected.thumbprint, findings };
}

type Selection =
  | { key: JsonWebKey; thumbprint: string; authority: TrustedAuthority; findings: Finding[]; mismatch?: undefined; path?: readonly pkijs.Certificate[] }
  | { key?: undefined; findings: Finding[]; mismatch: boolean };

/** Chooses the key that may verify the signature: a policy key named by `kid`, or a certified leaf key. */
async function selectKey(
  header: Record<string, unknown>,
  kid: string | undefined,
  role: string | undefined,
  signingTime: Date,
  timestamped: boolean,
  keys: ReadonlyMap<string, PolicyKey[]>,
  policy: TrustPolicy,
  at: (rule?: string) => { signature: number; rule?: string },
): Promise<Selection> {
  const skew = policy.maxClockSkewSeconds;
  const direct = kid === undefined ? undefined : keys.get(kid);
  if (direct !== undefined && direct.length > 0) {
    const best = preferred(direct.map((k) => k.authority), role, signingTime, skew);
    const chosen = direct.find((k) => k.authority === best)!;
    return { key: chosen.key, thumbprint: kid!, authority: chosen.authority, findings: [] };
  }
  const x5c = header['x5c'];
  if (x5c === undefined) {
    return { findings: [policyFinding('policy.signer.unknown', `no authority of the policy holds key ${kid ?? '(no kid)'}`, at('authorities'), { kid: kid ?? '-' })], mismatch: false };
  }
  const anchored = policy.authorities.filter((a) => a.x509Anchors !== undefined);
  if (!Array.isArray(x5c) || anchored.length === 0) {
    const why = anchored.length === 0 ? 'the policy has no X.509 trust anchor' : 'x5c is not an array of certificates';
    return { findings: [policyFinding('policy.certificate.untrusted', `the signature's certificate chain cannot be trusted: ${why}`, at('authorities'), { detail: why })], mismatch: false };
  }
  const valid: Array<{ authority: TrustedAuthority; leaf: JsonWebKey; path: readonly pkijs.Certificate[] }> = [];
  const failed: Array<{ authority: TrustedAuthority; status: string; reason: string }> = [];
  // The certificates and their signatures are checked once; only the path to each authority's anchors differs.
  // Imported here, on first use: only a signature with an x5c chain needs the X.509 code (pkijs, asn1js).
  const { anchorCertificateChain, linkCertificateChain } = await import('../x509/verify-chain.js');
  const linked = await linkCertificateChain(x5c as string[]);
  for (const authority of anchored) {
    const chain = 'status' in linked
      ? linked
      : await anchorCertificateChain(linked, { anchors: authority.x509Anchors!, time: signingTime, requiredKeyUsage: ['digitalSignature'], documentSigner: true });
    if (chain.status === 'valid' && chain.leafPublicJwk !== undefined) valid.push({ authority, leaf: chain.leafPublicJwk, path: (chain.path ?? []).map((c) => c.cert) });
    else failed.push({ authority, status: chain.status, reason: chain.reason ?? chain.status });
  }
  if (valid.length > 0) {
    const best = preferred(valid.map((v) => v.authority), role, signingTime, skew);
    const chosen = valid.find((v) => v.authority === best)!;
    const thumbprint = await jwkThumbprint(chosen.leaf);
    if (thumbprint === undefined || (kid !== undefined && thumbprint !== kid)) {
      const message = `the leaf certificate certifies key ${thumbprint}, but the signature names key ${kid}`;
      return { findings: [policyFinding('policy.certificate.key-mismatch', message, at(chosen.authority.id), { certifiedKid: String(thumbprint), kid: String(kid) })], mismatch: true };
    }
    return { key: chosen.leaf, thumbprint, authority: chosen.authority, findings: [], path: chosen.path };
  }
  return { findings: [chainFinding(failed, signingTime, timestamped, at)], mismatch: false };
}

// The most telling failure first: a chain that reached an authority's anchor but failed there says more than
// the authorities whose anchors it never reached.
const CHAIN_FAILURE_ORDER = ['expired', 'not-yet-valid', 'invalid', 'malformed', 'untrusted'];

function chainFinding(
  failed: ReadonlyArray<{ authority: TrustedAuthority; status: string; reason: string }>,
  signingTime: Date,
  timestamped: boolean,
  at: (rule?: string) => { signature: number; rule?: string },
): Finding {
  const rank = (s: string) => {
    const i = CHAIN_FAILURE_ORDER.indexOf(s);
    return i === -1 ? CHAIN_FAILURE_ORDER.indexOf('invalid') : i;
  };
  const worst = [...failed].sort((a, b) => rank(a.status) - rank(b.status))[0]!;
  const time = signingTime.toISOString();
  switch (worst.status) {
    case 'expired':
      return policyFinding(
        'policy.certificate.expired',
        timestamped
          ? `a certificate had expired at ${time}, the time proven by the signature's timestamp: ${worst.reason}`
          : `a certificate has expired (checked at ${time}) and no timestamp proves the signature was made earlier: ${worst.reason}`,
        at(worst.authority.id),
        { time, detail: worst.reason },
      );
    case 'not-yet-valid':
      return policyFinding('policy.certificate.not-yet-valid', `a certificate was not yet valid at ${time}: ${worst.reason}`, at(worst.authority.id), { time, detail: worst.reason });
    case 'untrusted':
      return policyFinding('policy.certificate.untrusted', `the certificate chain leads to no trust anchor of the policy: ${worst.reason}`, at('authorities'), { detail: worst.reason });
    default:
      return policyFinding('policy.certificate.invalid', `the certificate chain does not validate: ${worst.reason}`, at(worst.authority.id), { detail: worst.reason });
  }
}

/** Among authorities holding the same key or anchor, the one that trusts the role at the time, if any. */
function preferred(authorities: readonly TrustedAuthority[], role: string | undefined, time: Date, skew: number): TrustedAuthority {
  const score = (a: TrustedAuthority) =>
    ((a.roles as readonly string[]).includes(role ?? '') ? 2 : 0) + (inPeriod(a, time, skew) ? 1 : 0);
  return [...authorities].sort((a, b) => score(b) - score(a))[0]!;
}
