import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from '../io.js';

/**
 * One `evb` subcommand: its options (node:util parseArgs), help text and action returning an exit code. Its name
 * and summary are its entry in commands/index.ts.
 */
export interface Command {
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[], io: CliIO): Promise<number>;
}
