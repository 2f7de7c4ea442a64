import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Slow, CI-only checks (the 1,000,000-line JCS number test) run when EVB_SLOW=1.
    reporters: ['default'],
  },
});
