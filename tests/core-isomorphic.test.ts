import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The core (everything under src/ except src/node and src/cli) must run in browsers, Deno and Bun:
// no `node:` imports, no Buffer, no process.
const SRC = join(import.meta.dirname, '..', 'src');
const NODE_ONLY = new Set(['node', 'cli']);

function coreFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      return dir === SRC && NODE_ONLY.has(name) ? [] : coreFiles(full);
    }
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('isomorphic core', () => {
  const files = coreFiles(SRC);
  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  it.each(files.map((f) => [relative(SRC, f), f]))('%s uses no Node-only API', (_name, file) => {
    // Comments may name what the code avoids; only code counts.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"])\/\/.*$/gm, '$1');
    expect(text).not.toMatch(/from\s+['"]node:/);
    expect(text).not.toMatch(/import\(\s*['"]node:/);
    expect(text).not.toMatch(/\bBuffer\b/);
    expect(text).not.toMatch(/\bprocess\./);
    expect(text).not.toMatch(/from\s+['"](fs|path|crypto|os|worker_threads)['"]/);
  });
});
