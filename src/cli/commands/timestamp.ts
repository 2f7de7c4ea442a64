import { resolve } from 'node:path';
import { archiveTimestampBundle } from '../../node/archive-timestamp-bundle.js';
import { timestampBundleDirectory } from '../../node/timestamp-bundle-directory.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const timestamp: Command = {
  help: `Usage: evb timestamp BUNDLE --tsa URL [--signature N]
       evb timestamp --archive BUNDLE --tsa URL [--digest sha256|sha512]

Asks the time-stamping authority at URL (RFC 3161 over HTTP, application/timestamp-query) for a token over
each signature's value and stores it in that signature's unprotected header ("tst"). The token proves the
signature existed at its time, so the signature stays trusted after the signer's certificate expires. The
signatures themselves are not changed. The update is atomic. BUNDLE is a directory, a ZIP or a CBOR file
(recognised by content).

With --archive, adds the next link of the bundle's archive-timestamp chain (evidence/archive-timestamps.json):
a token over every file of the bundle (hashed afresh with --digest) and every earlier link. The chain keeps
the signatures and their timestamps verifiable after certificates expire or are revoked: add a link after
the last change to the bundle, and again before the last link's TSA certificate expires or its digest
weakens (then with another --digest). "evb verify --at TIME" shows the outcome at a past date.

Options:
  --tsa URL        the time-stamping authority
  --signature N    stamp only signature N (default: every signature without a timestamp)
  --archive        add an archive timestamp over the whole bundle instead
  --digest ALG     digest of an archive timestamp: sha256 (default) or sha512
`,
  options: { tsa: { type: 'string' }, signature: { type: 'string' }, archive: { type: 'boolean' }, digest: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const tsaUrl = values['tsa'] as string | undefined;
    if (tsaUrl === undefined) throw new UsageError('--tsa is required');
    if (!/^https?:\/\//i.test(tsaUrl)) throw new UsageError('--tsa must be an http:// or https:// URL');
    const digest = values['digest'] as string | undefined;
    if (values['archive'] === true) {
      if (values['signature'] !== undefined) throw new UsageError('--signature does not go with --archive');
      if (digest !== undefined && digest !== 'sha256' && digest !== 'sha512') throw new UsageError('--digest must be sha256 or sha512');
      const { link } = await archiveTimestampBundle(resolve(io.cwd, positionals[0]!), { tsaUrl, ...(digest !== undefined ? { digestAlgorithm: digest } : {}) });
      io.stdout(`added archive timestamp #${link}\n`);
      return EXIT.VALID;
    }
    if (digest !== undefined) throw new UsageError('--digest goes with --archive');
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
