// Writes are atomic (docs/DESIGN.md): a pack that is killed, or that fails because the disk refuses a write,
// leaves no bundle under the target name (or a complete one) and, when it fails, nothing of its own.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { tempDir } from '../helpers/bundle-fixture.js';

const CHILD = join(import.meta.dirname, 'pack-child.ts');
let dir: string;
let large: string;
beforeAll(async () => {
  dir = await tempDir('evb-pack-kill-');
  large = join(dir, 'large.bin');
  await fsp.writeFile(large, new Uint8Array(16 * 1024 * 1024).map((_, i) => (i * 7) & 0xff));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Runs the child under bash (for ulimit), optionally killing it `killAfterMs` after it starts copying. */
function runChild(work: string, options: { fileSizeLimitKiB?: number; killAfterMs?: number }): Promise<string> {
  const limit = options.fileSizeLimitKiB === undefined ? '' : `ulimit -f ${options.fileSizeLimitKiB}; `;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${limit}exec "$0" --import tsx "$1" "$2" "$3"`, process.execPath, CHILD, join(work, 'out'), large], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.killAfterMs !== undefined && stdout.includes('copying')) setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(stdout.replace('copying\n', '').trim());
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('packBundle interrupted', () => {
  it('a write the file system refuses (EFBIG) fails with ERR_IO and leaves nothing behind', async () => {
    const work = await fsp.mkdtemp(join(dir, 'efbig-'));
    expect(await runChild(work, { fileSizeLimitKiB: 4096 })).toBe('ERR_IO');
    expect(await fsp.readdir(work)).toEqual([]);
  }, 60_000);

  it('killed at any moment: no bundle under the target name, or a complete one', async () => {
    const trials = Number(process.env['EVB_KILL_TRIALS'] ?? 8);
    let complete = 0;
    let interrupted = 0;
    for (let trial = 0; trial < trials; trial++) {
      const work = await fsp.mkdtemp(join(dir, 'kill-'));
      await runChild(work, { killAfterMs: Math.random() * 100 });
      const names = await fsp.readdir(work);
      // The temporary directory a killed pack leaves is hidden beside the target, never under its name.
      expect(names.filter((n) => n !== 'out' && !n.startsWith('.out.partial-')), `trial ${trial}`).toEqual([]);
      if (names.some((n) => n.startsWith('.out.partial-'))) interrupted++;
      if (names.includes('out')) {
        complete++;
        const report = await verifyBundleDirectory(join(work, 'out'));
        expect(report.findings.filter((f) => f.severity === 'error'), `trial ${trial}`).toEqual([]);
      }
    }
    // Some kills must land while the pack is writing, or this test proves nothing.
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});
