// Failure modes of digestRangeShared, provoked through its two dependencies: the worker (made to die after a
// chunk) and the positioned reads (made to fail, or to find the file truncated, after a few chunks). Each must
// settle with a stable code, never hang, and leave no worker running.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const hooks = vi.hoisted(() => ({
  /** Rewrites the worker's source before it starts. */
  source: (s: string): string => s,
  /** Called before each positioned read with its number (0, 1, ...); may throw an errno error. */
  beforeRead: (_n: number): void => undefined,
  reads: 0,
  workers: [] as Array<{ exited: boolean }>,
  /** The shared data buffer each worker was given, in order. */
  rings: [] as unknown[],
  /** Delays the callback of a positioned read by this many milliseconds (its bytes are read at once). */
  delayRead: (_n: number): number => 0,
}));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Tracked extends real.Worker {
    constructor(source: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(typeof source === 'string' ? hooks.source(source) : source, options);
      hooks.rings.push((options?.workerData as { data?: unknown } | undefined)?.data);
      const state = { exited: false };
      hooks.workers.push(state);
      this.once('exit', () => (state.exited = true));
    }
  }
  return { ...real, Worker: Tracked };
});

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const read = (...args: unknown[]): void => {
    const callback = args.at(-1) as (error: unknown, n?: number) => void;
    const n = hooks.reads++;
    try {
      hooks.beforeRead(n);
    } catch (error) {
      process.nextTick(() => callback(error));
      return;
    }
    const delay = hooks.delayRead(n);
    const answer = (error: unknown, bytes?: number): void => void (delay > 0 ? setTimeout(() => callback(error, bytes), delay) : callback(error, bytes));
    (real.read as (...a: unknown[]) => void)(...args.slice(0, -1), answer);
  };
  return { ...real, read, default: { ...real, read } };
});

const { digestRangeShared } = await import('../../src/node/shared-range-digest.js');

const dir = mkdtempSync(join(tmpdir(), 'evb-shared-fail-'));
const LENGTH = 256 * 1024;
const CHUNK = 4096;
let path: string;

beforeAll(() => {
  path = join(dir, 'data.bin');
});
beforeEach(() => {
  writeFileSync(path, new Uint8Array(LENGTH).fill(7));
  hooks.source = (s) => s;
  hooks.beforeRead = () => undefined;
  hooks.reads = 0;
  hooks.workers.length = 0;
  hooks.rings.length = 0;
  hooks.delayRead = () => 0;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(options: { signal?: AbortSignal } = {}): Promise<unknown> {
  const fd = openSync(path, 'r');
  try {
    return await digestRangeShared(fd, { offset: 0, length: LENGTH }, { algorithms: ['sha256'], label: 'x', chunkBytes: CHUNK, slots: 3, ...options });
  } finally {
    closeSync(fd);
  }
}

const allExited = (): boolean => hooks.workers.length > 0 && hooks.workers.every((w) => w.exited);

describe('digestRangeShared failure modes', () => {
  it('succeeds unprovoked, and its worker is gone afterwards', async () => {
    await expect(run()).resolves.toMatchObject({ size: LENGTH });
    expect(allExited()).toBe(true);
  });

  it('a worker that dies after any number of chunks is ERR_IO, not a hang', async () => {
    for (const after of [0, 1, 2, 5, 40]) {
      hooks.workers.length = 0;
      hooks.source = (s) => {
        const patched = s.replace('chunk += 1;', `chunk += 1; if (chunk > ${after}) process.exit(9);`);
        expect(patched).not.toBe(s);
        return patched;
      };
      await expect(run(), `after ${after}`).rejects.toMatchObject({ code: 'ERR_IO' });
      expect(allExited()).toBe(true);
    }
  });

  it('calls one after another share one ring; calls at the same time each have their own', async () => {
    for (let i = 0; i < 3; i++) await expect(run()).resolves.toMatchObject({ size: LENGTH });
    expect(hooks.rings).toHaveLength(3);
    expect(new Set(hooks.rings).size).toBe(1);
    hooks.rings.length = 0;
    await Promise.all([run(), run()]);
    expect(new Set(hooks.rings).size).toBe(2);
    // A failed call gives its ring back too, once its worker is gone and no read fills it.
    hooks.rings.length = 0;
    hooks.reads = 0;
    hooks.beforeRead = (n) => {
      if (n === 3) throw Object.assign(new Error('EIO'), { code: 'EIO', syscall: 'read' });
    };
    await expect(run()).rejects.toMatchObject({ code: 'ERR_IO' });
    hooks.beforeRead = () => undefined;
    await run();
    expect(new Set(hooks.rings).size).toBe(1);
  });

  it('a ring a read still fills when the call fails is not given to the next call', async () => {
    // The worker dies after its first chunk while the next read's answer is held back: the call fails at once
    // (ERR_IO), its read still under way.
    hooks.source = (s) => s.replace('chunk += 1;', 'chunk += 1; if (chunk > 0) process.exit(9);');
    hooks.delayRead = (n) => (n >= 1 ? 300 : 0);
    await expect(run()).rejects.toMatchObject({ code: 'ERR_IO' });
    hooks.source = (s) => s;
    hooks.delayRead = () => 0;
    await run();
    expect(hooks.rings).toHaveLength(2);
    expect(hooks.rings[1]).not.toBe(hooks.rings[0]);
  });

  it('a worker that throws is ERR_IO', async () => {
    hooks.source = (s) => s.replace("'use strict';", "'use strict'; throw new Error('boom');");
    await expect(run()).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(allExited()).toBe(true);
  });

  it('a read failing mid-range (EIO, EBADF) is ERR_IO, and the worker is stopped', async () => {
    for (const [code, at] of [['EIO', 0], ['EIO', 7], ['EBADF', 30]] as const) {
      hooks.workers.length = 0;
      hooks.reads = 0;
      hooks.beforeRead = (n) => {
        if (n === at) throw Object.assign(new Error(`${code}: provoked`), { code, syscall: 'read' });
      };
      await expect(run(), `${code} at ${at}`).rejects.toMatchObject({ code: 'ERR_IO' });
      expect(allExited()).toBe(true);
    }
  });

  it('a file truncated while it is read is ERR_ZIP_MALFORMED (the archive is shorter than its entry)', async () => {
    for (const [at, size] of [[3, 3 * CHUNK + 100], [10, 0], [60, LENGTH - 1]] as const) {
      writeFileSync(path, new Uint8Array(LENGTH).fill(7));
      hooks.workers.length = 0;
      hooks.reads = 0;
      hooks.beforeRead = (n) => {
        if (n !== at) return;
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, size);
        closeSync(fd);
      };
      await expect(run(), `truncated to ${size} at read ${at}`).rejects.toMatchObject({ code: 'ERR_ZIP_MALFORMED' });
      expect(allExited()).toBe(true);
    }
  });

  it('an abort while the ring is full (the worker slowed) rejects with the reason and stops the worker', async () => {
    // The worker sleeps before each chunk, so the reader waits for a released slot when the abort comes.
    hooks.source = (s) => s.replace('const slot = chunk % slots;', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); const slot = chunk % slots;');
    const controller = new AbortController();
    const reason = new Error('stop');
    hooks.beforeRead = (n) => {
      if (n === 4) setTimeout(() => controller.abort(reason), 10);
    };
    await expect(run({ signal: controller.signal })).rejects.toBe(reason);
    expect(allExited()).toBe(true);
  });
});
