import { resolve } from 'node:path';
import { escapeJsonForDisplay, renderReportText } from '../../index.js';
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
Signatures are listed but not trusted: use "evb verify --trust" for that.
`,
  options: { json: { type: 'boolean' }, quiet: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const report = await runVerification(resolve(io.cwd, positionals[0]!), io, values['quiet'] === true, { trustedKeys: [] });
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(report, null, 2)) + '\n');
    else io.stdout(renderReportText(report));
    return report.outcome === 'INVALID' ? EXIT.INVALID : EXIT.VALID;
  },
};
