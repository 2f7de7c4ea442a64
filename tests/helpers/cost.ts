// Cost tests compare times measured in the same run, never absolute times. On a shared machine load only ever
// adds time, so the fastest of a few runs is the measure, and one slow run (a GC pause, another process) cannot
// fail a test.

/** The fastest of `runs` timings, in milliseconds, floored at 1 ms so that a ratio never divides by ~0. */
export async function fastestOf(runs: number, time: () => number | Promise<number>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, await time());
  return Math.max(best, 1);
}

/** How long `run` takes, in milliseconds. */
export async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
