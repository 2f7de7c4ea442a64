import { resolve } from 'node:path';
import { timestampBundleDirectory } from '../../node/index.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const timestamp: Command = {
  name: 'timestamp',
  summary: 'Add RFC 3161 timestamps from a time-stamping authority to the signatures of a bundle',
  help: `Usage: evb timestamp BUNDLE --tsa URL [--signature N]

Asks the time-stamping authority at URL (RFC 3161 over HTTP, application/timestamp-query) for a token over
each signature's value and stores it in that signature's unprotected header ("tst"). The token proves the
signature existed at its time, so the signature stays trusted after the signer's certificate expires. The
signatures themselves are not changed. The update is atomic. BUNDLE is a directory, a ZIP or a CBOR file
(recognised by content).

Options:
  --tsa URL        the time-stamping authority
  --signature N    stamp only signature N (default: every signature without a timestamp)
`,
  options: { tsa: { type: 'string' }, signature: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const tsaUrl = values['tsa'] as string | undefined;
    if (tsaUrl === undefined) throw new UsageError('--tsa is required');
    if (!/^https?:\/\//i.test(tsaUrl)) throw new UsageError('--tsa must be an http:// or https:// URL');
    const n = values['signature'] as string | undefined;
    if (n !== undefined && !/^(0|[1-9][0-9]{0,5})$/.test(n)) throw new UsageError('--signature must be a signature index (0, 1, ...)');
    const bundle = resolve(io.cwd, positionals[0]!);
    let stamped: number[];
    try {
      ({ stamped } = await timestampBundleDirectory(bundle, { tsaUrl, ...(n !== undefined ? { signatureIndex: Number(n) } : {}) }));
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    io.stdout(stamped.length === 0 ? 'every signature already has a timestamp\n' : `timestamped signature(s) ${stamped.map((i) => `#${i}`).join(', ')}\n`);
    return EXIT.VALID;
  },
};
