import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress bar on stderr while bytes are hashed; silent when stderr is not a terminal or with --quiet. */
export interface Progress {
  update(bytes: number): void;
  stop(): void;
}

/** Whether a bar would be drawn: on a terminal, without --quiet (a caller may skip work it needs only for one). */
export function progressShown(io: CliIO, quiet: boolean): boolean {
  return !quiet && io.stderrIsTTY && io.stderrStream !== undefined;
}

export function createProgress(io: CliIO, quiet: boolean, totalBytes: number): Progress {
  if (!progressShown(io, quiet) || io.stderrStream === undefined || totalBytes === 0) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderrStream,
      format: 'hashing [{bar}] {percentage}% | {done} of {all} MiB | {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const mib = (n: number): string => (n / 1048576).toFixed(1);
  bar.start(totalBytes, 0, { done: mib(0), all: mib(totalBytes) });
  let stopped = false;
  return {
    update: (bytes) => bar.update(Math.min(bytes, totalBytes), { done: mib(bytes), all: mib(totalBytes) }),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
