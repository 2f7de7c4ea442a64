import { resolve } from 'node:path';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { createItemProof } from '../../disclosure/create-item-proof.js';
import { nodeBackend } from '../../node/digest-backend.js';
import { openBundle } from '../../node/open-bundle.js';
import { redactBundle } from '../../node/redact-bundle.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { readJsonFile, writeNewFile } from './files.js';
import { loadSigner } from './keys.js';

export const redact: Command = {
  help: `Usage: evb redact BUNDLE --withhold ID ... --reason TEXT --out NEW --key KEY.jwk ACTOR --place PLACE
                  [--legal-basis TEXT] [--purpose TEXT] [--time RFC3339]

Writes NEW, a copy of BUNDLE without the bytes and the disclosures (metadata, digests, salts) of the items
withheld. The signed manifest and its signatures are copied unchanged and still verify: the manifest commits
to every item (format 1.2, "evb pack --selective-disclosure"), and each withheld item keeps only its id and its
commitment. A "redacted" custody event signed with your key records who withheld which items, when and why;
you must hold the items' custody (the custody rules), else ERR_CUSTODY_RULE and nothing is written.
BUNDLE and NEW may be in any form (directory, .zip, .cbor; NEW's form from its name). BUNDLE is validated
first and never modified; NEW must not exist.

Options:
  --withhold ID        an item to withhold (repeatable)
  --reason TEXT        why (shown to the receiver beside each withheld item)
  --legal-basis TEXT   the provision that allows or requires withholding
  --out NEW            the derived bundle
  --key KEY            your private JWK file or a pkcs11: URI
  --actor FILE, --name, --role, --organisation, --country   who you are (as for evb custody)
  --place TEXT, --purpose TEXT, --time RFC3339
`,
  options: {
    withhold: { type: 'string', multiple: true },
    reason: { type: 'string' },
    'legal-basis': { type: 'string' },
    out: { type: 'string' },
    key: { type: 'string' },
    actor: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    country: { type: 'string' },
    place: { type: 'string' },
    purpose: { type: 'string' },
    time: { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give one BUNDLE');
    const str = (name: string): string | undefined => values[name] as string | undefined;
    const need = (name: string): string => {
      const v = str(name);
      if (v === undefined) throw new UsageError(`--${name} is required`);
      return v;
    };
    const withhold = (values['withhold'] as string[] | undefined) ?? [];
    if (withhold.length === 0) throw new UsageError('--withhold is required');
    const reason = need('reason');
    const out = need('out');
    const key = need('key');
    const place = need('place');
    const fromFile = str('actor') === undefined ? {} : ((await readJsonFile(resolve(io.cwd, str('actor')!))) as Record<string, unknown>);
    const actor: Record<string, unknown> = {};
    for (const field of ['name', 'role', 'organisation', 'country']) {
      const value = str(field) ?? fromFile[field];
      if (value === undefined) throw new UsageError(`the actor's ${field} is missing (--actor FILE or --${field})`);
      actor[field] = value;
    }
    const signer = await loadSigner(key, io);
    try {
      const result = await redactBundle(resolve(io.cwd, positionals[0]!), resolve(io.cwd, out), {
        withhold,
        reason,
        ...(str('legal-basis') !== undefined ? { legalBasis: str('legal-basis')! } : {}),
        signer,
        actor: actor as never,
        place,
        ...(str('purpose') !== undefined ? { purpose: str('purpose')! } : {}),
        ...(str('time') !== undefined ? { time: str('time')! } : {}),
      });
      io.stdout(`withheld ${result.withheld.map((id) => shown(id)).join(', ')} in ${shown(out)} (${result.form}); custody event ${result.seq} (redacted) by ${shown(signer.kid)}\n`);
    } finally {
      await signer.close();
    }
    return EXIT.VALID;
  },
};

export const prove: Command = {
  help: `Usage: evb prove BUNDLE --item ID --out PROOF

Writes PROOF (JSON, schema: evb schema item-proof): the item's bytes, its disclosure (metadata and salt), its
inclusion path in the Merkle tree, and the bundle's signed manifest with its signatures. Whoever receives it
checks it with "evb verify-proof" against their own trusted keys, without the other items. BUNDLE (any form) is
validated first; PROOF must not exist. A proof holds the item whole: at most 64 MiB.
`,
  options: { item: { type: 'string' }, out: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give one BUNDLE');
    const id = values['item'] as string | undefined;
    const out = values['out'] as string | undefined;
    if (id === undefined) throw new UsageError('--item is required');
    if (out === undefined) throw new UsageError('--out is required');
    const opened = await openBundle(resolve(io.cwd, positionals[0]!));
    try {
      const { bytes } = await createItemProof(opened.source, id, { backend: nodeBackend });
      await writeNewFile(resolve(io.cwd, out), new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } finally {
      await opened.close();
    }
    io.stdout(`proof of item ${shown(id)} written to ${shown(out)}\n`);
    return EXIT.VALID;
  },
};
