import type { Command } from './command.js';

export type { Command };

/**
 * An `evb` subcommand as `evb --help` lists it. Its module is imported only when it runs: the commands and the
 * libraries behind them (X.509, CBOR, PKCS#11, JSON Schema generation) are most of the start-up, and one command
 * needs few of them.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

const entry = (name: string, summary: string, load: () => Promise<Command>): CommandEntry => ({ name, summary, load });

/** Every `evb` subcommand by name, in the order `evb --help` lists them. */
export const COMMANDS: Record<string, CommandEntry> = Object.fromEntries(
  [
    entry('keygen', 'Generate a signing key pair (private and public JWK)', async () => (await import('./keygen.js')).keygen),
    entry('pack', 'Pack evidence files into a new bundle (a BagIt bag): a directory, or one .zip or .cbor file', async () => (await import('./pack.js')).pack),
    entry('sign', 'Add a signature (packager or certifier) to an existing bundle', async () => (await import('./sign.js')).sign),
    entry('verify', 'Verify a received bundle: integrity, signatures, trust (exit 0/1/2)', async () => (await import('./verify.js')).verify),
    entry('check', 'Check integrity only (digests, completeness, manifest); exit 0 or 1', async () => (await import('./check.js')).check),
    entry('inspect', 'Show what a bundle contains, for which case and legal basis, who signed it', async () => (await import('./inspect.js')).inspect),
    entry('custody', 'Record custody events (append, transfer, receive) and show the custody log', async () => (await import('./custody.js')).custody),
    entry('redact', 'Derive a bundle without some items (format 1.2): signatures stay valid, the withholding is a signed custody event', async () => (await import('./disclosure.js')).redact),
    entry('prove', 'Write the proof of one item (format 1.2), verifiable against the signed root without the rest of the bundle', async () => (await import('./disclosure.js')).prove),
    entry('verify-proof', 'Verify an item proof against your trust policy or keys', async () => (await import('./verify-proof.js')).verifyProof),
    entry('convert', 'Convert a bundle between the directory, ZIP and CBOR forms, every file byte-identical', async () => (await import('./convert.js')).convert),
    entry('extract', 'Extract a ZIP (or CBOR) bundle safely to a new bundle directory', async () => (await import('./convert.js')).extract),
    entry('export', 'Export a bundle to another format: CASE/UCO JSON-LD', async () => (await import('./export.js')).exportCommand),
    entry('trust', 'Create and edit a trust policy: authorities, roles, keys, X.509 anchors, TSAs', async () => (await import('./trust.js')).trust),
    entry('timestamp', 'Add RFC 3161 timestamps to the signatures of a bundle, or an archive timestamp over all of it', async () => (await import('./timestamp.js')).timestamp),
    entry('schema', 'Print a JSON Schema (manifest, report, ...) or list them', async () => (await import('./schema.js')).schema),
  ].map((c) => [c.name, c]),
);
