// CRLs and OCSP responses made by `openssl ca -gencrl` and `openssl ocsp` over the database of an openssl-pki PKI,
// so the revocation checks are tested against data the library did not produce itself.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl, type IssuedCertificate, type OpensslPki } from './openssl-pki.js';

let counter = 0;
// openssl ca rewrites the PKI's database: one change at a time, whatever the test does in parallel.
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(task: () => Promise<T>): Promise<T> {
  const done = queue.then(task);
  queue = done.catch(() => undefined);
  return done;
}

/** `YYYYMMDDHHMMSSZ`, the form openssl ca takes. */
export function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Marks `cert` revoked in the PKI's database (`openssl ca -revoke`), then sets its revocation time to `at`
 * (openssl itself always writes "now"; the database line holds the time as YYMMDDHHMMSSZ).
 */
export function revoke(pki: OpensslPki, cert: IssuedCertificate, issuer: IssuedCertificate, at?: Date, reason = 'keyCompromise'): Promise<void> {
  return serial(async () => {
    await openssl(['ca', '-config', 'ca.cnf', '-revoke', cert.certPath, '-cert', issuer.certPath, '-keyfile', issuer.keyPath, '-crl_reason', reason], pki.dir);
    if (at === undefined) return;
    const index = join(pki.dir, 'index.txt');
    const lines = (await readFile(index, 'utf8')).split('\n');
    const serialHex = (await openssl(['x509', '-in', cert.certPath, '-noout', '-serial'], pki.dir)).stdout.trim().replace(/^serial=/, '');
    const fixed = lines.map((line) => {
      const fields = line.split('\t');
      if (fields[0] !== 'R' || fields[3] !== serialHex) return line;
      const rest = fields[2]!.includes(',') ? fields[2]!.slice(fields[2]!.indexOf(',')) : '';
      fields[2] = asn1Time(at).slice(2) + rest;
      return fields.join('\t');
    });
    await writeFile(index, fixed.join('\n'));
  });
}

/** A CRL of `issuer` over the PKI's database (DER), with the given lastUpdate/nextUpdate (default: now, +7 days). */
export function makeCrl(pki: OpensslPki, issuer: IssuedCertificate, window: { thisUpdate?: Date; nextUpdate?: Date } = {}): Promise<Uint8Array> {
  return serial(async () => {
    const name = `crl-${++counter}`;
    const thisUpdate = window.thisUpdate ?? new Date(Date.now() - 60_000);
    const nextUpdate = window.nextUpdate ?? new Date(Date.now() + 7 * 86_400_000);
    await openssl([
      'ca', '-config', 'ca.cnf', '-gencrl', '-cert', issuer.certPath, '-keyfile', issuer.keyPath, '-md', 'sha256',
      '-crl_lastupdate', asn1Time(thisUpdate), '-crl_nextupdate', asn1Time(nextUpdate), '-out', `${name}.pem`,
    ], pki.dir);
    await openssl(['crl', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`], pki.dir);
    return new Uint8Array(await readFile(join(pki.dir, `${name}.der`)));
  });
}

/** The PEM file of a CRL made by {@link makeCrl}, for `openssl verify -CRLfile`. */
export async function crlPemFile(pki: OpensslPki, der: Uint8Array): Promise<string> {
  const name = `crl-file-${++counter}`;
  await writeFile(join(pki.dir, `${name}.der`), der);
  await openssl(['crl', '-inform', 'DER', '-in', `${name}.der`, '-out', `${name}.pem`], pki.dir);
  return join(pki.dir, `${name}.pem`);
}

/**
 * An OCSP response (DER) about `cert` from the PKI's database, signed by `signer` (default: the issuer itself),
 * valid for `minutes` (default a day).
 */
export function makeOcsp(
  pki: OpensslPki,
  cert: IssuedCertificate,
  issuer: IssuedCertificate,
  options: { signer?: IssuedCertificate; minutes?: number; noCerts?: boolean } = {},
): Promise<Uint8Array> {
  return serial(async () => {
    const name = `ocsp-${++counter}`;
    const signer = options.signer ?? issuer;
    await openssl(['ocsp', '-issuer', issuer.certPath, '-cert', cert.certPath, '-no_nonce', '-reqout', `${name}.req`], pki.dir);
    await openssl([
      'ocsp', '-index', 'index.txt', '-CA', issuer.certPath, '-rsigner', signer.certPath, '-rkey', signer.keyPath,
      '-reqin', `${name}.req`, '-respout', `${name}.der`, '-nmin', String(options.minutes ?? 1440), '-rmd', 'sha256',
      ...(options.noCerts === true ? ['-resp_no_certs'] : []),
    ], pki.dir);
    return new Uint8Array(await readFile(join(pki.dir, `${name}.der`)));
  });
}

/** `openssl verify -crl_check` (or `-crl_check_all`) at `time`: true when openssl accepts the chain. */
export async function opensslVerifiesWithCrl(
  pki: OpensslPki,
  leaf: IssuedCertificate,
  crlFiles: readonly string[],
  options: { all?: boolean; time?: Date } = {},
): Promise<{ ok: boolean; output: string }> {
  const chain = join(pki.dir, `untrusted-${++counter}.pem`);
  await writeFile(chain, pki.intermediates.map((c) => c.pem).join(''));
  const args = [
    'verify', options.all === true ? '-crl_check_all' : '-crl_check', '-CAfile', pki.root.certPath, '-untrusted', chain,
    ...crlFiles.flatMap((f) => ['-CRLfile', f]),
    ...(options.time !== undefined ? ['-attime', String(Math.floor(options.time.getTime() / 1000))] : []),
    leaf.certPath,
  ];
  try {
    const { stdout, stderr } = await openssl(args, pki.dir);
    return { ok: /: OK\s*$/.test(stdout), output: stdout + stderr };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

/**
 * What `openssl ocsp -respin` concludes about a response for `cert`: whether the response verifies (its signer
 * authorised, chaining to the PKI's root) and the status it gives.
 */
export async function opensslOcspVerdict(
  pki: OpensslPki,
  response: Uint8Array,
  cert: IssuedCertificate,
  issuer: IssuedCertificate,
): Promise<{ verified: boolean; status?: string; output: string }> {
  const name = `ocsp-check-${++counter}`;
  await writeFile(join(pki.dir, `${name}.der`), response);
  const chain = join(pki.dir, `${name}-chain.pem`);
  await writeFile(chain, [pki.root.pem, ...pki.intermediates.map((c) => c.pem), issuer.pem].join(''));
  let output: string;
  try {
    const { stdout, stderr } = await openssl(['ocsp', '-respin', `${name}.der`, '-issuer', issuer.certPath, '-cert', cert.certPath, '-CAfile', chain, '-no_nonce'], pki.dir);
    output = stdout + stderr;
  } catch (error) {
    output = String(error);
  }
  const status = new RegExp(`${cert.certPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (good|revoked|unknown)`).exec(output)?.[1];
  return { verified: /Response verify OK/.test(output), ...(status !== undefined ? { status } : {}), output };
}
