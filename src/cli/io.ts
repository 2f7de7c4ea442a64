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

/**
 * The process's own streams. A reader that goes away (`evb verify ... | head`) is not an error of the command:
 * the write fails with EPIPE, further output is dropped, and the command ends with its own exit code, quietly.
 * Any other failure to write is said once on stderr (when it can still be written) and the output dropped too.
 */
export function processIO(): CliIO {
  return {
    stdout: guardedWriter(process.stdout, 'standard output'),
    stderr: guardedWriter(process.stderr, 'standard error'),
    stderrIsTTY: process.stderr.isTTY === true,
    stderrStream: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Streams already guarded, so that a second processIO() adds no second listener. */
const guarded = new WeakMap<NodeJS.WriteStream, { closed: boolean }>();

function guardedWriter(stream: NodeJS.WriteStream, name: string): (text: string) => void {
  let state = guarded.get(stream);
  if (state === undefined) {
    const s = { closed: false };
    state = s;
    guarded.set(stream, s);
    // Write errors arrive as 'error' events, after the write call returned: without a listener they crash the
    // process with an unhandled EPIPE.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (s.closed) return;
      s.closed = true;
      if (error.code !== 'EPIPE' && stream !== process.stderr && !(guarded.get(process.stderr)?.closed ?? false)) {
        process.stderr.write(`evb: cannot write to ${name}: ${error.code ?? error.message}\n`);
      }
    });
  }
  const current = state;
  return (text) => {
    if (!current.closed) stream.write(text);
  };
}

/** A misuse of the command line: printed as one line with a pointer to --help, exit 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
