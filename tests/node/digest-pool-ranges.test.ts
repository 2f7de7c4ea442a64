// The digest pool's range lane (digestRanges) and the ZIP source's digestFiles on it: the same answers as one
// range at a time, for ranges that one read serves together and ranges it cannot; and its failures, each with a
// stable code and no hang: an archive truncated in the middle of a batch, a CRC-32 wrong in the middle of a
// batch, a worker that dies, a descriptor closed under it, the pool closed while it runs.
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_ALGORITHM_NAMES, DIGEST_ALGORITHMS, type DigestAlgorithm } from '../../src/digest/algorithms.js';
import { crc32 } from '../../src/zip/crc32.js';
import { zipFiles } from '../zip/zip-helpers.js';

const hooks = vi.hoisted(() => ({
  /** Rewrites the worker's source before it starts. */
  source: (s: string): string => s,
  workers: [] as Array<{ exited: boolean }>,
}));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Tracked extends real.Worker {
    constructor(source: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(typeof source === 'string' ? hooks.source(source) : source, options);
      const state = { exited: false };
      hooks.workers.push(state);
      this.once('exit', () => (state.exited = true));
    }
  }
  return { ...real, Worker: Tracked };
});

const { createDigestPool } = await import('../../src/node/digest-pool.js');
const { fileReader } = await import('../../src/node/file-reader.js');
const { zipSourceOnPool } = await import('../../src/node/zip-pool-source.js');
const { openZipSource } = await import('../../src/zip/open-zip-source.js');
const { validateBag } = await import('../../src/bagit/validate-bag.js');

const dir = mkdtempSync(join(tmpdir(), 'evb-digest-ranges-'));
const SIZE = 3 * 1024 * 1024;
let bytes: Uint8Array;
let path: string;

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

const nodeAlgorithms = DIGEST_ALGORITHM_NAMES.filter((a) => DIGEST_ALGORITHMS[a].nodeName !== undefined);

function expected(offset: number, length: number, algorithms: readonly DigestAlgorithm[]): { digests: string; crc: number } {
  const part = bytes.subarray(offset, offset + length);
  const digests = algorithms.map((a) => createHash(DIGEST_ALGORITHMS[a].nodeName!).update(part).digest('hex')).join('');
  return { digests, crc: crc32(part) };
}

const hexAt = (digests: Uint8Array, stride: number, i: number): string => Buffer.from(digests.subarray(i * stride, (i + 1) * stride)).toString('hex');

beforeAll(() => {
  bytes = bytesOf(SIZE, 5);
  path = join(dir, 'data.bin');
  writeFileSync(path, bytes);
});
afterEach(() => {
  hooks.source = (s) => s;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ranges as a small-entry archive lays them out: adjacent, a header apart, and some that break the pattern. */
function layout(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  let seed = 7;
  for (let i = 0; i < 600; i++) {
    seed = (seed * 48271) % 2147483647;
    const length = i % 97 === 5 ? 0 : 1 + (seed % 9000);
    out.push([at, length]);
    at += length + (i % 50 === 49 ? 5000 : 30 + (seed % 60));
  }
  // Back to the start (out of file order), overlapping, one larger than a span, one at the very end.
  out.splice(300, 0, [10, 100], [5, 200], [100, 1024 * 1024 + 17], [SIZE - 1, 1], [SIZE - 4096, 4096]);
  return out;
}

describe('DigestPool.digestRanges', () => {
  it('agrees with hashing each range alone, for every Node algorithm, in the order of the ranges', async () => {
    const pool = createDigestPool({ size: 3 });
    const fd = openSync(path, 'r');
    try {
      const list = layout();
      for (const algorithms of [[], ['sha512'], nodeAlgorithms] as DigestAlgorithm[][]) {
        const got = await pool.digestRanges(fd, Float64Array.from(list.flat()), { algorithms, label: (i) => `r${i}` });
        expect(got.algorithms[0]).toBe('sha256');
        expect(got.errors).toEqual([]);
        const asked = got.algorithms;
        list.forEach(([offset, length], i) => {
          const want = expected(offset, length, asked);
          expect(got.sizes[i], `range ${i}`).toBe(length);
          expect(got.crc32s[i], `range ${i}`).toBe(want.crc);
          expect(hexAt(got.digests, got.stride, i), `range ${i}`).toBe(want.digests);
        });
      }
      const none = await pool.digestRanges(fd, new Float64Array(0), { label: () => 'x' });
      expect([none.sizes.length, none.digests.length, none.crc32s.length, none.errors]).toEqual([0, 0, 0, []]);
    } finally {
      closeSync(fd);
      await pool.close();
    }
  });

  it('gives BLAKE3 as digestRange does', async () => {
    const pool = createDigestPool({ size: 2 });
    const fd = openSync(path, 'r');
    try {
      const list: Array<[number, number]> = [[0, 1000], [1030, 50], [2_000_000, 1_500_000 - 1]].map(([o, l]) => [o!, Math.min(l!, SIZE - o!)]);
      const got = await pool.digestRanges(fd, Float64Array.from(list.flat()), { algorithms: ['blake3'], label: (i) => `r${i}` });
      for (const [i, [offset, length]] of list.entries()) {
        const one = await pool.digestRange(fd, { offset, length }, { algorithms: ['sha256', 'blake3'], crc32: true, label: 'x' });
        expect(hexAt(got.digests, got.stride, i)).toBe(one.digests.sha256! + one.digests.blake3!);
        expect(got.crc32s[i]).toBe(one.crc32);
      }
    } finally {
      closeSync(fd);
      await pool.close();
    }
  });

  it('refuses bad lists, an unknown algorithm and a closed pool before anything is read', async () => {
    const pool = createDigestPool({ size: 1 });
    const label = (): string => 'x';
    for (const bad of [new Float64Array([0]), new Float64Array([0, -1]), new Float64Array([1.5, 2]), new Float64Array([2 ** 53, 1]), [0, 1] as unknown as Float64Array]) {
      await expect(pool.digestRanges(3, bad, { label })).rejects.toBeInstanceOf(TypeError);
    }
    await expect(pool.digestRanges(-1, new Float64Array([0, 1]), { label })).rejects.toBeInstanceOf(TypeError);
    await expect(pool.digestRanges(3, new Float64Array([0, 1]), { algorithms: ['md5'], label })).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
    await pool.close();
    await expect(pool.digestRanges(3, new Float64Array([0, 1]), { label })).rejects.toBeInstanceOf(TypeError);
  });

  it('fails only the ranges the file ends before, in the middle of a batch, with ERR_ZIP_MALFORMED and their label', async () => {
    const short = join(dir, 'short.bin');
    const list = layout().filter(([o, l]) => o + l < 2_000_000).slice(0, 250);
    const cut = list[120]![0] + 10;
    writeFileSync(short, bytes.subarray(0, cut));
    const pool = createDigestPool({ size: 2 });
    const fd = openSync(short, 'r');
    try {
      // The files ends inside range 120; ranges are out of file order after 300 in layout(), not here.
      const tail: Array<[number, number]> = [[0, 10], [cut - 5, 5], [cut - 5, 6]];
      const all = [...list, ...tail];
      const got = await pool.digestRanges(fd, Float64Array.from(all.flat()), { label: (i) => `entry ${i}` });
      const failed = all.flatMap(([o, l], i) => (o + l > cut ? [i] : []));
      expect(failed.length).toBeGreaterThan(100);
      expect(got.errors.map((e) => e.index)).toEqual(failed);
      for (const { index, error } of got.errors) {
        expect(error).toMatchObject({ code: 'ERR_ZIP_MALFORMED' });
        expect(String((error as Error).message)).toContain(`entry ${index}: the archive ends`);
        expect(got.sizes[index]).toBe(-1);
      }
      all.forEach(([offset, length], i) => {
        if (failed.includes(i)) return;
        expect(got.sizes[i]).toBe(length);
        expect(hexAt(got.digests, got.stride, i)).toBe(expected(offset, length, ['sha256']).digests);
      });
    } finally {
      closeSync(fd);
      await pool.close();
    }
  });

  it('fails every range of a descriptor nothing holds with ERR_IO, one by one', async () => {
    const pool = createDigestPool({ size: 2 });
    try {
      const got = await pool.digestRanges(2 ** 30, Float64Array.from(layout().slice(0, 40).flat()), { label: (i) => `r${i}` });
      expect(got.errors.map((e) => e.index)).toEqual([...Array(40).keys()]);
      expect(got.errors.every((e) => (e.error as { code?: string }).code === 'ERR_IO')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies in the middle of a call is ERR_IO, not a hang, and the next call starts another', async () => {
    for (const after of [0, 3, 40]) {
      hooks.workers.length = 0;
      // The worker exits after hashing `after` ranges.
      hooks.source = (s) => {
        const patched = s.replace('crcs[k] = crc32(bytes, 0);', `crcs[k] = crc32(bytes, 0); if ((globalThis.hashed = (globalThis.hashed || 0) + 1) > ${after}) process.exit(9);`);
        expect(patched).not.toBe(s);
        return patched;
      };
      // One worker: the one started next runs the code unpatched.
      const pool = createDigestPool({ size: 1 });
      const fd = openSync(path, 'r');
      try {
        const list = Float64Array.from(layout().slice(0, 500).flat());
        await expect(pool.digestRanges(fd, list, { label: (i) => `r${i}` }), `after ${after}`).rejects.toMatchObject({ code: 'ERR_IO' });
        hooks.source = (s) => s;
        const again = await pool.digestRanges(fd, Float64Array.from([0, 100]), { label: () => 'x' });
        expect(hexAt(again.digests, again.stride, 0)).toBe(expected(0, 100, ['sha256']).digests);
      } finally {
        closeSync(fd);
        await pool.close();
      }
      expect(hooks.workers.every((w) => w.exited)).toBe(true);
    }
  });

  it('a worker that cannot run the call fails it with ERR_IO', async () => {
    hooks.source = (s) => s.replace('const list = new Float64Array(ranges);', "throw new Error('boom');");
    const pool = createDigestPool({ size: 2 });
    const fd = openSync(path, 'r');
    try {
      await expect(pool.digestRanges(fd, Float64Array.from([0, 10, 20, 30]), { label: () => 'x' })).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringContaining('boom') });
    } finally {
      closeSync(fd);
      await pool.close();
    }
  });

  it('close() while calls run waits for them, then stops every worker; later calls are refused', async () => {
    hooks.workers.length = 0;
    const pool = createDigestPool({ size: 2 });
    const fd = openSync(path, 'r');
    try {
      const list = Float64Array.from(layout().flat());
      const running = [pool.digestRanges(fd, list, { label: () => 'x' }), pool.digestRanges(fd, list, { algorithms: ['sha512'], label: () => 'x' })];
      const closing = pool.close();
      const [a, b] = await Promise.all(running);
      await closing;
      expect([a!.errors, b!.errors]).toEqual([[], []]);
      expect(hexAt(a!.digests, a!.stride, 600)).toBe(expected(...layout()[600]!, ['sha256']).digests);
      expect(hooks.workers.length).toBeGreaterThan(0);
      expect(hooks.workers.every((w) => w.exited)).toBe(true);
      await expect(pool.digestRanges(fd, list, { label: () => 'x' })).rejects.toBeInstanceOf(TypeError);
    } finally {
      closeSync(fd);
    }
  });
});

describe('zipSourceOnPool digestFiles', () => {
  // 400 small entries and one past a lowered shared threshold, as the validator asks for them.
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 400; i++) files[`data/f${String(i).padStart(3, '0')}.bin`] = bytesOf(1 + ((i * 7919) % 5000), i + 1);
  files['data/large.bin'] = bytesOf(200_000, 99);
  const names = Object.keys(files).sort();

  async function opened(archive: Uint8Array, name: string, run: (source: import('../../src/bagit/bag-source.js').BagSource, file: string) => Promise<void>): Promise<void> {
    const file = join(dir, name);
    writeFileSync(file, archive);
    const pool = createDigestPool({ size: 2 });
    const reader = await fileReader(file);
    try {
      const core = await openZipSource(reader);
      await run(zipSourceOnPool(core, pool, reader.fd, file, { sharedMinBytes: 65_536, sharedChunkBytes: 16_384 }), file);
    } finally {
      await reader.close();
      await pool.close();
    }
  }

  it('gives the digests and sizes of the core source, and an unknown or faulty entry in errors', async () => {
    const archive = await zipFiles(files);
    await opened(archive, 'good.zip', async (source) => {
      const asked = [...names, 'data/missing.bin', 'data'];
      const got = await source.digestFiles!(asked, ['sha256', 'sha512']);
      expect(got.problems ?? []).toEqual([]);
      expect(got.errors.map((e) => [e.index, (e.error as { code?: string }).code])).toEqual([[names.length, 'ERR_SOURCE_NOT_FOUND'], [names.length + 1, 'ERR_SOURCE_NOT_FOUND']]);
      names.forEach((name, i) => {
        const want = ['sha256', 'sha512'].map((a) => createHash(a).update(files[name]!).digest('hex')).join('');
        expect(got.sizes[i], name).toBe(files[name]!.length);
        expect(hexAt(got.digests, 96, i), name).toBe(want);
      });
    });
  });

  it('reports a CRC-32 wrong in the middle of a batch as zip.entry.crc-mismatch, with the digests of the bytes as they are', async () => {
    const archive = await zipFiles(files);
    const victims = ['data/f150.bin', 'data/f151.bin', 'data/large.bin'];
    const altered = archive.slice();
    for (const victim of victims) {
      const at = Buffer.from(archive).indexOf(Buffer.from(files[victim]!));
      altered[at + Math.floor(files[victim]!.length / 2)]! ^= 0x01;
    }
    await opened(altered, 'crc.zip', async (source) => {
      const got = await source.digestFiles!(names, ['sha256']);
      expect(got.errors).toEqual([]);
      expect((got.problems ?? []).map((p) => [p.code, p.path]).sort()).toEqual(victims.map((v) => ['zip.entry.crc-mismatch', v]));
      for (const victim of victims) {
        const i = names.indexOf(victim);
        const bytesNow = files[victim]!.slice();
        bytesNow[Math.floor(bytesNow.length / 2)]! ^= 0x01;
        expect(hexAt(got.digests, 32, i)).toBe(createHash('sha256').update(bytesNow).digest('hex'));
      }
      // Through the validator: the findings of the per-entry path, and the neighbours intact.
      const bag = await validateBag(source);
      const codes = bag.findings.filter((f) => f.code === 'zip.entry.crc-mismatch').map((f) => f.path).sort();
      expect(codes).toEqual(victims);
      expect(bag.payload.get('data/f149.bin')?.digests.sha256).toBe(createHash('sha256').update(files['data/f149.bin']!).digest('hex'));
    });
  });

  it('an archive truncated after it was opened fails the entries past its end with ERR_ZIP_MALFORMED, the others are hashed', async () => {
    const archive = await zipFiles(files);
    await opened(archive, 'cut.zip', async (source, file) => {
      const at = Buffer.from(archive).indexOf(Buffer.from(files['data/f200.bin']!)) + 3;
      const fd = openSync(file, 'r+');
      ftruncateSync(fd, at);
      closeSync(fd);
      const got = await source.digestFiles!(names, ['sha256']);
      const failed = got.errors.map((e) => names[e.index]);
      expect(failed).toEqual(names.filter((n) => n >= 'data/f200.bin'));
      expect(got.errors.every((e) => (e.error as { code?: string }).code === 'ERR_ZIP_MALFORMED')).toBe(true);
      expect(hexAt(got.digests, 32, names.indexOf('data/f199.bin'))).toBe(createHash('sha256').update(files['data/f199.bin']!).digest('hex'));
    });
  });
});
