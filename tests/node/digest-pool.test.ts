import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHM_NAMES } from '../../src/digest/algorithms.js';
import { digestFile } from '../../src/node/digest-file.js';
import { createDigestPool, type DigestPool } from '../../src/node/digest-pool.js';
import { crc32 } from '../../src/zip/crc32.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-digest-pool-'));
const files: string[] = [];
let pool: DigestPool;

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

beforeAll(() => {
  let seed = 1;
  for (let i = 0; i < 200; i++) {
    const path = join(dir, `small-${i}`);
    writeFileSync(path, bytesOf((seed = (seed * 48271) % 2147483647) % 20_000, seed));
    files.push(path);
  }
  // Either side of the worker's 1 MiB single-read limit, and a 10 MiB file read in chunks.
  for (const [name, length] of [['one-mib', 1024 * 1024], ['one-mib-plus', 1024 * 1024 + 1], ['ten-mib', 10 * 1024 * 1024]] as const) {
    const path = join(dir, name);
    writeFileSync(path, bytesOf(length, length));
    files.push(path);
  }
  pool = createDigestPool({ size: 3 });
});

afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createDigestPool', () => {
  it('agrees with digestFile on 200 small files and large ones, for every algorithm', async () => {
    const got = await Promise.all(files.map((f) => pool.digestFile(f, DIGEST_ALGORITHM_NAMES)));
    const want = await Promise.all(files.map((f) => digestFile(f, { algorithms: DIGEST_ALGORITHM_NAMES })));
    expect(got).toEqual(want);
    expect(got.at(-1)!.size).toBe(10 * 1024 * 1024);
  });

  it('computes SHA-256 only by default', async () => {
    const got = await pool.digestFile(files[0]!);
    expect(Object.keys(got.digests)).toEqual(['sha256']);
    expect(got).toEqual(await digestFile(files[0]!));
  });

  it('rejects a missing file with ERR_SOURCE_NOT_FOUND without failing the requests around it', async () => {
    const results = await Promise.allSettled([
      pool.digestFile(files[1]!),
      pool.digestFile(join(dir, 'missing')),
      pool.digestFile(files[2]!),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
    // And the pool keeps working afterwards.
    expect(await pool.digestFile(files[3]!, ['sha512'])).toEqual(await digestFile(files[3]!, { algorithms: ['sha512'] }));
  });

  it('maps special files and other failures to the same codes as digestFile', async () => {
    const sub = join(dir, 'subdir');
    mkdirSync(sub);
    await expect(pool.digestFile(sub)).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_REGULAR_FILE' });
    await expect(pool.digestFile(join(files[0]!, 'below'))).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
    await expect(pool.digestFile('/proc/self/mem')).rejects.toMatchObject({ code: 'ERR_IO' });
    await expect(pool.digestFile(files[0]!, ['md5'])).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
  });

  it('refuses a bad size and requests after close', async () => {
    expect(() => createDigestPool({ size: 0 })).toThrow(RangeError);
    const other = createDigestPool({ size: 1 });
    const pending = other.digestFile(files[0]!);
    await other.close();
    // Work asked for before close() is finished, not dropped.
    expect(await pending).toEqual(await digestFile(files[0]!));
    await expect(other.digestFile(files[0]!)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('DigestPool.digestRange', () => {
  const whole = () => readFileSync(files.at(-1)!);
  const expected = (offset: number, length: number, algorithms: string[]) => {
    const bytes = whole().subarray(offset, offset + length);
    return {
      digests: Object.fromEntries(algorithms.map((a) => [a, createHash(a === 'sha3-256' ? 'sha3-256' : a).update(bytes).digest('hex')])),
      size: length,
      crc32: crc32(bytes),
    };
  };

  it('refuses bad ranges, an unknown algorithm and a closed pool before anything is read', async () => {
    const fd = openSync(files.at(-1)!, 'r');
    try {
      for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
        await expect(pool.digestRange(fd, { offset: bad, length: 1 }, { label: 'x' })).rejects.toBeInstanceOf(TypeError);
        await expect(pool.digestRange(fd, { offset: 0, length: bad }, { label: 'x' })).rejects.toBeInstanceOf(TypeError);
        await expect(pool.digestRange(bad, { offset: 0, length: 1 }, { label: 'x' })).rejects.toBeInstanceOf(TypeError);
      }
      await expect(pool.digestRange(fd, { offset: 0, length: 1 }, { algorithms: ['md5'], label: 'x' })).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
      const other = createDigestPool({ size: 1 });
      await other.close();
      await expect(other.digestRange(fd, { offset: 0, length: 1 }, { label: 'x' })).rejects.toBeInstanceOf(TypeError);
    } finally {
      closeSync(fd);
    }
  });

  it('refuses a range past the end of the file with ERR_ZIP_MALFORMED and a descriptor that is not open with ERR_IO', async () => {
    const size = whole().length;
    const fd = openSync(files.at(-1)!, 'r');
    try {
      for (const [offset, length] of [[size, 1], [size - 10, 11], [0, size + 1], [size + 4096, 1]]) {
        await expect(pool.digestRange(fd, { offset: offset!, length: length! }, { crc32: true, label: 'x' })).rejects.toMatchObject({ code: 'ERR_ZIP_MALFORMED' });
      }
    } finally {
      closeSync(fd);
    }
    // A descriptor number nothing holds (a closed one could be reused by the time the worker reads).
    await expect(pool.digestRange(2 ** 30, { offset: 0, length: 10 }, { label: 'x' })).rejects.toMatchObject({ code: 'ERR_IO' });
  });

  it('gives the digests asked for (none, one, several) and the CRC-32 of any range, at chunk edges too', async () => {
    const fd = openSync(files.at(-1)!, 'r');
    // The worker's chunk (256 KiB), and 4 MiB, which it once was.
    const chunk = 256 * 1024;
    const old = 4 * 1024 * 1024;
    try {
      const ranges = [[0, 0], [0, 1], [7, 1000], [chunk - 1, 2], [chunk, chunk], [old - 1, 2], [old, old], [1, 10 * 1024 * 1024 - 1], [0, 10 * 1024 * 1024]] as const;
      const asked = [[], ['sha256'], ['sha512', 'sha3-256'], DIGEST_ALGORITHM_NAMES.filter((a) => a !== 'blake3')];
      const jobs = ranges.flatMap(([offset, length]) => asked.map((algorithms) => ({ offset, length, algorithms: [...algorithms] })));
      // All at once: they travel in batches, mixed with requests for whole files.
      const got = await Promise.all([
        ...jobs.map((j) => pool.digestRange(fd, j, { algorithms: j.algorithms, crc32: true, label: 'x' })),
        pool.digestFile(files[0]!),
      ]);
      jobs.forEach((j, i) => expect(got[i], JSON.stringify(j)).toEqual(expected(j.offset, j.length, j.algorithms)));
      expect(got.at(-1)).toEqual(await digestFile(files[0]!));
      const noCrc = await pool.digestRange(fd, { offset: 3, length: 5 }, { algorithms: ['sha256'], label: 'x' });
      expect(noCrc).not.toHaveProperty('crc32');
    } finally {
      closeSync(fd);
    }
  });
});

describe('digest pool and process lifetime', () => {
  // A child process exits on its own only if no worker keeps its event loop alive.
  async function exitsAlone(script: string): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, err).toBe(0);
    return out;
  }

  const script = (close: boolean): string => `
    import { createDigestPool } from './src/node/digest-pool.ts';
    const pool = createDigestPool({ size: 2 });
    const r = await Promise.all([pool.digestFile(${JSON.stringify(files[0])}, ['blake3']), pool.digestFile(${JSON.stringify(files[1])})]);
    ${close ? 'await pool.close();' : ''}
    console.log(r[0].digests.blake3);
  `;

  it('lets the process exit after close()', async () => {
    const want = await digestFile(files[0]!, { algorithms: ['blake3'] });
    expect((await exitsAlone(script(true))).trim()).toBe(want.digests.blake3);
  });

  it('lets the process exit when idle workers were never closed', async () => {
    const want = await digestFile(files[0]!, { algorithms: ['blake3'] });
    expect((await exitsAlone(script(false))).trim()).toBe(want.digests.blake3);
  });
});

describe('DigestPool.digestFiles', () => {
  const hexOf = (result: { digests: Uint8Array; stride: number }, i: number, from: number, length: number): string =>
    Buffer.from(result.digests.subarray(i * result.stride + from, i * result.stride + from + length)).toString('hex');
  const names = (): string[] => files.map((f) => f.slice(dir.length + 1));

  it('agrees with digestFile on every file and algorithm, in the order of the names, from a shared list', async () => {
    const got = await pool.digestFiles(dir, names(), ['sha512', 'sha3-256', 'blake3']);
    expect(got.algorithms).toEqual(['sha256', 'sha512', 'sha3-256', 'blake3']);
    expect(got.stride).toBe(32 + 64 + 32 + 32);
    expect(got.errors).toEqual([]);
    const want = await Promise.all(files.map((f) => digestFile(f, { algorithms: DIGEST_ALGORITHM_NAMES })));
    want.forEach((w, i) => {
      expect(got.sizes[i]).toBe(w.size);
      expect(hexOf(got, i, 0, 32)).toBe(w.digests.sha256);
      expect(hexOf(got, i, 32, 64)).toBe(w.digests.sha512);
      expect(hexOf(got, i, 96, 32)).toBe(w.digests['sha3-256']);
      expect(hexOf(got, i, 128, 32)).toBe(w.digests.blake3);
    });
  });

  it('gives SHA-256 alone by default, an empty answer for no names, and the same answer for a name with or without a trailing slash on the root', async () => {
    const got = await pool.digestFiles(`${dir}/`, names().slice(0, 3));
    expect(got.algorithms).toEqual(['sha256']);
    expect(hexOf(got, 2, 0, 32)).toBe(createHash('sha256').update(readFileSync(files[2]!)).digest('hex'));
    const empty = await pool.digestFiles(dir, []);
    expect([empty.sizes.length, empty.digests.length, empty.errors.length]).toEqual([0, 0, 0]);
  });

  it('fails each missing file, link, directory and FIFO alone, by index with its code, and hashes the files around them', async () => {
    const odd = join(dir, 'odd');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, 'target'), 'same bytes');
    symlinkSync(join(odd, 'target'), join(odd, 'link'));
    mkdirSync(join(odd, 'folder'), { recursive: true });
    spawnSync('mkfifo', [join(odd, 'fifo')]);
    const list = ['odd/target', 'odd/missing', 'odd/link', 'odd/folder', 'odd/fifo', 'small-0'];
    const got = await pool.digestFiles(dir, list);
    expect(got.errors.map((e) => [e.index, (e.error as { code?: string }).code])).toEqual([
      [1, 'ERR_SOURCE_NOT_FOUND'],
      [2, 'ERR_SOURCE_NOT_REGULAR_FILE'],
      [3, 'ERR_SOURCE_NOT_REGULAR_FILE'],
      [4, 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ]);
    expect([...got.sizes]).toEqual([10, -1, -1, -1, -1, readFileSync(files[0]!).length]);
    expect(hexOf(got, 0, 0, 32)).toBe(createHash('sha256').update('same bytes').digest('hex'));
    expect(hexOf(got, 5, 0, 32)).toBe(createHash('sha256').update(readFileSync(files[0]!)).digest('hex'));
  });

  it('shares thousands of names between the workers and answers with one result per name', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `small-${i % 200}`);
    const got = await pool.digestFiles(dir, many);
    expect(got.errors).toEqual([]);
    const want = files.slice(0, 200).map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
    for (let i = 0; i < many.length; i++) expect(hexOf(got, i, 0, 32)).toBe(want[i % 200]);
  });

  it('hashes files of many chunks (16 MiB, either side) exactly, each answered in its place among small ones', async () => {
    const sizes = [16 * 1024 * 1024 - 1, 16 * 1024 * 1024, 16 * 1024 * 1024 + 256 * 1024 + 7];
    const large = sizes.map((length, i) => {
      const name = `large-${i}`;
      writeFileSync(join(dir, name), bytesOf(length, length + i));
      return name;
    });
    const list = ['small-0', large[0]!, 'small-1', large[1]!, large[2]!, 'small-2'];
    try {
      const got = await pool.digestFiles(dir, list, ['sha512', 'blake3']);
      expect(got.errors).toEqual([]);
      for (const [i, name] of list.entries()) {
        const want = await digestFile(join(dir, name), { algorithms: ['sha512', 'blake3'] });
        expect(got.sizes[i], name).toBe(want.size);
        expect(hexOf(got, i, 0, 32), name).toBe(want.digests.sha256);
        expect(hexOf(got, i, 32, 64), name).toBe(want.digests.sha512);
        expect(hexOf(got, i, 96, 32), name).toBe(want.digests.blake3);
      }
    } finally {
      for (const name of large) rmSync(join(dir, name));
    }
  });

  it('refuses a name that is empty or holds a NUL, an unknown algorithm, and a closed pool', async () => {
    await expect(pool.digestFiles(dir, ['small-0', 'a\0b'])).rejects.toThrow(TypeError);
    await expect(pool.digestFiles(dir, [''])).rejects.toThrow(TypeError);
    await expect(pool.digestFiles(dir, ['small-0'], ['md5'])).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
    const closed = createDigestPool({ size: 1 });
    await closed.close();
    await expect(closed.digestFiles(dir, ['small-0'])).rejects.toThrow(TypeError);
  });
});
