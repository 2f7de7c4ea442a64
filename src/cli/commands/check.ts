import { resolve } from 'node:path';
import { renderReportText } from '../../verify/render-text.js';
import type { VerificationReport } from '../../verify/report-schema.js';
import { escapeJsonForDisplay } from '../../report/display-text.js';
import { formatText } from '../../i18n/format.js';
import { EXIT } from '../exit-codes.js';
import { langHelp, reportLanguage } from '../lang.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { runVerification } from './verify.js';

export const check: Command = {
  help: `Usage: evb check BUNDLE [--json] [--lang TAG] [--quiet]

Checks the bag and the manifest (every digest, no missing and no extra file, canonical manifest, items match
their bytes) without judging trust. Exit 0 when intact, 1 when anything is altered or malformed.
Signatures are counted but not checked against a trust policy: use "evb verify --policy" or "--trust" for that.
BUNDLE is a bundle directory, a ZIP or a CBOR bundle, recognised by its content, not its name.
With --json, the verification report made without trusted keys (its outcome judges trust: INDETERMINATE for a
signed intact bundle); the exit code is the integrity verdict. Its messages stay English, as evb verify's.

Options:
  --json        print the JSON report (schema: evb schema report)
  ${langHelp(16)}
  --quiet       no progress bar
`,
  options: { json: { type: 'boolean' }, quiet: { type: 'boolean' }, lang: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const lang = reportLanguage(values, io);
    const report = await runVerification(resolve(io.cwd, positionals[0]!), io, values['quiet'] === true, { trustedKeys: [] });
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else io.stdout(renderIntegrity(report, lang));
    return report.outcome === 'INVALID' ? EXIT.INVALID : EXIT.VALID;
  },
};

// Without trust material every signed bundle is INDETERMINATE: "Outcome: INDETERMINATE" would answer a question
// check was not asked. It says what it checked instead, and shows the full report only when something failed.
function renderIntegrity(report: VerificationReport, lang: string): string {
  if (report.outcome === 'INVALID') return `${formatText(lang, 'check.not-intact')}\n\n${renderReportText(report, { lang })}`;
  const count = report.signatures.length;
  const signatures =
    count === 0 ? formatText(lang, 'check.no-signature') : formatText(lang, count === 1 ? 'check.signature-unchecked' : 'check.signatures-unchecked', { count });
  return `${formatText(lang, 'check.intact', { intact: report.summary.itemsIntact, total: report.summary.itemsTotal, signatures })}\n`;
}
