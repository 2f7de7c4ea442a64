// The CLI's own progress line: drawn only on a terminal, bounded redraws, cleared when stopped.
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { createProgress } from '../../src/cli/progress.js';

function terminal(isTTY = true): { io: CliIO; writes: string[] } {
  const writes: string[] = [];
  const stream = { write: (chunk: string) => (writes.push(chunk), true) } as unknown as NodeJS.WritableStream;
  return { io: { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: isTTY, stderrStream: stream, cwd: '/' }, writes };
}

describe('createProgress', () => {
  it('draws nothing when stderr is not a terminal, with --quiet, or for nothing to hash', () => {
    for (const [tty, quiet, total] of [[false, false, 100], [true, true, 100], [true, false, 0]] as const) {
      const { io, writes } = terminal(tty);
      const p = createProgress(io, quiet, total);
      p.update(50);
      p.stop();
      expect(writes).toEqual([]);
    }
  });

  it('redraws at most every 100 ms of its clock, always at the end, and clears the line once when stopped', () => {
    const { io, writes } = terminal();
    let t = 0;
    const p = createProgress(io, false, 4 * 1048576, () => t);
    const drawn = (): string[] => writes.filter((w) => w.startsWith('\rhashing'));
    expect(drawn()).toHaveLength(1);
    expect(drawn()[0]).toContain('0% | 0.0 of 4.0 MiB');
    t = 200;
    p.update(1048576);
    for (let i = 0; i < 1000; i++) p.update(1048576 + i); // same instant: no redraw
    expect(drawn()).toHaveLength(2);
    expect(drawn()[1]).toMatch(/\[=+-+\] 25% \| 1\.0 of 4\.0 MiB \| eta 1s/);
    p.update(99 * 1048576); // beyond the total: clamped, and the end is always drawn
    expect(drawn().at(-1)).toContain('100% | 4.0 of 4.0 MiB | done');
    p.stop();
    p.stop();
    p.update(10);
    expect(writes.filter((w) => w.includes('\x1b[?25h'))).toHaveLength(1);
    expect(writes.at(-1)).toBe('\r\x1b[K\x1b[?25h');
  });
});
