import { resolve } from 'node:path';
import { escapeJsonForDisplay, inspectBundle, renderInspectionText } from '../../index.js';
import { openBundleDirectory } from '../../node/index.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const inspect: Command = {
  name: 'inspect',
  summary: 'Show what a bundle contains, for which case and legal basis, who signed it',
  help: `Usage: evb inspect BUNDLE [--json] [--lang TAG]

Prints the bundle's claims: case, legal basis, handling, items, actors and signers. Nothing is verified
here; run "evb verify" for that.

Options:
  --json        print the manifest and signature claims as JSON
  --lang TAG    language of descriptions (BCP 47, default en)
`,
  options: { json: { type: 'boolean' }, lang: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const inspection = await inspectBundle(await openBundleDirectory(resolve(io.cwd, positionals[0]!)));
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(inspection, null, 2)) + '\n');
    else io.stdout(renderInspectionText(inspection, (values['lang'] as string | undefined) ?? 'en'));
    return inspection.manifest === undefined ? EXIT.INVALID : EXIT.VALID;
  },
};
