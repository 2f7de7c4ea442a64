import { resolve } from 'node:path';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { exportBundleCase } from '../../export/export-bundle-case.js';
import { openBundle } from '../../node/open-bundle.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { writeNewFile } from './files.js';

export const exportCommand: Command = {
  help: `Usage: evb export case BUNDLE --out FILE.jsonld

Writes the bundle's items, digests, acquisitions, derivations, custody events, legal basis and handling
marks as CASE 1.4 / UCO 1.4 JSON-LD (docs/format.md, "CASE/UCO export"). Digests UCO has no name for
(BLAKE3) are left out and listed on stderr. Nothing is verified here except the custody chain: run
"evb verify" first. FILE must not exist yet.
`,
  options: { out: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals[0] !== 'case') throw new UsageError('the only export format is "case": evb export case BUNDLE --out FILE');
    if (positionals.length !== 2) throw new UsageError('give exactly one BUNDLE');
    const out = values['out'] as string | undefined;
    if (out === undefined) throw new UsageError('--out is required');
    const bundle = await openBundle(resolve(io.cwd, positionals[1]!));
    const { document, notes } = await exportBundleCase(bundle.source).finally(() => bundle.close());
    await writeNewFile(resolve(io.cwd, out), JSON.stringify(document, null, 2) + '\n');
    for (const n of notes) {
      if (n.code === 'unsupported-hash') io.stderr(`evb export: item ${shown(n.item)}: ${n.algorithm} digest left out (UCO names no such hash method)\n`);
      else io.stderr(`evb export: custody event ${n.custody} left out: it names none of the manifest's items\n`);
    }
    io.stdout(`exported ${document['@graph'].length} nodes to ${shown(out)}\n`);
    return EXIT.VALID;
  },
};
