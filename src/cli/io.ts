/** Where a command writes; the real process streams by default, buffers in tests. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is an interactive terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
  stderrStream?: NodeJS.WritableStream;
  cwd: string;
  /**
   * Environment variables (the process's in `processIO`). The report language defaults from LC_ALL, LC_MESSAGES
   * and LANG here, and none given means English (tests leave it out, so that their output does not depend on the
   * machine's locale); the PKCS#11 PIN and module (EVB_PKCS11_PIN, EVB_PKCS11_MODULE) are read from it too.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    stderrStream: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** A misuse of the command line: printed as one line with a pointer to --help, exit 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
