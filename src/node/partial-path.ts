import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Where a writer builds a new bundle (directory or single file) before renaming it to `target`:
 * `.<name>.partial-<pid>-<random>` beside it. The pid tells a later writer whether the one that made it is gone.
 */
export function partialPathFor(target: string): string {
  return join(dirname(target), `${partialPrefix(basename(target))}${process.pid}-${randomBytes(6).toString('hex')}`);
}

const partialPrefix = (name: string): string => `.${name}.partial-`;

/**
 * Removes what earlier writers to the same target left beside it when they were killed or the machine crashed:
 * partials whose process is gone. One whose process still runs may be a concurrent writer and is left alone, as
 * is one without a pid or one whose pid was reused. Pids are those of this machine: writers on other hosts into
 * one shared directory are not told apart.
 */
export async function removeStalePartials(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = partialPrefix(basename(target));
  let entries: string[];
  try {
    entries = await fsp.readdir(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(entry.slice(prefix.length))?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    await fsp.rm(join(parent, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
