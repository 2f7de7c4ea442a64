import { resolve } from 'node:path';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { convertBundle } from '../../node/write-bundle.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const convert: Command = {
  help: `Usage: evb convert IN OUT

Writes the bundle IN again as OUT in another form: every file (payload, manifest, signatures, custody log)
byte-identical, so that signatures and custody stay valid and the bundle verifies as before.
IN is a bundle directory, a ZIP or a CBOR bundle, recognised by its content, not its name. The form of OUT
comes from its name: ".zip" the ZIP form, ".cbor" the CBOR form (for small productions: at most 64 MiB),
anything else a directory. OUT must not exist nor lie inside the directory IN (exit 73); it is written beside
its final name and renamed into place, so a failure never leaves half a bundle.

A bag that is not valid (a digest that does not match, a missing or unsafe file, a hostile ZIP) is refused
with exit 65 and nothing is written: conversion does not launder a broken bundle. Run "evb verify" on the
result to judge signatures and trust.
`,
  options: {},
  async run(_values, positionals, io) {
    if (positionals.length !== 2) throw new UsageError('give IN and OUT');
    const output = resolve(io.cwd, positionals[1]!);
    const form = await convertBundle(resolve(io.cwd, positionals[0]!), output);
    io.stdout(`converted into ${shown(positionals[1]!)} (${form})\n`);
    return EXIT.VALID;
  },
};

export const extract: Command = {
  help: `Usage: evb extract BUNDLE DIR

Writes BUNDLE as the bundle directory DIR, whatever DIR is named: "evb convert" with a directory as output.
BUNDLE is recognised by its content (a ZIP or a CBOR bundle; a directory is copied). Nothing is written
outside DIR: the bag is validated first, and an archive with an unsafe or colliding entry name, a link or
device entry, or any other hostile property is refused with exit 65 before anything is written. DIR must not
exist (exit 73); it appears only once complete.
`,
  options: {},
  async run(_values, positionals, io) {
    if (positionals.length !== 2) throw new UsageError('give BUNDLE and DIR');
    await convertBundle(resolve(io.cwd, positionals[0]!), resolve(io.cwd, positionals[1]!), { form: 'directory' });
    io.stdout(`extracted into ${shown(positionals[1]!)}\n`);
    return EXIT.VALID;
  },
};
