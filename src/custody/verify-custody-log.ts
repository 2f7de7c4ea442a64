import { CUSTODY_FILE } from '../model/layout.js';
import { capFindings } from '../report/cap-findings.js';
import { makeFinding, type FindingCode, FINDING_CODES } from '../report/codes.js';
import type { Finding, FindingParams } from '../report/finding-type.js';
import { checkProtectedHeader } from '../sign/protected-header.js';
import { verifyDetached } from '../sign/verify-detached.js';
import { checkCustodyChain, type SignedCustodyLine } from './check-custody-chain.js';
import { checkCustodyRules } from './check-custody-rules.js';
import { CUSTODY_EVENT_TYP, type CustodyActor, type CustodyCounterparty } from './custody-event.js';
import { custodyLink } from './custody-link.js';
import { parseCustodyLog, type CustodyLine, type ParsedCustodyLog } from './parse-custody-log.js';
import { pushAll } from '../internal/arrays.js';

const SIGNATURE_BATCH = 64;

/** What {@link verifyCustodyLog} needs from the bundle and from the receiver. */
export interface VerifyCustodyOptions {
  /** The bundle's manifest, as stored (its canonical bytes): the first event must link to them. */
  manifestBytes: Uint8Array;
  /** The ids of the manifest's items. */
  itemIds: ReadonlySet<string>;
  /** Public JWKs the receiver trusts. Keys are never taken from the log. */
  trustedKeys: readonly JsonWebKey[];
  /** How far an event may be dated before the one it follows, or after `currentDate`, in seconds; default 300. */
  clockSkewSeconds?: number;
  /** The time of the verification (default: now): no event may be dated after it, beyond `clockSkewSeconds`. */
  currentDate?: Date;
}

/** One event of the custody timeline, with what the verifier concluded about it. */
export interface CustodyEventResult {
  seq: number;
  type: string;
  time: string;
  /** The actor, as "name (role, organisation, country)". */
  actor: string;
  kid: string;
  items: string[] | 'all';
  place: string;
  purpose: string;
  /** The counterparty of a handover or disclosure, as "name (organisation, country)". */
  counterparty?: string;
  /**
   * `valid`: signed by its actor with a trusted key and breaks no rule; `untrusted`: the same with a key the
   * receiver does not know; `invalid`: the signature does not verify or the event breaks a rule (see the
   * findings at its `custody` number); `malformed`: the signature cannot be read.
   */
  status: 'valid' | 'invalid' | 'untrusted' | 'malformed';
}

/** The result of checking a custody log: the timeline, who holds each item at the end, and every finding. */
export interface CustodyCheck {
  /** Every readable event (duplicates left out), in sequence order. */
  events: CustodyEventResult[];
  /** Item id -> kid of its custodian at the end of the log; returned or destroyed items have none. */
  custodians: Record<string, string>;
  /** Item id -> seq of the event from which that custodian holds it (its first event naming it, or a receipt). */
  heldSince: Record<string, number>;
  findings: Finding[];
}

/**
 * Verifies a custody log against the bundle it travels in and the receiver's trusted keys
 * (docs/format.md, "Custody log" and "Custody rules"): every line's form, every event's signature and signer,
 * the hash chain from the manifest onwards (removed, inserted, reordered, duplicated events told apart), and
 * the custody rules (times, including events dated after `currentDate`, items, handovers, receipts, seals,
 * transfers left unanswered, events after return or destruction). Hostile input
 * never throws: everything becomes findings located by `custody` sequence number (or `line`), at most 100 of
 * each code (then one `verify.findings.omitted` with the count of the rest).
 * @throws RangeError when `clockSkewSeconds` is negative or not finite
 * @example
 * const check = await verifyCustodyLog(logBytes, { manifestBytes, itemIds: new Set(['disk']), trustedKeys });
 * for (const e of check.events) console.log(e.seq, e.type, e.actor, e.status);
 */
export async function verifyCustodyLog(log: Uint8Array | ParsedCustodyLog, options: VerifyCustodyOptions): Promise<CustodyCheck> {
  const skew = options.clockSkewSeconds ?? 300;
  if (!Number.isFinite(skew) || skew < 0) throw new RangeError('clockSkewSeconds must be a non-negative number');
  // A caller that has parsed the log already (to find the keys it needs) passes it parsed.
  const parsed = log instanceof Uint8Array ? parseCustodyLog(log) : log;
  const findings = [...parsed.findings];
  const statuses = new Map<CustodyLine, CustodyEventResult['status']>();
  const report = (code: FindingCode, e: SignedCustodyLine, message: string, params: FindingParams): void => {
    findings.push(makeFinding(code, message, { path: CUSTODY_FILE, custody: e.signed.event.seq, line: e.line }, params));
  };

  const signedLines = parsed.lines.filter((l): l is SignedCustodyLine => l.signed !== undefined);
  // Signatures are independent: checking them a batch at a time lets WebCrypto work in parallel.
  const checks: Array<Awaited<ReturnType<typeof verifyDetached>> | undefined> = [];
  for (let i = 0; i < signedLines.length; i += SIGNATURE_BATCH) {
    const batch = signedLines.slice(i, i + SIGNATURE_BATCH).map((e) =>
      verifyDetached(e.signed.payload, { protected: e.signed.protected, signature: e.signed.signature }, { trustedKeys: options.trustedKeys }).catch(
        // Hostile input must not stop the verification: what cannot be checked counts as malformed.
        () => undefined,
      ),
    );
    pushAll(checks, await Promise.all(batch));
  }
  signedLines.forEach((e, index) => {
    const { event } = e.signed;
    const check = checks[index];
    const header = check?.header as Record<string, unknown> | undefined;
    const problem = check === undefined || check.status === 'malformed' ? 'unreadable' : checkProtectedHeader(header ?? {}, CUSTODY_EVENT_TYP);
    if (check === undefined || problem !== undefined) {
      report('custody.malformed', e, `event ${event.seq}: the signature is not a custody-event JWS (${problem})`, { detail: `event ${event.seq}: ${problem}` });
      statuses.set(e, 'malformed');
      return;
    }
    if (check.status === 'invalid') {
      report('custody.signature.invalid', e, `event ${event.seq}: the signature does not verify`, { seq: event.seq });
      statuses.set(e, 'invalid');
      return;
    }
    if (check.kid !== event.actor.kid || header?.['role'] !== event.actor.role) {
      report('custody.signer.not-actor', e, `event ${event.seq} is by ${event.actor.kid} as ${event.actor.role}, but signed by ${String(check.kid)} as ${String(header?.['role'])}`, { seq: event.seq, kid: event.actor.kid, role: event.actor.role, signerKid: String(check.kid), signerRole: String(header?.['role']) });
    }
    if (check.status === 'untrusted') {
      report('custody.signer.unknown', e, `event ${event.seq} is signed by ${String(check.kid)}, a key the receiver does not trust`, { seq: event.seq, kid: String(check.kid) });
      statuses.set(e, 'untrusted');
    } else {
      statuses.set(e, 'valid');
    }
  });

  // A line whose signature does not hold counts as damaged for the chain: its seq and prev prove nothing.
  const damagedAsUnreadable = parsed.lines.map((l) => (statuses.get(l) === 'invalid' || statuses.get(l) === 'malformed' ? { line: l.line, bytes: l.bytes, link: l.link } : l));
  const chain = checkCustodyChain(damagedAsUnreadable, custodyLink(options.manifestBytes));
  pushAll(findings, chain.findings);
  const rules = checkCustodyRules(
    chain.events.map((e) => ({ event: e.signed.event, line: e.line })),
    options.itemIds,
    skew,
    options.currentDate ?? new Date(),
  );
  pushAll(findings, rules.findings);

  const invalidLines = new Set(findings.filter((f) => FINDING_CODES[f.code].effect === 'invalid' && f.line !== undefined).map((f) => f.line));
  const duplicates = new Set(chain.duplicates.map((l) => l.line));
  const events = parsed.lines
    .filter((l): l is SignedCustodyLine => l.signed !== undefined && !duplicates.has(l.line))
    .sort((a, b) => a.signed.event.seq - b.signed.event.seq || a.line - b.line)
    .map((l) => {
      let status = statuses.get(l) ?? 'malformed';
      if (status !== 'malformed' && invalidLines.has(l.line)) status = 'invalid';
      return describeEvent(l, status);
    });
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  // Capped only now: the event statuses above need every finding.
  return { events, custodians: rules.custodians, heldSince: rules.heldSince, findings: capFindings(findings) };
}

function describeEvent(l: SignedCustodyLine, status: CustodyEventResult['status']): CustodyEventResult {
  const e = l.signed.event;
  return {
    seq: e.seq,
    type: e.type,
    time: e.time,
    actor: describeActor(e.actor),
    kid: e.actor.kid,
    items: e.items === 'all' ? 'all' : [...e.items],
    place: e.place,
    purpose: e.purpose,
    ...(e.counterparty !== undefined ? { counterparty: describeActor(e.counterparty) } : {}),
    status,
  };
}

function describeActor(a: CustodyActor | CustodyCounterparty): string {
  return `${a.name} (${[a.role, a.organisation, a.country].filter((x) => x !== undefined).join(', ')})`;
}
