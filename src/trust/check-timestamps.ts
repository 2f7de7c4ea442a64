import { base64DecodeStrict, base64urlDecodeStrict } from '../internal/bytes.js';
import type { Finding } from '../report/finding-type.js';
import type { JwsSignature } from '../sign/signature-file.js';
import { inPeriod } from './in-period.js';
import { policyFinding } from './policy-finding.js';
import type { TrustPolicy } from './trust-policy.js';

/** Most timestamp tokens one signature may carry (bounded resources). */
export const MAX_TIMESTAMPS_PER_SIGNATURE = 8;

/** What the timestamps of one signature prove. */
export interface TimestampCheck {
  /** Verdict on the tokens: the first valid one, otherwise the first token's; absent when there is no token. */
  status?: string;
  /** The earliest genTime of a valid, trusted token: the signature existed then. */
  genTime?: Date;
  /** The timestamp authority of that token. */
  tsa?: string;
  findings: Finding[];
}

/**
 * Verifies the RFC 3161 tokens of a signature's unprotected header (`tst`), each over the bytes of the JWS
 * signature value, against the policy's trusted timestamp authorities (their anchors, intermediates and period).
 * A TSA certificate must be valid at the token's genTime and at `proofTime`, the latest time the token is proven
 * to exist: the verification time, or the time an archive-timestamp chain proves (docs/format.md, "Archive
 * timestamps").
 */
export async function checkTimestamps(
  signature: JwsSignature,
  index: number,
  policy: TrustPolicy,
  currentDate: Date,
  proofTime: Date = currentDate,
): Promise<TimestampCheck> {
  const raw = (signature.header as Record<string, unknown> | undefined)?.['tst'];
  if (raw === undefined) return { findings: [] };
  const at = (rule: string) => ({ signature: index, rule });
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_TIMESTAMPS_PER_SIGNATURE || raw.some((t) => typeof t !== 'string')) {
    const message = `header.tst must be an array of 1 to ${MAX_TIMESTAMPS_PER_SIGNATURE} base64 strings`;
    return { status: 'malformed', findings: [policyFinding('policy.timestamp.invalid', message, at('timestampAuthorities'), { detail: message })] };
  }
  let signed: Uint8Array;
  try {
    signed = base64urlDecodeStrict(signature.signature);
  } catch {
    // The signature check reports the malformed value; there is nothing a token could cover.
    return { status: 'malformed', findings: [] };
  }
  const findings: Finding[] = [];
  let first: string | undefined;
  let best: { genTime: Date; tsa: string } | undefined;
  for (const [n, text] of (raw as string[]).entries()) {
    const verdict = await checkToken(text, signed, policy, currentDate, proofTime);
    first ??= verdict.status;
    if (verdict.status === 'valid' && verdict.genTime !== undefined) {
      if (best === undefined || verdict.genTime < best.genTime) best = { genTime: verdict.genTime, tsa: verdict.rule };
    } else if (verdict.code !== undefined) {
      findings.push(policyFinding(verdict.code, `timestamp token #${n}: ${verdict.message}`, at(verdict.rule), { detail: `timestamp token #${n}: ${verdict.message}` }));
    }
  }
  return {
    status: best !== undefined ? 'valid' : first,
    ...(best !== undefined ? { genTime: best.genTime, tsa: best.tsa } : {}),
    findings,
  };
}

type TokenVerdict = {
  status: string;
  rule: string;
  genTime?: Date;
  code?: 'policy.timestamp.invalid' | 'policy.timestamp.untrusted' | 'policy.timestamp.authority-not-valid-at-time';
  message?: string;
};

// Statuses that say the token itself is bad, whichever TSA is asked: they outrank "not trusted by this TSA".
const BROKEN = new Set(['invalid', 'malformed']);

async function checkToken(text: string, signed: Uint8Array, policy: TrustPolicy, currentDate: Date, proofTime: Date): Promise<TokenVerdict> {
  const der = base64DecodeStrict(text);
  if (der === undefined) {
    return { status: 'malformed', rule: 'timestampAuthorities', code: 'policy.timestamp.invalid', message: 'not strict base64' };
  }
  if (policy.timestampAuthorities.length === 0) {
    return { status: 'untrusted', rule: 'timestampAuthorities', code: 'policy.timestamp.untrusted', message: 'the policy trusts no timestamp authority' };
  }
  // Imported on first use: most signatures carry no timestamp, and the RFC 3161 code (pkijs, asn1js) is large.
  const { verifyTimestampToken } = await import('../timestamp/verify-timestamp-token.js');
  let failure: TokenVerdict | undefined;
  for (const tsa of policy.timestampAuthorities) {
    const result = await verifyTimestampToken(der, {
      data: signed,
      anchors: tsa.anchors,
      time: currentDate,
      certificateTime: proofTime,
      ...(tsa.intermediates !== undefined ? { intermediates: tsa.intermediates } : {}),
    });
    const reason = result.reason ?? result.status;
    if (result.status === 'valid' && result.genTime !== undefined) {
      const genTime = new Date(result.genTime);
      if (genTime.getTime() > currentDate.getTime() + policy.maxClockSkewSeconds * 1000) {
        return { status: 'invalid', rule: tsa.id, code: 'policy.timestamp.invalid', message: `genTime ${genTime.toISOString()} is in the future` };
      }
      // The receiver accepts this TSA's word only for a period (it closed, or its key was retired): a token
      // dated outside proves nothing, whatever its certificate says. Another entry may still accept it.
      if (!inPeriod(tsa, genTime, policy.maxClockSkewSeconds)) {
        failure = {
          status: 'untrusted',
          rule: tsa.id,
          code: 'policy.timestamp.authority-not-valid-at-time',
          message: `${tsa.id} is accepted for tokens from ${tsa.validFrom ?? '(any time)'} until ${tsa.validUntil ?? '(any time)'}; this one has genTime ${genTime.toISOString()}`,
        };
        continue;
      }
      return { status: 'valid', rule: tsa.id, genTime };
    }
    if (BROKEN.has(result.status)) {
      return { status: result.status, rule: tsa.id, code: 'policy.timestamp.invalid', message: reason };
    }
    failure ??= { status: result.status, rule: 'timestampAuthorities', code: 'policy.timestamp.untrusted', message: `issued by no trusted timestamp authority (${reason})` };
  }
  return failure!;
}
