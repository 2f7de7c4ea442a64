import { resolve } from 'node:path';
import { inspectBundle } from '../../verify/inspect-bundle.js';
import { renderInspectionText } from '../../verify/render-inspection.js';
import { escapeJsonForDisplay } from '../../report/display-text.js';
import { openBundle } from '../../node/open-bundle.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { langHelp, reportLanguage } from '../lang.js';

export const inspect: Command = {
  help: `Usage: evb inspect BUNDLE [--json] [--lang TAG]

Prints the bundle's claims: case, legal basis, handling, items, actors and signers. Nothing is verified
here; run "evb verify" for that.

BUNDLE is a bundle directory, a ZIP or a CBOR bundle, recognised by its content, not its name.
Options:
  --json        print the manifest and signature claims as JSON
  ${langHelp(16)}
                (descriptions: in the bundle's language closest to TAG)
`,
  options: { json: { type: 'boolean' }, lang: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const lang = reportLanguage(values, io);
    const bundle = await openBundle(resolve(io.cwd, positionals[0]!));
    const inspection = await inspectBundle(bundle.source).finally(() => bundle.close());
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(inspection, null, 2)) + '\n');
    else io.stdout(renderInspectionText(inspection, lang));
    return inspection.manifest === undefined ? EXIT.INVALID : EXIT.VALID;
  },
};
