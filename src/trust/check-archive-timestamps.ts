import type { BagSource } from '../bagit/bag-source.js';
import { rethrowIoError } from '../bagit/bag-source.js';
import type { DigestBackend, DigestSet } from '../digest/algorithms.js';
import { base64DecodeStrict } from '../internal/bytes.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { ARCHIVE_TIMESTAMPS_FILE } from '../model/layout.js';
import { ARCHIVE_DIGESTS, archiveFiles, archiveInput, parseArchiveTimestamps, type ArchiveDigest, type ArchiveTimestamps } from '../timestamp/archive-timestamps.js';
import type { Hash } from '../x509/verify-signature.js';
import { policyFinding } from './policy-finding.js';
import type { TrustPolicy } from './trust-policy.js';

/** Options of {@link checkArchiveTimestamps}. */
export interface CheckArchiveOptions {
  policy: TrustPolicy;
  currentDate: Date;
  /** Digests the bag check computed, by bag path (payload and tag files): reused for links of the same algorithm. */
  known?: ReadonlyMap<string, { digests: DigestSet }>;
  backend?: DigestBackend;
}

/** What an archive-timestamp chain proves. */
export interface ArchiveCheck {
  /** The earliest time the chain proves the bundle, as it is now, existed; absent when it proves nothing. */
  provenTime?: Date;
  findings: Finding[];
}

/**
 * Verifies the archive-timestamp chain of `evidence/archive-timestamps.json` (docs/format.md, "Archive
 * timestamps") from its newest link back: each link must cover the bundle's current files and every earlier
 * link's token ({@link archiveInput}) with an imprint of its own digest algorithm, be issued by a TSA of the policy, and its TSA certificate must be valid
 * at its genTime and at the time the next link proves (the newest: at `currentDate`). The walk stops at the first
 * link that fails; the genTime of the last good link is the time the chain proves. Links dated after
 * `currentDate` did not exist at that time and are left out. Never throws on bundle content.
 * @throws EvidenceBundleError `ERR_IO` when the source cannot be read
 */
export async function checkArchiveTimestamps(source: BagSource, bytes: Uint8Array, options: CheckArchiveOptions): Promise<ArchiveCheck> {
  const findings: Finding[] = [];
  let chain: ArchiveTimestamps['chain'];
  try {
    chain = parseArchiveTimestamps(bytes).chain;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { findings: [makeFinding('bundle.archive-timestamps.malformed', message, { path: ARCHIVE_TIMESTAMPS_FILE }, { detail: message })] };
  }
  const { policy, currentDate } = options;
  const skew = policy.maxClockSkewSeconds * 1000;
  const tokens = chain.map((link) => base64DecodeStrict(link.token)!);
  const at = (rule: string) => ({ path: ARCHIVE_TIMESTAMPS_FILE, rule });
  // Imported here, on first use: only a bundle with archive timestamps needs the RFC 3161 code (pkijs, asn1js).
  const { claimedGenTime } = await import('../timestamp/verify-timestamp-token.js');

  // Links made after the time judged at did not exist then: an outcome "as it was" cannot rest on them.
  let end = tokens.length;
  for (const [k, token] of tokens.entries()) {
    const genTime = await claimedGenTime(token);
    if (genTime !== undefined && genTime.getTime() > currentDate.getTime() + skew) {
      findings.push(archiveFinding('policy.archive-timestamp.later', `archive timestamp #${k} is dated ${genTime.toISOString()}, after ${currentDate.toISOString()}: it and the links after it are left out`, at('timestampAuthorities')));
      end = k;
      break;
    }
  }

  let proofTime = currentDate;
  let proven: Date | undefined;
  // The files are hashed once per algorithm, whatever the number of links.
  const files = new Map<ArchiveDigest, Array<[string, string]>>();
  for (let k = end - 1; k >= 0; k--) {
    const algorithm = chain[k]!.digestAlgorithm;
    let data: Uint8Array;
    try {
      let listed = files.get(algorithm);
      if (listed === undefined) {
        listed = await archiveFiles(source, algorithm, {
          ...(options.known ? { known: options.known } : {}),
          ...(options.backend ? { backend: options.backend } : {}),
        });
        files.set(algorithm, listed);
      }
      data = await archiveInput(listed, algorithm, tokens.slice(0, k));
    } catch (error) {
      rethrowIoError(error);
      findings.push(archiveFinding('policy.archive-timestamp.invalid', `archive timestamp #${k}: the bundle's files cannot be read to check it (${String(error)})`, at('timestampAuthorities')));
      break;
    }
    const verdict = await verifyLink(tokens[k]!, data, ARCHIVE_DIGESTS[algorithm], policy, currentDate, proofTime);
    if (verdict.genTime === undefined) {
      const code = verdict.broken ? 'policy.archive-timestamp.invalid' : 'policy.archive-timestamp.untrusted';
      findings.push(archiveFinding(code, `archive timestamp #${k}: ${verdict.reason}; it and the links before it prove nothing`, at(verdict.rule)));
      break;
    }
    // Link k+1 covers link k's token: a genTime after it is a chain out of order.
    if (verdict.genTime.getTime() > proofTime.getTime() + skew) {
      findings.push(archiveFinding('policy.archive-timestamp.invalid', `archive timestamp #${k} is dated ${verdict.genTime.toISOString()}, after ${proofTime.toISOString()}, the time of the link that covers it`, at(verdict.rule)));
      break;
    }
    proofTime = verdict.genTime;
    proven = verdict.genTime;
  }
  if (proven !== undefined) {
    findings.push(archiveFinding('policy.archive-timestamp.proven', `the archive-timestamp chain proves the bundle existed, as it is, at ${proven.toISOString()}`, at('timestampAuthorities')));
  }
  return { ...(proven !== undefined ? { provenTime: proven } : {}), findings };
}

async function verifyLink(
  token: Uint8Array,
  data: Uint8Array,
  hash: Hash,
  policy: TrustPolicy,
  currentDate: Date,
  proofTime: Date,
): Promise<{ genTime?: Date; broken?: boolean; reason?: string; rule: string }> {
  if (policy.timestampAuthorities.length === 0) return { reason: 'the policy trusts no timestamp authority', rule: 'timestampAuthorities' };
  let failure: { reason: string; rule: string } | undefined;
  const { verifyTimestampToken } = await import('../timestamp/verify-timestamp-token.js');
  for (const tsa of policy.timestampAuthorities) {
    const result = await verifyTimestampToken(token, {
      data,
      anchors: tsa.anchors,
      time: currentDate,
      maxClockSkewSeconds: policy.maxClockSkewSeconds,
      certificateTime: proofTime,
    });
    if (result.status === 'valid' && result.genTime !== undefined) {
      // A link that declares SHA-512 must not rest on a SHA-256 imprint: renewal is for when one weakens.
      if (result.hashAlgorithm !== hash) return { broken: true, reason: `the token's imprint is ${result.hashAlgorithm}, not ${hash} as its digestAlgorithm says`, rule: tsa.id };
      return { genTime: new Date(result.genTime), rule: tsa.id };
    }
    // A token that covers other data (the bundle changed after it) or does not verify is broken for every TSA.
    if (result.status === 'invalid' || result.status === 'malformed') return { broken: true, reason: result.reason ?? result.status, rule: tsa.id };
    failure ??= { reason: `issued by no trusted timestamp authority, or its certificate was not valid when last proven (${result.reason ?? result.status})`, rule: 'timestampAuthorities' };
  }
  return failure!;
}

// Archive findings say what they say in one English sentence of times and reasons, carried whole as `detail`.
function archiveFinding(code: Parameters<typeof policyFinding>[0], message: string, location: { path: string; rule: string }): Finding {
  return policyFinding(code, message, location, { detail: message });
}
