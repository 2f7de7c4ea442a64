import { resolve } from 'node:path';
import { renderReportText, type VerificationReport } from '../../index.js';
import { escapeJsonForDisplay } from '../../entries/report.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { runVerification } from './verify.js';

export const check: Command = {
  name: 'check',
  summary: 'Check integrity only (digests, completeness, manifest); exit 0 or 1',
  help: `Usage: evb check BUNDLE [--json] [--quiet]

Checks the bag and the manifest (every digest, no missing and no extra file, canonical manifest, items match
their bytes) without judging trust. Exit 0 when intact, 1 when anything is altered or malformed.
Signatures are counted but not checked against a trust policy: use "evb verify --policy" or "--trust" for that.
BUNDLE is a bundle directory, a ZIP or a CBOR bundle, recognised by its content, not its name.
With --json, the verification report made without trusted keys (its outcome judges trust: INDETERMINATE for a
signed intact bundle); the exit code is the integrity verdict.
`,
  options: { json: { type: 'boolean' }, quiet: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const report = await runVerification(resolve(io.cwd, positionals[0]!), io, values['quiet'] === true, { trustedKeys: [] });
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else io.stdout(renderIntegrity(report));
    return report.outcome === 'INVALID' ? EXIT.INVALID : EXIT.VALID;
  },
};

// Without trust material every signed bundle is INDETERMINATE: "Outcome: INDETERMINATE" would answer a question
// check was not asked. It says what it checked instead, and shows the full report only when something failed.
function renderIntegrity(report: VerificationReport): string {
  if (report.outcome === 'INVALID') return `Integrity: NOT intact\n\n${renderReportText(report)}`;
  const n = report.signatures.length;
  const signatures = n === 0 ? 'no signature' : `${n} signature${n === 1 ? '' : 's'} not checked against a trust policy`;
  return `Integrity: intact (${report.summary.itemsIntact}/${report.summary.itemsTotal} items); ${signatures}\n`;
}
