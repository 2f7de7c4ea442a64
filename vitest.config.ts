import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one file at a time on two CPUs. The tests wait on child processes, worker threads and
    // the disk much of the time, so two files at once keep both CPUs busy: on a 2-CPU machine the suite with
    // EVB_SLOW=1 took 5.4 minutes, all green, against 8.3 one file at a time (and 200 kill trials, now 120).
    maxWorkers: Math.max(availableParallelism() - 1, 2),
    // Slow, CI-only checks (the 1,000,000-line JCS number test) run when EVB_SLOW=1.
    reporters: ['default'],
  },
});
