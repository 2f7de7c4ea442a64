import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EvidenceBundleError } from '../errors.js';
import { constantTimeEqual, joinChunks } from '../internal/bytes.js';
import { decodeDer } from '../x509/der.js';
import type { Hash } from '../x509/verify-signature.js';
import { createTimestampRequest } from './create-timestamp-request.js';
import { findSignerCertificate, parseTimestampToken } from './parse-timestamp-token.js';
import { verifyTimestampToken } from './verify-timestamp-token.js';

/** Largest TSA answer read by default (bounded resources): a TimeStampResp is a few KiB. */
export const MAX_TSA_RESPONSE_BYTES = 1024 * 1024;
/** How long to wait for a TSA by default, answer included. */
export const DEFAULT_TSA_TIMEOUT_MS = 30_000;

/** Options of {@link requestTimestamp}. */
export interface RequestTimestampOptions {
  /** The fetch implementation (default: the global fetch), for tests, proxies or authentication. */
  fetch?: typeof globalThis.fetch;
  /** Give up after this many milliseconds, answer included (default {@link DEFAULT_TSA_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Refuse answers larger than this (default {@link MAX_TSA_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
  /** Aborts the request from outside. */
  signal?: AbortSignal;
  /** Hash of the message imprint (default SHA-256). */
  hashAlgorithm?: Hash;
  /** The TSA policy OID to ask for (default: the TSA's default policy). */
  policy?: string;
}

// RFC 3161 section 3.4 names application/timestamp-reply; some TSAs answer with the older draft name.
const REPLY_TYPES = new Set(['application/timestamp-reply', 'application/timestamp-response']);
const PKI_STATUS = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];
const FAILURE_INFO: Record<number, string> = {
  0: 'badAlg', 2: 'badRequest', 5: 'badDataFormat', 14: 'timeNotAvailable', 15: 'unacceptedPolicy', 16: 'unacceptedExtension', 17: 'addInfoNotAvailable', 25: 'systemFailure',
};

/**
 * Asks an RFC 3161 time-stamping authority for a token over `data` (RFC 3161 section 3.4, HTTP): POSTs a
 * TimeStampReq (imprint of `data`, random nonce, certReq) as `application/timestamp-query`, then checks the
 * answer before keeping it: HTTP 200, an `application/timestamp-reply` body within the size limit, PKIStatus
 * granted or grantedWithMods, a token whose TSTInfo echoes the imprint and the nonce, carries the TSA
 * certificate, and whose signature verifies with that certificate. Whether the TSA is trusted is not decided
 * here: the verifier's policy does that ({@link verifyTimestampToken}).
 * @returns the DER TimeStampToken (the CMS ContentInfo, not the whole TimeStampResp), to store in the bundle
 * @throws EvidenceBundleError `ERR_TSA_FAILED` when the TSA cannot be reached, times out, answers with an HTTP
 *   error, another media type, too many bytes, a rejection, or a token that does not match the request
 * @throws TypeError when `tsaUrl` is not an http(s) URL or `data` not a Uint8Array
 * @example
 * const token = await requestTimestamp('http://tsa.example/', signatureBytes, { timeoutMs: 10_000 });
 * signature.header = { ...signature.header, tst: [encodeBase64(token)] };
 */
export async function requestTimestamp(tsaUrl: string, data: Uint8Array, options: RequestTimestampOptions = {}): Promise<Uint8Array> {
  let url: URL;
  try {
    url = new URL(tsaUrl);
  } catch {
    throw new TypeError(`requestTimestamp: ${String(tsaUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`requestTimestamp: ${url.protocol} is not http: or https:`);
  if (!(data instanceof Uint8Array)) throw new TypeError('requestTimestamp: data must be a Uint8Array');
  const limit = options.maxResponseBytes ?? MAX_TSA_RESPONSE_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TSA_TIMEOUT_MS;
  const failed = (message: string, cause?: unknown) =>
    new EvidenceBundleError('ERR_TSA_FAILED', `time-stamping authority ${url.origin}: ${message}`, cause !== undefined ? { cause } : undefined);

  const request = await createTimestampRequest(data, {
    ...(options.hashAlgorithm !== undefined ? { hashAlgorithm: options.hashAlgorithm } : {}),
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
  });
  // One signal for connection and body: a TSA that trickles its answer is cut off as surely as a silent one.
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal !== undefined ? AbortSignal.any([timeout, options.signal]) : timeout;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  let body: Uint8Array;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: request.der as Uint8Array<ArrayBuffer>,
      signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw failed(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!REPLY_TYPES.has(type)) {
      await response.body?.cancel().catch(() => undefined);
      throw failed(`answered with media type ${type || '(none)'}, not application/timestamp-reply`);
    }
    body = await readBoundedResponse(response, limit, failed);
  } catch (error) {
    if (error instanceof EvidenceBundleError) throw error;
    if (timeout.aborted) throw failed(`no complete answer within ${timeoutMs} ms`, error);
    if (options.signal?.aborted) throw failed('the request was aborted', error);
    throw failed(`the request failed (${error instanceof Error ? error.message : String(error)})`, error);
  }

  const token = tokenOfResponse(body, failed);
  const parsed = parseTimestampToken(token);
  if (typeof parsed === 'string') throw failed(`the token is malformed: ${parsed}`);
  const { messageImprint, nonce } = parsed.tstInfo;
  if (messageImprint.hashAlgorithm.algorithmId !== request.hashOid || !constantTimeEqual(messageImprint.hashedMessage.valueBlock.valueHexView, request.imprint)) {
    throw failed('the token covers other data than the request (message imprint differs)');
  }
  // Without the nonce echo an old token for the same data could be replayed as a fresh answer.
  if (nonce === undefined || !constantTimeEqual(nonce.valueBlock.valueHexView, request.nonce)) {
    throw failed('the token does not repeat the request nonce');
  }
  if (findSignerCertificate(parsed.signerInfo, parsed.certificates) === undefined) {
    throw failed('the token does not carry the TSA certificate although the request asked for it (certReq)');
  }
  // Trust is the verifier's business, but a token whose signature does not even verify is not worth storing:
  // with no anchor, a sound token stops at "untrusted".
  const check = await verifyTimestampToken(token, { data, anchors: [] });
  if (check.status === 'malformed' || check.status === 'invalid') {
    throw failed(`the token does not verify: ${check.reason ?? check.status}`);
  }
  return token;
}

/**
 * Reads at most `limit` bytes of an HTTP body; more is an error, not a truncation (a declared Content-Length
 * over the limit is refused before reading).
 * @throws what `failed` makes, when the body is too large
 */
export async function readBoundedResponse(response: Response, limit: number, failed: (m: string) => EvidenceBundleError): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw failed(`the answer declares ${declared} bytes, more than ${limit}`);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw failed(`the answer exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  return joinChunks(chunks);
}

/** The DER TimeStampToken of a granted TimeStampResp (RFC 3161 section 2.4.2), as the TSA encoded it. */
function tokenOfResponse(body: Uint8Array, failed: (m: string) => EvidenceBundleError): Uint8Array {
  const asn1 = decodeDer(body);
  let response: pkijs.TimeStampResp | undefined;
  try {
    response = asn1 === undefined ? undefined : new pkijs.TimeStampResp({ schema: asn1 });
  } catch {
    response = undefined;
  }
  if (asn1 === undefined || response === undefined) throw failed('the answer is not a DER TimeStampResp');
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = (response.status.statusStrings ?? []).map((s) => s.valueBlock.value).join('; ');
    throw failed(`the request was not granted: PKIStatus ${PKI_STATUS[status] ?? status}${failureInfo(response.status.failInfo)}${text ? ` (${text})` : ''}`);
  }
  // The token's bytes as received: re-encoding could alter what the TSA signed around it.
  const tokenAsn1 = (asn1 as asn1js.Sequence).valueBlock.value[1];
  if (response.timeStampToken === undefined || tokenAsn1 === undefined) throw failed('the answer grants but holds no token');
  return new Uint8Array(tokenAsn1.valueBeforeDecodeView);
}

function failureInfo(bits: asn1js.BitString | undefined): string {
  if (bits === undefined) return '';
  const bytes = bits.valueBlock.valueHexView;
  const names: string[] = [];
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! & (0x80 >> (bit & 7))) !== 0) names.push(FAILURE_INFO[bit] ?? `bit ${bit}`);
  }
  return names.length > 0 ? `, failure ${names.join(', ')}` : '';
}
