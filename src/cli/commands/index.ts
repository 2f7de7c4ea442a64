import { check } from './check.js';
import { convert, extract } from './convert.js';
import { custody } from './custody.js';
import { prove, redact, verifyProof } from './disclosure.js';
import { exportCommand } from './export.js';
import type { Command } from './command.js';
import { inspect } from './inspect.js';
import { keygen } from './keygen.js';
import { pack } from './pack.js';
import { schema } from './schema.js';
import { sign } from './sign.js';
import { timestamp } from './timestamp.js';
import { trust } from './trust.js';
import { verify } from './verify.js';

export type { Command };

/** Every `evb` subcommand by name, in the order `evb --help` lists them. */
export const COMMANDS: Record<string, Command> = Object.fromEntries(
  [keygen, pack, sign, verify, check, inspect, custody, redact, prove, verifyProof, convert, extract, exportCommand, trust, timestamp, schema].map((c) => [c.name, c]),
);
