import type * as pkijs from 'pkijs';
import { base64DecodeStrict } from '../internal/bytes.js';
import type { Finding } from '../report/finding-type.js';
import type { ParsedCrl, RevocationStatus } from '../x509/crl.js';
import type { ParsedOcspResponse } from '../x509/ocsp.js';
import { policyFinding } from './policy-finding.js';
import type { TrustPolicy } from './trust-policy.js';

/** Most CRLs and OCSP responses one verification takes, from all sources together (bounded resources). */
export const MAX_REVOCATION_ITEMS = 256;

/** Revocation data as DER bytes, from one source (the receiver, the bundle's validation data). */
export interface RevocationDataInput {
  /** DER CRLs (RFC 5280 section 5). */
  crls?: readonly Uint8Array[];
  /** DER OCSPResponses (RFC 6960 section 4.2.1). */
  ocspResponses?: readonly Uint8Array[];
}

/** The CRLs and OCSP responses of a verification, parsed once. */
export interface RevocationData {
  readonly crls: readonly ParsedCrl[];
  readonly ocspResponses: readonly ParsedOcspResponse[];
}

/**
 * Parses the revocation data of every source, at most {@link MAX_REVOCATION_ITEMS} items in all. An item that
 * is not a DER CRL or successful basic OCSP response, or is larger than the cap, becomes a
 * `policy.revocation.malformed` finding (with `where`, the source's name, in its message) and is left out.
 * Never throws.
 * @example
 * const { data, findings } = await collectRevocationData([{ label: 'the policy', crls: [der] }]);
 */
export async function collectRevocationData(sources: ReadonlyArray<RevocationDataInput & { label: string }>): Promise<{ data: RevocationData; findings: Finding[] }> {
  const crls: ParsedCrl[] = [];
  const ocspResponses: ParsedOcspResponse[] = [];
  const findings: Finding[] = [];
  let count = 0;
  for (const source of sources) {
    if ((source.crls?.length ?? 0) + (source.ocspResponses?.length ?? 0) === 0) continue;
    // Imported on first use: most verifications have no revocation data, and the X.509 code (pkijs, asn1js) is large.
    const { parseCrlItem, parseOcspItem } = await import('../x509/revocation-data.js');
    const lists = [
      ['CRL', source.crls ?? [], parseCrlItem, crls],
      ['OCSP response', source.ocspResponses ?? [], parseOcspItem, ocspResponses],
    ] as const;
    for (const [kind, list, parse, into] of lists) {
      for (const [n, der] of list.entries()) {
        if (++count > MAX_REVOCATION_ITEMS) {
          const message = `${source.label}: more than ${MAX_REVOCATION_ITEMS} CRLs and OCSP responses in all; the rest is not read`;
          findings.push(policyFinding('policy.revocation.malformed', message, { rule: 'revocation' }, { detail: message }));
          return { data: { crls, ocspResponses }, findings };
        }
        const parsed = der instanceof Uint8Array ? await parse(der) : undefined;
        if (parsed === undefined) {
          const message = `${source.label}: ${kind} #${n} is not a DER ${kind} this verifier reads (or exceeds its size cap)`;
          findings.push(policyFinding('policy.revocation.malformed', message, { rule: 'revocation' }, { detail: message }));
        } else {
          (into as unknown[]).push(parsed);
        }
      }
    }
  }
  return { data: { crls, ocspResponses }, findings };
}

/**
 * DER bytes of revocation data written as text: PEM (`-----BEGIN X509 CRL-----`, RFC 7468 section 6; any label)
 * or bare base64; undefined when it is neither.
 * @example
 * const der = revocationDerFromText(policy.revocation.crls[0]);
 */
export function revocationDerFromText(text: string): Uint8Array | undefined {
  const pem = /^\s*-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----\s*$/.exec(text);
  return base64DecodeStrict((pem === null ? text : pem[2]!).replace(/\s+/g, ''));
}

/**
 * The revocation data a trust policy holds (`revocation.crls`, `revocation.ocspResponses`), as a source for
 * {@link collectRevocationData}; a text that is neither PEM nor base64 is kept as empty bytes, so that it is
 * reported as malformed rather than dropped.
 * @example
 * await collectRevocationData([policyRevocationSource(policy), { label: 'the bundle', crls }]);
 */
export function policyRevocationSource(policy: TrustPolicy): RevocationDataInput & { label: string } {
  const decode = (texts: readonly string[] | undefined) => (texts ?? []).map((t) => revocationDerFromText(t) ?? new Uint8Array(0));
  return { label: 'the trust policy', crls: decode(policy.revocation?.crls), ocspResponses: decode(policy.revocation?.ocspResponses) };
}

/** Options of {@link checkRevocation}. */
export interface CheckRevocationOptions {
  /** The time the signature is proven to exist (a trusted timestamp's genTime), or the verification time. */
  time: Date;
  /** The verification time: data dated after it is refused. */
  currentDate: Date;
  skewSeconds: number;
  /** The policy requires revocation information for every certificate of the path but the anchor. */
  required: boolean;
  /** Location of the findings (signature index, rule). */
  at: { signature?: number; rule?: string };
}

type Usable = Extract<RevocationStatus, { thisUpdate: Date }>;

/**
 * Judges each certificate of a validated path but its anchor (`path`: leaf first, anchor last) against the
 * revocation data (docs/format.md, "Revocation"): revoked at or before `time` is `policy.revocation.revoked`
 * (INVALID); revoked after it `policy.revocation.revoked-later` (information: the signature was made before);
 * with `required`, a certificate for which no data applies, or only data that proves nothing or is stale, is
 * `policy.revocation.missing`, `.unusable` or `.stale` (INDETERMINATE). Never throws.
 * @returns the findings, and whether a certificate was revoked at `time`
 */
export async function checkRevocation(
  path: readonly pkijs.Certificate[],
  data: RevocationData,
  options: CheckRevocationOptions,
): Promise<{ findings: Finding[]; revoked: boolean }> {
  const findings: Finding[] = [];
  let revoked = false;
  // Only a signature with a certificate chain has a path: the X.509 code is loaded by then.
  const { certificateLabel, revocationStatuses } = await import('../x509/revocation-data.js');
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    const label = `${i === 0 ? 'the leaf' : `x5c[${i}]`} (${await certificateLabel(cert)})`;
    const verdicts: RevocationStatus[] = await revocationStatuses(data, cert, issuer);
    const judged = judge(verdicts, cert, options);
    if (judged.kind === 'revoked') {
      revoked = true;
      const message = `${label} was revoked at ${judged.at.toISOString()}${judged.reason ? ` (${judged.reason})` : ''}, not after ${options.time.toISOString()}, the time the signature is proven to exist`;
      findings.push(policyFinding('policy.revocation.revoked', message, options.at, { detail: message }));
    } else if (judged.kind === 'revoked-later') {
      const message = `${label} was revoked at ${judged.at.toISOString()}${judged.reason ? ` (${judged.reason})` : ''}, after ${options.time.toISOString()}, the time the signature is proven to exist`;
      findings.push(policyFinding('policy.revocation.revoked-later', message, options.at, { detail: message }));
    } else if (judged.kind !== 'good') {
      const code = !options.required
        ? 'policy.revocation.ignored'
        : judged.kind === 'missing' ? 'policy.revocation.missing' : judged.kind === 'stale' ? 'policy.revocation.stale' : 'policy.revocation.unusable';
      if (code === 'policy.revocation.ignored' && judged.kind === 'missing') continue;
      const what = judged.kind === 'missing' ? 'no CRL or OCSP response applies to' : `the revocation data for ${label} proves nothing at ${options.time.toISOString()}:`;
      const message = judged.kind === 'missing' ? `${what} ${label}` : `${what} ${judged.reason}`;
      findings.push(policyFinding(code, message, options.at, { detail: message }));
    }
  }
  return { findings, revoked };
}

type Judgement =
  | { kind: 'good' }
  | { kind: 'revoked' | 'revoked-later'; at: Date; reason?: string }
  | { kind: 'missing' }
  | { kind: 'stale' | 'unusable'; reason: string };

function judge(verdicts: readonly RevocationStatus[], cert: pkijs.Certificate, options: CheckRevocationOptions): Judgement {
  const time = options.time.getTime();
  const skew = options.skewSeconds * 1000;
  let later: Judgement | undefined;
  let good = false;
  let stale: string | undefined;
  let unusable: string | undefined;
  for (const verdict of verdicts) {
    if (verdict.status === 'not-applicable') continue;
    if (verdict.status === 'unusable') {
      unusable ??= verdict.reason;
      continue;
    }
    if (verdict.thisUpdate.getTime() > options.currentDate.getTime() + skew) {
      unusable ??= `it is dated ${verdict.thisUpdate.toISOString()}, after the verification time`;
      continue;
    }
    if (verdict.status === 'revoked') {
      // A revocation entry is conclusive whenever it was published: revocation is not undone (a certificateHold
      // released later would have left the entry out of this CRL).
      const judgement = { at: verdict.revokedAt, ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}) };
      if (verdict.revokedAt.getTime() <= time) return { kind: 'revoked', ...judgement };
      later ??= { kind: 'revoked-later', ...judgement };
      continue;
    }
    if (verdict.status === 'unknown') {
      unusable ??= 'the OCSP responder does not know the certificate';
      continue;
    }
    if (current(verdict, time, skew) || after(verdict, cert, time)) good = true;
    else stale ??= `its validity (thisUpdate ${verdict.thisUpdate.toISOString()}, nextUpdate ${verdict.nextUpdate?.toISOString() ?? '(none)'}) does not cover that time`;
  }
  if (later !== undefined) return later;
  if (good) return { kind: 'good' };
  if (stale !== undefined) return { kind: 'stale', reason: stale };
  if (unusable !== undefined) return { kind: 'unusable', reason: unusable };
  return { kind: 'missing' };
}

// Data in force at the time: thisUpdate <= time <= nextUpdate (RFC 5280 section 6.3.3 (a)).
function current(v: Usable, time: number, skew: number): boolean {
  return v.thisUpdate.getTime() - skew <= time && (v.nextUpdate === undefined || time <= v.nextUpdate.getTime() + skew);
}

// Data published after the time, while the certificate was still valid: a CA keeps every revoked certificate on
// its CRLs (and answers for it) until the certificate expires (RFC 5280 section 5.1.2.6), so "not revoked" then
// means not revoked at the earlier time either. After expiry an absence proves nothing.
function after(v: Usable, cert: pkijs.Certificate, time: number): boolean {
  return v.thisUpdate.getTime() >= time && v.thisUpdate.getTime() <= cert.notAfter.value.getTime();
}
