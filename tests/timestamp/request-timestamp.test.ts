// The RFC 3161 client against openssl's TSA (`openssl ts -reply` over HTTP on 127.0.0.1), and against TSAs
// that answer badly: every failure is ERR_TSA_FAILED, never a token stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { createTimestampRequest } from '../../src/timestamp/create-timestamp-request.js';
import { parseTimestampToken } from '../../src/timestamp/parse-timestamp-token.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { OPENSSL_AVAILABLE, warnIfNoOpenssl } from '../helpers/openssl-pki.js';
import { serveOnLoopback, startOpensslTsa, type LoopbackServer, type OpensslTsa } from '../helpers/openssl-tsa.js';

warnIfNoOpenssl('tests/timestamp/request-timestamp');

const DATA = new TextEncoder().encode('signature value bytes');

async function tsaFailure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isEvidenceBundleError(error, 'ERR_TSA_FAILED')).toBe(true);
  return (error as Error).message;
}

/** A fetch that answers every request with `answer` (or waits for the abort signal when it is undefined). */
function scriptedFetch(answer: (init: RequestInit) => Response | undefined): typeof fetch {
  return (async (_url: unknown, init: RequestInit = {}) => {
    const response = answer(init);
    if (response !== undefined) return response;
    return new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
  }) as typeof fetch;
}

describe('requestTimestamp without a TSA process', () => {
  it('refuses a URL that is not http(s) and data that is not bytes (TypeError)', async () => {
    await expect(requestTimestamp('file:///etc/passwd', DATA)).rejects.toBeInstanceOf(TypeError);
    await expect(requestTimestamp('not a url', DATA)).rejects.toBeInstanceOf(TypeError);
    await expect(requestTimestamp('http://127.0.0.1/', 'x' as unknown as Uint8Array)).rejects.toBeInstanceOf(TypeError);
  });

  it('gives up after the timeout', async () => {
    await tsaFailure(requestTimestamp('http://tsa.invalid/', DATA, { timeoutMs: 50, fetch: scriptedFetch(() => undefined) }));
  });

  it('refuses an answer larger than the limit, declared or streamed', async () => {
    const big = () => new Response(new Uint8Array(2048), { headers: { 'content-type': 'application/timestamp-reply' } });
    await tsaFailure(requestTimestamp('http://tsa.invalid/', DATA, { maxResponseBytes: 1024, fetch: scriptedFetch(big) }));
    const streamed = () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 1;
          if (sent > 10_000) controller.close();
          else controller.enqueue(new Uint8Array(1024));
        },
      });
      return new Response(body, { headers: { 'content-type': 'application/timestamp-reply' } });
    };
    await tsaFailure(requestTimestamp('http://tsa.invalid/', DATA, { fetch: scriptedFetch(streamed) }));
  });

  it('reports a network failure', async () => {
    const refused = scriptedFetch(() => {
      throw new TypeError('fetch failed');
    });
    await tsaFailure(requestTimestamp('http://tsa.invalid/', DATA, { fetch: refused }));
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('requestTimestamp against openssl ts -reply over HTTP', () => {
  let tsa: OpensslTsa;
  let sha384Only: OpensslTsa;
  let broken: LoopbackServer;
  let mode: 'http-500' | 'garbage' | 'html' = 'http-500';

  beforeAll(async () => {
    [tsa, sha384Only] = await Promise.all([startOpensslTsa(), startOpensslTsa({ digests: ['sha384'] })]);
    broken = await serveOnLoopback(() => {
      if (mode === 'http-500') return { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error' };
      if (mode === 'garbage') return { status: 200, headers: { 'content-type': 'application/timestamp-reply' }, body: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00, 0xff]) };
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' };
    });
  });
  afterAll(async () => {
    await Promise.all([tsa?.close(), sha384Only?.close(), broken?.close()]);
  });

  it('posts an application/timestamp-query that openssl answers, and returns the token (a ContentInfo)', async () => {
    const token = await requestTimestamp(tsa.url, DATA);
    expect(tsa.requests.at(-1)!.contentType).toBe('application/timestamp-query');
    const parsed = parseTimestampToken(token);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(parsed.tstInfo.policy).toBe('1.3.6.1.4.1.99999.1.1');
    expect(Math.abs(parsed.tstInfo.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    // The TSA certificate and its intermediate travel in the token (certReq).
    expect(parsed.certificates.length).toBe(2);
  });

  it('asks for the policy and imprint hash it is told to', async () => {
    const token = await requestTimestamp(tsa.url, DATA, { hashAlgorithm: 'SHA-512', policy: '1.3.6.1.4.1.99999.1.2' });
    const parsed = parseTimestampToken(token);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(parsed.tstInfo.policy).toBe('1.3.6.1.4.1.99999.1.2');
    expect(parsed.tstInfo.messageImprint.hashAlgorithm.algorithmId).toBe('2.16.840.1.101.3.4.2.3');
  });

  it('fails with ERR_TSA_FAILED on HTTP 500, garbage, and another media type', async () => {
    mode = 'http-500';
    expect(await tsaFailure(requestTimestamp(broken.url, DATA))).toMatch(/HTTP 500/);
    mode = 'garbage';
    await tsaFailure(requestTimestamp(broken.url, DATA));
    mode = 'html';
    await tsaFailure(requestTimestamp(broken.url, DATA));
  });

  it('fails when the TSA rejects the request (PKIStatus rejection)', async () => {
    expect(await tsaFailure(requestTimestamp(sha384Only.url, DATA))).toMatch(/rejection/);
  });

  it('fails when nothing listens', async () => {
    const gone = await serveOnLoopback(() => ({ status: 200 }));
    await gone.close();
    await tsaFailure(requestTimestamp(gone.url, DATA, { timeoutMs: 5000 }));
  });

  it('refuses a genuine answer to another request (replay: other imprint, or same imprint and another nonce)', async () => {
    const replay = async (query: 'other-data' | 'same-data') => {
      // A query made earlier (for other data, or for the same data), answered by the real TSA, served again.
      const earlier = await createTimestampRequest(query === 'other-data' ? new TextEncoder().encode('other') : DATA);
      const stored = await tsa.reply(earlier.der);
      const answer = () => new Response(stored as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/timestamp-reply' } });
      return requestTimestamp(tsa.url, DATA, { fetch: scriptedFetch(answer) });
    };
    expect(await tsaFailure(replay('other-data'))).toMatch(/imprint/);
    expect(await tsaFailure(replay('same-data'))).toMatch(/nonce/);
  });
});
