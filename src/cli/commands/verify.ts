import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import {
  renderReportJUnit,
  renderReportText,
  verifyBundle,
  type BagSource,
  type TrustPolicy,
  type VerificationReport,
} from '../../index.js';
import { escapeJsonForDisplay } from '../../entries/report.js';
import { createDigestPool, nodeBackend, openBundle } from '../../node/index.js';
import { OUTCOME_EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import { createProgress, progressShown } from '../progress.js';
import type { Command } from './command.js';
import { writeNewFile } from './files.js';
import { loadTrustedKeys } from './keys.js';
import { readPolicy } from './trust.js';

export const verify: Command = {
  name: 'verify',
  summary: 'Verify a received bundle: integrity, signatures, trust (exit 0/1/2)',
  help: `Usage: evb verify BUNDLE (--policy POLICY.json | --trust KEY.jwk ...) [--json] [--junit FILE] [--quiet]

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
  --json         print the JSON report (schema: evb schema report)
  --junit FILE   also write a JUnit XML report for CI (a new file); "-": to standard output, the report for
                 people then to stderr (not with --json)
  --quiet        no progress bar
`,
  options: {
    trust: { type: 'string', multiple: true },
    policy: { type: 'string' },
    json: { type: 'boolean' },
    junit: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const bundle = resolve(io.cwd, positionals[0]!);
    const trustedKeys = await loadTrustedKeys(((values['trust'] as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p)));
    const policyFile = values['policy'] as string | undefined;
    if (policyFile !== undefined && trustedKeys.length > 0) throw new UsageError('give --policy or --trust, not both');
    const policy = policyFile === undefined ? undefined : await readPolicy(resolve(io.cwd, policyFile));
    const junit = values['junit'] as string | undefined;
    // "-" is standard output, which then holds the XML alone: the report for people goes to stderr.
    if (junit === '-' && values['json'] === true) throw new UsageError('--json and --junit - both want standard output');
    const started = performance.now();
    const report = await runVerification(bundle, io, values['quiet'] === true, policy ? { policy } : { trustedKeys });
    const elapsed = (performance.now() - started) / 1000;
    const human = junit === '-' ? io.stderr : io.stdout;
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else human(renderReportText(report));
    if (junit !== undefined) {
      // Named after the bundle's file name and its id, so that several bundles of one CI job differ.
      const name = `${basename(bundle)}${report.bundle !== null ? ` (${report.bundle.bundleId})` : ''}`;
      const xml = renderReportJUnit(report, { name, time: elapsed, hostname: hostname() });
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
  options: { trustedKeys?: JsonWebKey[]; policy?: TrustPolicy },
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

/** What the verifier hashes: every file of the bundle. Listed only for the bar; a listing that fails draws none. */
async function bundleBytes(source: BagSource): Promise<number> {
  let total = 0;
  try {
    for await (const entry of source.list()) if (entry.kind === 'file') total += entry.size;
  } catch {
    return 0;
  }
  return total;
}
