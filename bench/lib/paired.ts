// Whole processes timed from outside, two commands run in turn, pair by pair, with the load average printed
// before each run: a ratio is the median of the pairs' ratios, so the load of a shared machine, which drifts,
// weighs on both sides alike. Shared by bench/bundle.ts and bench/forms.ts.
import { execFileSync } from 'node:child_process';
import type { CommandRun } from './system.js';

/** `uptime`'s line: the load averages over 1, 5 and 15 minutes. */
export const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
/** The three load averages alone. */
export const load = (): string => /load average: (.*)$/.exec(uptime())?.[1] ?? '?';

/** One side of a pair: a whole process, and what must be done (not timed) before each run of it. */
export interface Side {
  label: string;
  run: () => Promise<CommandRun>;
  before?: () => Promise<void>;
}

export interface Measured extends CommandRun {
  label: string;
}

/** Both sides' median runs and the median of the ratios b / a (undefined from fewer than 2 pairs). */
export interface PairResult {
  a: Measured;
  b: Measured;
  ratio: number | undefined;
  ratios: number[];
  /** The median of the pairs' CPU-time ratios (user + system of every thread), where both sides report it. */
  cpuRatio: number | undefined;
}

const median = <T>(values: readonly T[], key: (v: T) => number): T => [...values].sort((x, y) => key(x) - key(y))[Math.floor(values.length / 2)]!;

/** `runs` pairs of runs of `a` and `b`, in turn (which goes first alternates), with the load printed before each. */
export async function pair(runs: number, a: Side, b: Side): Promise<PairResult> {
  const sides: [CommandRun[], CommandRun[]] = [[], []];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const got: CommandRun[] = [];
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const s = side === 0 ? a : b;
      await s.before?.();
      console.log(`  [load ${load()}] ${s.label}`);
      got[side] = await s.run();
      sides[side]!.push(got[side]!);
      console.log(`    ${got[side]!.seconds.toFixed(3)} s`);
    }
    ratios.push(got[1]!.seconds / got[0]!.seconds);
    if (got[0]!.cpuSeconds !== undefined && got[1]!.cpuSeconds !== undefined) cpuRatios.push(got[1]!.cpuSeconds / got[0]!.cpuSeconds);
  }
  return {
    a: { label: a.label, ...median(sides[0], (r) => r.seconds) },
    b: { label: b.label, ...median(sides[1], (r) => r.seconds) },
    // A ratio from one run is noise on this machine: none is given.
    ratio: runs >= 2 ? median(ratios, (r) => r) : undefined,
    ratios,
    cpuRatio: runs >= 2 && cpuRatios.length === runs ? median(cpuRatios, (r) => r) : undefined,
  };
}

/** `1.23x`, or a refusal when there was a single run. */
export const showRatio = (ratio: number | undefined): string => (ratio === undefined ? 'n/a (1 run)' : `${ratio.toFixed(2)}x`);
