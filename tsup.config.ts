import { defineConfig } from 'tsup';

// The primitives' subpaths (package.json "exports": evidence-bundle/jws, ...), one entry file each.
const SUBPATHS = Object.fromEntries(
  ['jws', 'custody', 'x509', 'timestamp', 'trust', 'cbor', 'zip', 'bagit', 'encoding', 'digest', 'report', 'i18n', 'case', 'disclosure'].map((name) => [name, `src/entries/${name}.ts`]),
);

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...SUBPATHS,
    'node/index': 'src/node/index.ts',
    'cli/evb': 'src/cli/evb.ts',
  },
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: { entry: { index: 'src/index.ts', ...SUBPATHS, 'node/index': 'src/node/index.ts' } },
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  // Dependencies stay external: consumers get one copy of jose, zod and noble.
  external: [/^node:/],
});
