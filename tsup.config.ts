import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'node/index': 'src/node/index.ts',
    'cli/evb': 'src/cli/evb.ts',
  },
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: { entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' } },
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  // Dependencies stay external: consumers get one copy of jose, zod and noble.
  external: [/^node:/],
});
