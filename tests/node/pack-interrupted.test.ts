// Writes are atomic (docs/DESIGN.md): a pack that is killed, or that fails because the disk refuses a write,
// leaves no bundle under the target name (or a complete one) and, when it fails, nothing of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBundle, verifyBundleDirectory } from '../../src/node/index.js';
import { demoCase, tempDir } from '../helpers/bundle-fixture.js';

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
function runChild(work: string, options: { fileSizeLimitKiB?: number; killAfterMs?: number; name?: string }): Promise<string> {
  const limit = options.fileSizeLimitKiB === undefined ? '' : `ulimit -f ${options.fileSizeLimitKiB}; `;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${limit}exec "$0" --import tsx "$1" "$2" "$3"`, process.execPath, CHILD, join(work, options.name ?? 'out'), large], {
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
  // Into a ZIP, the refused write is one in flight while the next chunk is read: it still fails the pack.
  it.each(['out', 'out.zip'])('a write the file system refuses (EFBIG) fails with ERR_IO and leaves nothing behind (%s)', async (name) => {
    const work = await fsp.mkdtemp(join(dir, 'efbig-'));
    expect(await runChild(work, { fileSizeLimitKiB: 4096, name })).toBe('ERR_IO');
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

// Ctrl-C and kill(1) during `evb pack`: the CLI aborts the pack, which removes its partial directory, and exits
// 130 / 143. After a SIGKILL (nothing can clean up) the next pack to the same target removes the stale partial
// directory, but never one whose pack is still running.
describe('evb pack stopped by a signal', () => {
  const EVB = join(import.meta.dirname, '..', '..', 'src', 'cli', 'evb.ts');
  let huge: string;
  let spec: string;
  beforeAll(async () => {
    // Sparse: 1 GiB that takes no disk to hold, but seconds to copy and hash, long enough to be interrupted.
    huge = join(dir, 'huge.bin');
    await fsp.writeFile(huge, '');
    await fsp.truncate(huge, 1024 ** 3);
    const { metadata } = await demoCase();
    spec = join(dir, 'spec.json');
    await fsp.writeFile(spec, JSON.stringify({ metadata }));
  });

  const partials = async (work: string) => (await fsp.readdir(work)).filter((n) => n.startsWith('.out.partial-'));

  /** Starts `evb pack huge --out work/out` and resolves once its partial directory holds copied bytes. */
  async function startPack(work: string, ignore: readonly string[] = []): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string }> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', EVB, 'pack', huge, '--spec', spec, '--out', join(work, 'out'), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
    for (let i = 0; i < 3000; i++) {
      const [partial] = (await partials(work)).filter((n) => !ignore.includes(n));
      const copied = partial === undefined ? 0 : await fsp.stat(join(work, partial, 'data', 'huge.bin')).then((s) => s.size, () => 0);
      if (copied > 0) return { child, exited };
      if (child.exitCode !== null) throw new Error(`evb pack ended before it copied: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('evb pack did not start copying');
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exits %i and leaves nothing behind', async (signal, code) => {
    const work = await fsp.mkdtemp(join(dir, 'signal-'));
    const { child, exited } = await startPack(work);
    child.kill(signal);
    const result = await exited;
    expect(result.code, result.stderr).toBe(code);
    expect(await fsp.readdir(work)).toEqual([]);
  }, 120_000);

  it('SIGKILL leaves a partial directory, which the next pack to the same target removes; a running pack keeps its own', async () => {
    const work = await fsp.mkdtemp(join(dir, 'sigkill-'));
    const killed = await startPack(work);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const [stale] = await partials(work);
    expect(stale).toBeDefined();

    // The next pack to the target removes the stale directory before it writes its own.
    const running = await startPack(work, [stale!]);
    const live = await partials(work);
    expect(live).toHaveLength(1);
    expect(live).not.toContain(stale);
    // Another pack to the same target while that one is still writing: the live directory stays.
    const { metadata, items } = await demoCase();
    await packBundle(join(work, 'out'), { metadata, items });
    expect(await partials(work)).toEqual(live);
    running.child.kill('SIGINT');
    await running.exited;
    expect((await fsp.readdir(work)).sort()).toEqual(['out']);
  }, 120_000);
});

describe('packBundle with an AbortSignal', () => {
  it('rejects with the reason, before or during the copy, and leaves nothing behind', async () => {
    const { metadata, items } = await demoCase();
    const reason = new Error('stop');
    const work = await fsp.mkdtemp(join(dir, 'abort-'));
    await expect(packBundle(join(work, 'out'), { metadata, items, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const all = [...items, { ...items[0]!, id: 'large', path: 'large.bin', source: large, mediaType: 'application/octet-stream' }];
    const packing = packBundle(join(work, 'out'), { metadata, items: all, signal: controller.signal, onProgress: () => controller.abort(reason) });
    await expect(packing).rejects.toBe(reason);
    expect(await fsp.readdir(work)).toEqual([]);
  });
});
