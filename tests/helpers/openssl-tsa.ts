// A real RFC 3161 time-stamping authority for the tests: `openssl ts -reply` behind an HTTP server on
// 127.0.0.1, with its own PKI (root -> intermediate -> TSA certificate) made by openssl-pki.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOpensslPki, openssl, type IssuedCertificate, type OpensslPki } from './openssl-pki.js';

/** An HTTP answer of a scripted server. */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** A server on 127.0.0.1 with a random port. */
export interface LoopbackServer {
  url: string;
  /** Bodies of the requests received, with their content type. */
  requests: Array<{ contentType: string | undefined; body: Uint8Array }>;
  close(): Promise<void>;
}

/** Most bytes a test server reads from one request. */
const MAX_QUERY_BYTES = 64 * 1024;

/** Serves `handler`'s answers to POST requests on 127.0.0.1 (an ephemeral port). */
export async function serveOnLoopback(handler: (body: Uint8Array, request: IncomingMessage) => Promise<HttpAnswer> | HttpAnswer): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_QUERY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      requests.push({ contentType: request.headers['content-type'], body });
      Promise.resolve()
        .then(() => handler(body, request))
        .then(
          (answer) => {
            response.writeHead(answer.status, answer.headers ?? {});
            response.end(answer.body === undefined ? undefined : typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body));
          },
          (error: unknown) => {
            response.writeHead(500, { 'content-type': 'text/plain' });
            response.end(String(error));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** A running openssl TSA. */
export interface OpensslTsa extends LoopbackServer {
  /** The TSA's PKI: root (the anchor a policy trusts), intermediate, and the certificate that signs tokens. */
  pki: OpensslPki;
  root: IssuedCertificate;
  /** The certificate that signs the tokens. */
  tsa: IssuedCertificate;
  /** The TSA certificate and its intermediate, PEM: what `openssl ts -verify -untrusted` needs. */
  untrustedPemPath: string;
  /** Answers one DER TimeStampReq as the server does (the TimeStampResp bytes). */
  reply(query: Uint8Array): Promise<Uint8Array>;
}

/** Options of {@link startOpensslTsa}. */
export interface OpensslTsaOptions {
  /**
   * false: the certificate that signs tokens lacks the timeStamping extended key usage. `openssl ts -reply`
   * refuses to sign with such a certificate, so its TSTInfo is re-signed with `openssl cms -sign` (a CMS
   * SignedData with the same content type and signed attributes, minus the ESS signing-certificate attribute).
   */
  timeStampingUsage?: boolean;
  /** Digests the TSA accepts (default sha256, sha384, sha512): others get a `rejection` answer. */
  digests?: string[];
  /** ESSCertID hash: `sha256` gives signingCertificateV2 (default), `sha1` the RFC 2634 signingCertificate. */
  essCertIdAlg?: 'sha1' | 'sha256';
  /** The TSA's key (default EC P-256). */
  key?: 'P-256' | 'P-384' | 'RSA-2048';
  /** false: tokens carry the TSA certificate only, not its intermediate (a verifier needs it from elsewhere). */
  chainInToken?: boolean;
  /** true: the signing-certificate attribute identifies the intermediate too (`ess_cert_id_chain = yes`). */
  essCertIdChain?: boolean;
  /** End of the TSA certificate's validity (default a year ahead): a TSA whose certificate expires. */
  notAfter?: Date;
}

/** Starts an RFC 3161 TSA: `openssl ts -reply -queryfile` per POST, behind {@link serveOnLoopback}. */
export async function startOpensslTsa(options: OpensslTsaOptions = {}): Promise<OpensslTsa> {
  const pki = await createOpensslPki({
    root: { subject: '/C=DZ/O=Test TSA/CN=Test TSA Root' },
    leaf: {
      subject: '/C=DZ/O=Test TSA/CN=Test TSA',
      keyUsage: 'critical,digitalSignature',
      extendedKeyUsage: 'critical,timeStamping',
      ...(options.key !== undefined ? { key: options.key } : {}),
      ...(options.notAfter !== undefined ? { notAfter: options.notAfter } : {}),
    },
  });
  const dir = pki.dir;
  const intermediate = pki.intermediates[0]!;
  const signer = options.timeStampingUsage === false
    ? await pki.issue({ subject: '/C=DZ/O=Test TSA/CN=TSA without timeStamping', keyUsage: 'critical,digitalSignature' })
    : pki.leaf;
  await writeFile(join(dir, 'tsaserial'), '01\n');
  await writeFile(join(dir, 'tsa-chain.pem'), intermediate.pem);
  const untrustedPemPath = join(dir, 'tsa-untrusted.pem');
  await writeFile(untrustedPemPath, signer.pem + intermediate.pem);
  await writeFile(join(dir, 'tsa.cnf'), [
    '[ tsa ]',
    'default_tsa = tsa_config',
    '[ tsa_config ]',
    'dir = .',
    'serial = ./tsaserial',
    'crypto_device = builtin',
    `signer_cert = ${pki.leaf.certPath}`,
    `signer_key = ${pki.leaf.keyPath}`,
    // The intermediate travels in the token, so the verifier can build TSA -> intermediate -> root.
    ...(options.chainInToken === false ? [] : ['certs = ./tsa-chain.pem']),
    'signer_digest = sha256',
    'default_policy = 1.3.6.1.4.1.99999.1.1',
    'other_policies = 1.3.6.1.4.1.99999.1.2',
    `digests = ${(options.digests ?? ['sha256', 'sha384', 'sha512']).join(', ')}`,
    'accuracy = secs:1',
    'ordering = no',
    'tsa_name = no',
    `ess_cert_id_chain = ${options.essCertIdChain === true ? 'yes' : 'no'}`,
    `ess_cert_id_alg = ${options.essCertIdAlg ?? 'sha256'}`,
    '',
  ].join('\n'));

  let n = 0;
  // openssl ts rewrites its serial file: one answer at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const answer = async (query: Uint8Array): Promise<Uint8Array> => {
    const id = ++n;
    await writeFile(join(dir, `q${id}.tsq`), query);
    await openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${id}.tsq`, '-out', `r${id}.tsr`], dir);
    if (options.timeStampingUsage === false) {
      await openssl(['ts', '-reply', '-in', `r${id}.tsr`, '-token_out', '-out', `t${id}.der`], dir);
      await openssl(['cms', '-verify', '-noverify', '-binary', '-inform', 'DER', '-in', `t${id}.der`, '-out', `tst${id}.der`], dir);
      await openssl([
        'cms', '-sign', '-binary', '-nodetach', '-nosmimecap', '-md', 'sha256', '-econtent_type', '1.2.840.113549.1.9.16.1.4',
        '-in', `tst${id}.der`, '-signer', signer.certPath, '-inkey', signer.keyPath, '-certfile', 'tsa-chain.pem',
        '-outform', 'DER', '-out', `t${id}b.der`,
      ], dir);
      await openssl(['ts', '-reply', '-in', `t${id}b.der`, '-token_in', '-out', `r${id}.tsr`], dir);
    }
    return new Uint8Array(await readFile(join(dir, `r${id}.tsr`)));
  };
  const reply = (query: Uint8Array): Promise<Uint8Array> => {
    const result = queue.then(() => answer(query));
    queue = result.catch(() => undefined);
    return result;
  };
  const server = await serveOnLoopback(async (body) => ({
    status: 200,
    headers: { 'content-type': 'application/timestamp-reply' },
    body: await reply(body),
  }));
  return {
    ...server,
    pki,
    root: pki.root,
    tsa: signer,
    untrustedPemPath,
    reply,
    close: async () => {
      await server.close();
      await pki.dispose();
    },
  };
}
