import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root of the repository, whatever the test file's depth. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The folder of one external vector set (from `EVB_VECTORS`, else `../shared/vectors` beside the repository),
 * or `undefined` when it is absent. Vectors are read in place, never copied into the project.
 */
export function vectorsDir(name: string): string | undefined {
  const root = process.env.EVB_VECTORS ?? resolve(REPO_ROOT, '..', 'shared', 'vectors');
  const dir = join(root, name);
  if (existsSync(dir)) return dir;
  // Visible in the test output, so a run without vectors is never mistaken for a pass.
  console.warn(`[vectors] ${name} not found under ${root}: its tests are skipped (set EVB_VECTORS)`);
  return undefined;
}
