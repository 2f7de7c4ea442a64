import type { CliIO } from './io.js';

/** A progress bar on stderr while bytes are hashed; silent when stderr is not a terminal or with --quiet. */
export interface Progress {
  update(bytes: number): void;
  stop(): void;
}

const BAR_WIDTH = 30;
/** Redraw at most this often: hashing reports every chunk, a terminal needs a few frames a second. */
const REDRAW_MS = 100;
const MIB = 1048576;

/** Whether a bar would be drawn: on a terminal, without --quiet (a caller may skip work it needs only for one). */
export function progressShown(io: CliIO, quiet: boolean): boolean {
  return !quiet && io.stderrIsTTY && io.stderrStream !== undefined;
}

/**
 * One line, redrawn in place: `hashing [=====-----] 42% | 1.2 of 3.0 MiB | eta 5s`, cleared when stopped. Our
 * own few lines rather than a progress library, so that library users never install what only the CLI draws.
 * `now` is the clock (a parameter for tests).
 */
export function createProgress(io: CliIO, quiet: boolean, totalBytes: number, now: () => number = Date.now): Progress {
  const stream = io.stderrStream;
  if (!progressShown(io, quiet) || stream === undefined || totalBytes <= 0) {
    return { update: () => undefined, stop: () => undefined };
  }
  const started = now();
  let lastDraw = -Infinity;
  let lastLine = '';
  let stopped = false;
  const draw = (bytes: number): void => {
    const done = Math.max(0, Math.min(bytes, totalBytes));
    const fraction = done / totalBytes;
    const filled = Math.round(fraction * BAR_WIDTH);
    const elapsed = (now() - started) / 1000;
    const eta = done > 0 && done < totalBytes ? `eta ${formatSeconds((elapsed * (totalBytes - done)) / done)}` : done >= totalBytes ? 'done' : 'eta -';
    const line = `hashing [${'='.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% | ${(done / MIB).toFixed(1)} of ${(totalBytes / MIB).toFixed(1)} MiB | ${eta}`;
    if (line === lastLine) return;
    lastLine = line;
    // \r back to the start, \x1b[K erase what a longer line left.
    stream.write(`\r${line}\x1b[K`);
  };
  stream.write('\x1b[?25l');
  draw(0);
  return {
    update: (bytes) => {
      if (stopped) return;
      const t = now();
      if (t - lastDraw < REDRAW_MS && bytes < totalBytes) return;
      lastDraw = t;
      draw(bytes);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      // Clear the line and give the cursor back: what follows is the command's own output.
      stream.write('\r\x1b[K\x1b[?25h');
    },
  };
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
