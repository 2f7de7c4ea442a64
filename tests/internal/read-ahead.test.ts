// The read-ahead of the writers of ordered sinks (src/internal/read-ahead.ts; the Node ZIP sink reads on the copy
// workers, writeBundle through a bundle's source): the planned files are read before their turn, within bounds
// of reads and bytes, each read once, and a failure reaches whoever takes that file, never anyone else and never
// as an unhandled rejection. A fake copy pool records what is asked of it.
import { describe, expect, it } from 'vitest';
import { createReadAhead } from '../../src/internal/read-ahead.js';
import type { CopyPool, ReadFile, StatedFile } from '../../src/node/copy-pool.js';

const file = (n: number, size = 100): StatedFile => ({ path: `/src/f${n}`, ino: n, dev: 1, size, mtimeMs: 0 });

/** A pool whose reads settle when the test says, recording them; `fail` names files whose read rejects. */
function fakePool(fail = new Set<string>()) {
  const asked: string[] = [];
  const pending = new Map<string, () => void>();
  const pool = {
    read: (source: StatedFile) => {
      asked.push(source.path);
      return new Promise((resolve, reject) => {
        pending.set(source.path, () => {
          if (fail.has(source.path)) reject(Object.assign(new Error(`${source.path} changed`), { code: 'ERR_SOURCE_CHANGED' }));
          else resolve({ size: source.size, digests: { sha256: source.path }, bytes: new Uint8Array(source.size), crc32: source.ino });
        });
      });
    },
  } as unknown as CopyPool;
  const settleAll = (): void => {
    for (const [path, settle] of pending) {
      pending.delete(path);
      settle();
    }
  };
  return { pool, asked, settleAll, outstanding: () => pending.size };
}

/** The read-ahead as the ZIP sink makes it, over `pool`. */
const aheadOn = (pool: CopyPool, planned: readonly StatedFile[], limits: { files: number; bytes: number }) =>
  createReadAhead<StatedFile, ReadFile>(planned, (f) => pool.read(f, ['sha256']), { reads: limits.files, bytes: limits.bytes, sizeOf: (f) => f.size });

describe('createReadAhead', () => {
  it('reads the planned files in order, ahead of their turn, each once, never more than the file bound ahead', async () => {
    const { pool, asked, settleAll } = fakePool();
    const planned = Array.from({ length: 100 }, (_, n) => file(n));
    const ahead = aheadOn(pool, planned, { files: 8, bytes: 1 << 20 });
    expect(asked).toEqual(planned.slice(0, 8).map((f) => f.path));
    for (const [n, f] of planned.entries()) {
      const reading = ahead.take(f);
      settleAll();
      const got = await reading;
      expect(got.digests.sha256).toBe(f.path);
      expect(got.crc32).toBe(n);
      // Started but not yet taken: at most the bound.
      expect(asked.length - (n + 1)).toBeLessThanOrEqual(8);
    }
    expect(asked).toEqual(planned.map((f) => f.path));
  });

  it('refills by halves, so that the reads go out in batches, not one at a time', () => {
    const { pool, asked } = fakePool();
    const planned = Array.from({ length: 64 }, (_, n) => file(n));
    const ahead = aheadOn(pool, planned, { files: 16, bytes: 1 << 20 });
    const sizes: number[] = [asked.length];
    for (let n = 0; n < 40; n++) {
      void ahead.take(planned[n]!).catch(() => undefined);
      sizes.push(asked.length);
    }
    // 16 at first; nothing new until half are taken, then up to 16 again.
    expect(sizes.slice(0, 8)).toEqual([16, 16, 16, 16, 16, 16, 16, 16]);
    expect(sizes[8]).toBe(16 + 8);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it('holds at most the byte bound ahead, but always starts the next file, however large', () => {
    const { pool, asked } = fakePool();
    const planned = [file(0, 700), file(1, 700), file(2, 5000), file(3, 10)];
    const ahead = aheadOn(pool, planned, { files: 4, bytes: 1000 });
    expect(asked).toEqual(['/src/f0']);
    void ahead.take(planned[0]!);
    expect(asked).toEqual(['/src/f0', '/src/f1']);
    void ahead.take(planned[1]!);
    // Larger than the bound alone: started when nothing else is held.
    expect(asked).toEqual(['/src/f0', '/src/f1', '/src/f2']);
    void ahead.take(planned[2]!);
    expect(asked).toEqual(['/src/f0', '/src/f1', '/src/f2', '/src/f3']);
  });

  it('reads a file outside the plan when it is taken, and a planned file taken early only once', async () => {
    const { pool, asked, settleAll } = fakePool();
    const planned = Array.from({ length: 10 }, (_, n) => file(n));
    const ahead = aheadOn(pool, planned, { files: 2, bytes: 1 << 20 });
    const stranger = file(99);
    const early = planned[7]!;
    const a = ahead.take(stranger);
    const b = ahead.take(early);
    settleAll();
    expect((await a).digests.sha256).toBe('/src/f99');
    expect((await b).digests.sha256).toBe('/src/f7');
    for (const f of planned.filter((f) => f !== early)) {
      const reading = ahead.take(f);
      settleAll();
      await reading;
    }
    expect(asked.filter((p) => p === '/src/f7')).toEqual(['/src/f7']);
    expect(asked.filter((p) => p === '/src/f99')).toEqual(['/src/f99']);
  });

  it('a read that fails ahead of its turn rejects that file only, when it is taken, and is never unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { pool, settleAll } = fakePool(new Set(['/src/f3']));
      const planned = Array.from({ length: 6 }, (_, n) => file(n));
      const ahead = aheadOn(pool, planned, { files: 6, bytes: 1 << 20 });
      // Every read settles, the failing one included, long before its turn.
      settleAll();
      await new Promise((r) => setTimeout(r, 20));
      for (const n of [0, 1, 2]) await expect(ahead.take(planned[n]!)).resolves.toMatchObject({ digests: { sha256: `/src/f${n}` } });
      await expect(ahead.take(planned[3]!)).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
      await expect(ahead.take(planned[4]!)).resolves.toMatchObject({ digests: { sha256: '/src/f4' } });
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
  it('settled waits for every read started and not taken, failed ones included, and no longer', async () => {
    const { pool, settleAll, outstanding } = fakePool(new Set(['/src/f2']));
    const planned = Array.from({ length: 5 }, (_, n) => file(n));
    const ahead = aheadOn(pool, planned, { files: 5, bytes: 1 << 20 });
    let done = false;
    const waiting = ahead.settled().then(() => void (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    expect(outstanding()).toBe(5);
    settleAll();
    await waiting;
    expect(done).toBe(true);
  });
});
