import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { renderReportJUnit } from '../../verify/render-junit.js';
import { renderReportText } from '../../verify/render-text.js';
import { verifyBundle } from '../../verify/verify-bundle.js';
import type { BagSource } from '../../bagit/bag-source.js';
import { type RevocationDataInput, revocationDerFromText } from '../../trust/check-revocation.js';
import type { TrustPolicy } from '../../trust/trust-policy.js';
import type { VerificationReport } from '../../verify/report-schema.js';
import { escapeJsonForDisplay } from '../../report/display-text.js';
import { createDigestPool } from '../../node/digest-pool.js';
import { nodeBackend } from '../../node/digest-backend.js';
import { openBundle } from '../../node/open-bundle.js';
import { OUTCOME_EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import { createProgress, progressShown } from '../progress.js';
import type { Command } from './command.js';
import { readInputFile, writeNewFile } from './files.js';
import { langHelp, reportLanguage } from '../lang.js';
import { readTrustInputs } from './trust-inputs.js';

export const verify: Command = {
  help: `Usage: evb verify BUNDLE (--policy POLICY.json | --trust KEY.jwk ...) [--crl FILE ...] [--ocsp FILE ...]
                  [--at TIME] [--json] [--junit FILE] [--lang TAG] [--verbose] [--quiet]

Checks every digest of the bag, the manifest, each item against its bytes, each signature against your trust
policy or the keys you trust (never against keys carried by the bundle), and the custody log. Prints a report
for people, or JSON.

BUNDLE is a bundle directory, a ZIP or a CBOR bundle, recognised by its content, not its name.
Outcome and exit code:
  0  VALID          integrity, signatures and trust all hold
  1  INVALID        something was altered, malformed or does not verify
  2  INDETERMINATE  everything checked holds, but trust cannot be established (unknown signer, untrusted
                   root, missing required signature or timestamp)

Options:
  --policy FILE  your trust policy (see "evb trust" and docs/format.md, "Trust policy")
  --trust FILE   a trusted public JWK or JWKS file (repeatable); each key trusted in every role. A file with
                 anything but public signature keys (symmetric, private, RSA under 2048 bits) is a usage error
  --crl FILE     a CRL (DER or PEM) for the certificates of the signatures' x5c chains (repeatable); never
                 fetched by the verifier. With the policy's and the bundle's validation data
  --ocsp FILE    an OCSP response (DER) for those certificates (repeatable)
  --at TIME      the outcome as it was at TIME (RFC 3339, with offset): certificates, timestamps and
                 revocation judged then; archive timestamps and revocation data dated later left out
  --json         print the JSON report (schema: evb schema report); findings carry params, their messages
                 stay English
  ${langHelp(17)}
  --junit FILE   also write a JUnit XML report for CI (a new file); "-": to standard output, the report for
                 people then to stderr (not with --json). Its failure messages are in the --lang language;
                 suite and testcase names and the finding codes stay the same in every language
  --verbose      list every item in the report for people; by default intact items are only counted and
                 every other item (altered, missing, withheld, unchecked) is listed. The JSON report always
                 lists every item
  --quiet        no progress bar
`,
  options: {
    trust: { type: 'string', multiple: true },
    policy: { type: 'string' },
    crl: { type: 'string', multiple: true },
    ocsp: { type: 'string', multiple: true },
    at: { type: 'string' },
    json: { type: 'boolean' },
    junit: { type: 'string' },
    quiet: { type: 'boolean' },
    verbose: { type: 'boolean' },
    lang: { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const lang = reportLanguage(values, io);
    const bundle = resolve(io.cwd, positionals[0]!);
    const { policy, trustedKeys } = await readTrustInputs(values, io.cwd);
    const junit = values['junit'] as string | undefined;
    // "-" is standard output, which then holds the XML alone: the report for people goes to stderr.
    if (junit === '-' && values['json'] === true) throw new UsageError('--json and --junit - both want standard output');
    const started = performance.now();
    const at = values['at'] as string | undefined;
    // RFC 3339 with an offset: a time without one would mean different instants on different machines.
    if (at !== undefined && !isDateTime(at)) {
      throw new UsageError('--at must be an RFC 3339 date-time with an offset, such as 2031-05-01T00:00:00Z');
    }
    const readAll = (list: unknown) => Promise.all(((list as string[] | undefined) ?? []).map((p) => readRevocationFile(resolve(io.cwd, p))));
    const revocationData = { crls: await readAll(values['crl']), ocspResponses: await readAll(values['ocsp']) };
    const report = await runVerification(bundle, io, values['quiet'] === true, {
      ...(policy ? { policy } : { trustedKeys }),
      revocationData,
      ...(at !== undefined ? { currentDate: new Date(at) } : {}),
    });
    const elapsed = (performance.now() - started) / 1000;
    const human = junit === '-' ? io.stderr : io.stdout;
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else human(renderReportText(report, { lang, verbose: values['verbose'] === true }));
    if (junit !== undefined) {
      // Named after the bundle's file name and its id, so that several bundles of one CI job differ.
      const name = `${basename(bundle)}${report.bundle !== null ? ` (${report.bundle.bundleId})` : ''}`;
      const xml = renderReportJUnit(report, { name, time: elapsed, hostname: hostname(), lang });
      if (junit === '-') io.stdout(xml);
      else await writeNewFile(resolve(io.cwd, junit), xml);
    }
    return OUTCOME_EXIT[report.outcome];
  },
};

/** Runs a verification with the worker pool and a progress bar; shared by verify and check. */
export async function runVerification(
  bundle: string,
  io: Parameters<Command['run']>[2],
  quiet: boolean,
  options: { trustedKeys?: JsonWebKey[]; policy?: TrustPolicy; revocationData?: RevocationDataInput; currentDate?: Date },
): Promise<VerificationReport> {
  const pool = createDigestPool();
  try {
    // Any form, by content; an input that is missing or no bundle -> its exit code before any work.
    const opened = await openBundle(bundle, { pool });
    const progress = createProgress(io, quiet, progressShown(io, quiet) ? await bundleBytes(opened.source) : 0);
    try {
      return await verifyBundle(opened.source, { ...options, backend: nodeBackend, onProgress: (bytes) => progress.update(bytes) });
    } finally {
      progress.stop();
      await opened.close();
    }
  } finally {
    await pool.close();
  }
}

/**
 * What the verifier hashes: every file of the bundle. Listed only for the bar; a listing that fails draws none.
 * A directory's payload is listed without a stat per file: its size is then the Payload-Oxum bag-info.txt
 * claims (a claim, but only the bar's scale), and without one there is no bar.
 */
async function bundleBytes(source: BagSource): Promise<number> {
  let total = 0;
  let unknown = false;
  try {
    for await (const entry of source.list()) {
      if (entry.kind !== 'file') continue;
      if (entry.size < 0) unknown = true;
      else total += entry.size;
    }
    if (unknown) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of source.read('bag-info.txt', { maxBytes: 1024 * 1024 })) chunks.push(chunk);
      const oxum = /^Payload-Oxum:[ \t]*(\d{1,15})\.\d+[ \t]*\r?$/im.exec(Buffer.concat(chunks).toString('utf8'));
      return oxum === null ? 0 : total + Number(oxum[1]);
    }
  } catch {
    return 0;
  }
  return total;
}

/** Most bytes of one --crl or --ocsp file: the verifier's own cap, plus room for PEM armour. */
const MAX_REVOCATION_FILE_BYTES = 12 * 1024 * 1024;

/** A --crl or --ocsp file: DER as it is, PEM decoded. Malformed content is the verifier's to report. */
export async function readRevocationFile(path: string): Promise<Uint8Array> {
  const bytes = await readInputFile(path, MAX_REVOCATION_FILE_BYTES);
  const text = new TextDecoder().decode(bytes.subarray(0, 64));
  if (!text.startsWith('-----BEGIN ')) return bytes;
  return revocationDerFromText(new TextDecoder().decode(bytes)) ?? new Uint8Array(0);
}

/** RFC 3339 date-time with an offset, and a day that exists (Date.parse rolls 30 February over into March). */
function isDateTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i.exec(text);
  if (m === null || Number.isNaN(Date.parse(text))) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}
