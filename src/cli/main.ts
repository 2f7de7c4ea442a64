import { parseArgs, type ParseArgsConfig } from 'node:util';
import { escapeForDisplay as shown } from '../report/display-text.js';
import { isEvidenceBundleError, type ErrorCode } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { type CliIO, processIO, UsageError } from './io.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from './version.js';

const HELP = `evb ${VERSION}: package, sign and verify electronic evidence bundles

Usage: evb <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.name.padEnd(18)} ${c.summary}`)
  .join('\n')}

Run "evb <command> --help" for the options of a command.

Exit codes:
  0   VALID (or success)
  1   INVALID: something was altered, malformed or does not verify
  2   INDETERMINATE: what was checked holds, but trust cannot be established
  64  usage error (an invalid --lang tag: ERR_LANG_INVALID)
  65  input data malformed (for commands other than verify/check)
  66  input not found
  70  internal error
  73  output cannot be created (already exists)
  74  input/output error
  130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM (evb pack removes what it had written)
`;

function exitFor(code: ErrorCode): number {
  switch (code) {
    case 'ERR_SOURCE_NOT_FOUND':
      return EXIT.NO_INPUT;
    case 'ERR_LANG_INVALID':
      return EXIT.USAGE;
    case 'ERR_TARGET_EXISTS':
      return EXIT.CANT_CREATE;
    case 'ERR_IO':
      return EXIT.IO;
    case 'ERR_VERIFY_INVALID':
      return EXIT.INVALID;
    case 'ERR_VERIFY_INDETERMINATE':
      return EXIT.INDETERMINATE;
    // The URI is an argument (--key): a malformed one is a misuse of the command line.
    case 'ERR_PKCS11_URI_INVALID':
      return EXIT.USAGE;
    default:
      return EXIT.DATA;
  }
}

/**
 * Runs `evb` with the given arguments and returns the exit code. Errors become one line on stderr (with the
 * stable error code); `--debug` adds the stack trace. Messages embed paths, names and values from bundles,
 * files and arguments, so every error line is escaped for display ({@link escapeForDisplay}): it stays one
 * line and carries no control or bidi character to the terminal.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name === undefined ? EXIT.USAGE : EXIT.VALID;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return EXIT.VALID;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.stderr(`evb: unknown command "${shown(name)}" (see "evb --help")\n`);
    return EXIT.USAGE;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.help);
      return EXIT.VALID;
    }
    const config: ParseArgsConfig = {
      args: rest.filter((a) => a !== '--debug'),
      options: command.options,
      allowPositionals: true,
      strict: true,
    };
    let parsed;
    try {
      parsed = parseArgs(config);
    } catch (cause) {
      throw new UsageError((cause as Error).message);
    }
    return await command.run(parsed.values as Record<string, unknown>, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`evb ${name}: ${shown(error.message)} (see "evb ${name} --help")\n`);
      return EXIT.USAGE;
    }
    if (isEvidenceBundleError(error)) {
      io.stderr(`evb ${name}: ${error.code}: ${shown(error.message)}\n`);
      if (debug) io.stderr(`${stack(error)}\n`);
      return exitFor(error.code);
    }
    io.stderr(`evb ${name}: internal error: ${shown(String((error as Error)?.message ?? error))}\n`);
    if (debug) io.stderr(`${stack(error)}\n`);
    return EXIT.SOFTWARE;
  }
}

/** A stack trace for --debug: its own lines kept, each indented, every control character of the message escaped. */
function stack(error: unknown): string {
  return shown(String((error as Error)?.stack ?? ''), { indent: '  ' });
}
