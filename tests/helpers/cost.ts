// Cost tests compare times measured in the same run, never absolute times. They measure the CPU time of this
// process, not the wall clock: other processes on a shared machine take the CPU away but do not add to it. And
// since noise (a GC pause, cache misses) only ever adds time, the fastest of a few runs is the measure.

/** CPU time used by this process so far (user and system, all its threads), in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The fastest of `runs` timings, in milliseconds, floored at 1 ms so that a ratio never divides by ~0. */
export async function fastestOf(runs: number, time: () => number | Promise<number>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, await time());
  return Math.max(best, 1);
}

/** How much CPU time `run` takes, in milliseconds. */
export async function timed(run: () => unknown): Promise<number> {
  const start = cpuMs();
  await run();
  return cpuMs() - start;
}
