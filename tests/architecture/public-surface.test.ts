// The public surface is deliberate: a small facade at the root, primitives behind named subpaths, and the
// package's exports map, the build entries and src/entries/ naming the same subpaths.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';

const REPO = join(import.meta.dirname, '..', '..');
const ENTRY_FILES = readdirSync(join(REPO, 'src', 'entries')).map((f) => f.replace(/\.ts$/, '')).sort();
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

describe('public surface', () => {
  it('keeps internal helpers out of the root entry', () => {
    for (const name of ['base64Encode', 'makeFinding', 'readTagFile', 'decideOutcome', 'canonicalize', 'signDetached', 'createZipWriter']) {
      expect(Object.keys(root), name).not.toContain(name);
    }
    // A facade, not a dump: the root had 85 values before the subpaths.
    expect(Object.keys(root).length).toBeLessThanOrEqual(45);
  });

  it('exports each subpath of src/entries/ from package.json, with its types first', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => !['.', './node', './package.json', './schemas/*'].includes(k)).map((k) => k.slice(2)).sort();
    expect(subpaths).toEqual(ENTRY_FILES);
    for (const name of ENTRY_FILES) {
      expect(Object.keys(pkg.exports[`./${name}`] as object)).toEqual(['types', 'default']);
    }
  });

  it('builds each subpath (tsup entries)', () => {
    const config = readFileSync(join(REPO, 'tsup.config.ts'), 'utf8');
    const listed = /\[([^\]]*)\]\.map\(\(name\) => \[name, `src\/entries\/\$\{name\}\.ts`\]\)/.exec(config)?.[1];
    expect(listed?.split(',').map((s) => s.trim().replace(/'/g, '')).sort()).toEqual(ENTRY_FILES);
  });

  it('exports every name from one entry only', async () => {
    const seen = new Map<string, string>(Object.keys(root).map((n) => [n, '.']));
    for (const name of ENTRY_FILES) {
      const module = (await import(/* @vite-ignore */ join(REPO, 'src', 'entries', `${name}.ts`))) as Record<string, unknown>;
      for (const exported of Object.keys(module)) {
        expect(seen.get(exported), `${exported} of ${name}`).toBeUndefined();
        seen.set(exported, name);
      }
    }
  });
});
