import { CUSTODY_FILE, LIMITS } from '../model/layout.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { isEvidenceBundleError } from '../errors.js';
import { base64urlDecodeStrict } from '../internal/bytes.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { CustodyEventSchema, type CustodyEvent } from './custody-event.js';
import { custodyLink } from './custody-link.js';

const LF = 0x0a;

/** One line of a custody log: its bytes and link, and the signed event when the line could be read. */
export interface CustodyLine {
  /** 1-based line number in the log. */
  line: number;
  /** The line's bytes without its LF: what the next event links to. */
  bytes: Uint8Array;
  /** {@link custodyLink} of `bytes`. */
  link: string;
  /** Present when the line is a well-formed flattened JWS over a well-formed event. */
  signed?: {
    /** The event's canonical bytes: the JWS payload. */
    payload: Uint8Array;
    protected: string;
    signature: string;
    event: CustodyEvent;
  };
}

/** The lines of a custody log and the findings of reading it. */
export interface ParsedCustodyLog {
  lines: CustodyLine[];
  findings: Finding[];
}

/**
 * Splits a custody log into its lines and decodes each: the RFC 8785 canonical JSON of a flattened JWS
 * (RFC 7515 section 7.2.2) `{payload, protected, signature}` whose payload is the canonical JSON of a custody
 * event. Never throws on hostile input: a line that cannot be read becomes a `custody.malformed` finding and
 * stays in `lines` without `signed` (its bytes still count for the links). A log larger than
 * `LIMITS.custodyBytes` or with more than `LIMITS.custodyEvents` lines is not read (`custody.too-large`).
 * Signatures are not checked here ({@link verifyCustodyLog} does).
 */
export function parseCustodyLog(bytes: Uint8Array): ParsedCustodyLog {
  const findings: Finding[] = [];
  if (bytes.length > LIMITS.custodyBytes) {
    findings.push(makeFinding('custody.too-large', `the custody log has ${bytes.length} bytes, more than ${LIMITS.custodyBytes}`, { path: CUSTODY_FILE }, { detail: `${bytes.length} > ${LIMITS.custodyBytes} bytes` }));
    return { lines: [], findings };
  }
  // Lines, not line feeds: a last line without its LF counts too.
  let count = bytes.length > 0 && bytes[bytes.length - 1] !== LF ? 1 : 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === LF) count++;
  if (count > LIMITS.custodyEvents) {
    findings.push(makeFinding('custody.too-large', `the custody log has ${count} lines, more than ${LIMITS.custodyEvents}`, { path: CUSTODY_FILE }, { detail: `${count} > ${LIMITS.custodyEvents} lines` }));
    return { lines: [], findings };
  }
  const lines: CustodyLine[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(LF, start);
    const terminated = end !== -1;
    if (!terminated) end = bytes.length;
    const line = bytes.subarray(start, end);
    const entry: CustodyLine = { line: lines.length + 1, bytes: line, link: custodyLink(line) };
    const problem = terminated ? decodeLine(line, entry) : 'the last line is not terminated by LF (a truncated write)';
    if (problem !== undefined) {
      findings.push(makeFinding('custody.malformed', `line ${entry.line}: ${problem}`, { path: CUSTODY_FILE, line: entry.line }, { detail: problem }));
    }
    lines.push(entry);
    start = end + 1;
  }
  return { lines, findings };
}

/** Decodes one line into `entry.signed`; returns what is wrong with it, if anything. */
function decodeLine(line: Uint8Array, entry: CustodyLine): string | undefined {
  if (line.length === 0) return 'empty line';
  try {
    const jws = parseCanonicalJson(line);
    if (jws === null || typeof jws !== 'object' || Array.isArray(jws)) return 'not a JSON object';
    const keys = Object.keys(jws).sort();
    if (keys.join() !== 'payload,protected,signature') return `a line has exactly payload, protected and signature, not ${keys.join(', ')}`;
    const { payload, protected: header, signature } = jws as Record<string, unknown>;
    if (typeof payload !== 'string' || typeof header !== 'string' || typeof signature !== 'string') {
      return 'payload, protected and signature must be strings';
    }
    const payloadBytes = base64urlDecodeStrict(payload);
    const parsed = CustodyEventSchema.safeParse(parseCanonicalJson(payloadBytes));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return `not a custody event: ${issue ? `${issue.path.join('.') || '(event)'}: ${issue.message}` : 'schema'}`;
    }
    entry.signed = { payload: payloadBytes, protected: header, signature, event: parsed.data };
    return undefined;
  } catch (error) {
    if (isEvidenceBundleError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
}
