import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, promises as fsp, symlinkSync, truncateSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { createCopyPool, type CopyPool, type StatedFile } from '../../src/node/copy-pool.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);
let n = 0;
const name = (): string => join(dir, `f${n++}`);

async function stated(bytes: Uint8Array): Promise<StatedFile> {
  const path = name();
  await fsp.writeFile(path, bytes);
  const s = await fsp.lstat(path);
  return { path, ino: s.ino, dev: s.dev, size: s.size, mtimeMs: s.mtimeMs };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('createCopyPool', () => {
  it('copies files of many sizes exactly, with their digests, as new files of the mode asked', { timeout: 180_000 }, async () => {
    const pool = createCopyPool(2);
    try {
      const sizes = [0, 1, 4095, 65_536, 4 * 1024 * 1024 + 17];
      const files = sizes.map((size) => ({ bytes: new Uint8Array(randomBytes(size)), size }));
      await Promise.all(
        files.map(async ({ bytes }) => {
          const source = await stated(bytes);
          const dest = name();
          const got = await pool.copy(source, dest, 0o444, ['sha256', 'sha512']);
          expect(got.size).toBe(bytes.length);
          expect(got.digests.sha256).toBe(sha256(bytes));
          expect(got.digests.sha512).toBe(createHash('sha512').update(bytes).digest('hex'));
          // Buffer equality: toEqual walks 4 MiB element by element for seconds.
          expect((await fsp.readFile(dest)).equals(bytes)).toBe(true);
          expect((await fsp.stat(dest)).mode & 0o777).toBe(0o444);
          // A flush waits on a disk other work may be filling: one small file is enough to see it done.
          if (bytes.length === 1) await pool.sync(dest);
        }),
      );
    } finally {
      await pool.close();
    }
  });

  const CHANGES: Array<[string, (f: StatedFile) => Promise<void> | void]> = [
    ['grew', (f) => appendFileSync(f.path, 'more')],
    ['shrank', (f) => truncateSync(f.path, 3)],
    ['was replaced', async (f) => {
      await fsp.writeFile(`${f.path}.new`, await fsp.readFile(f.path));
      await fsp.rename(`${f.path}.new`, f.path);
    }],
    ['was rewritten in place (same size, new mtime)', (f) => {
      appendFileSync(f.path, '');
      utimesSync(f.path, new Date(), new Date(f.mtimeMs + 5000));
    }],
  ];
  // Every job that reads a source (a copy, a hash in place, a whole read) makes the same checks.
  const JOBS: Array<[string, (pool: CopyPool, source: StatedFile) => Promise<unknown>]> = [
    ['copying', (pool, source) => pool.copy(source, name(), 0o444, ['sha256'])],
    ['hashing in place', (pool, source) => pool.hash(source, ['sha256'])],
    ['reading whole', (pool, source) => pool.read(source, ['sha256'])],
  ];
  it.each(JOBS.flatMap(([job, run]) => CHANGES.map(([change, make]) => [job, change, run, make] as const)))(
    '%s refuses a source that %s after it was stated (ERR_SOURCE_CHANGED)',
    async (_job, _change, run, change) => {
      const pool = createCopyPool(1);
      try {
        const source = await stated(new Uint8Array(10_000).fill(9));
        await change(source);
        await expect(run(pool, source)).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
      } finally {
        await pool.close();
      }
    },
  );

  it('reads files whole, writing nothing: the bytes, their digests and CRC-32; refuses what a copy refuses', async () => {
    const pool = createCopyPool(2);
    try {
      const before = await fsp.readdir(dir);
      for (const size of [0, 1, 4095, 70_000, 4 * 1024 * 1024 + 17]) {
        const bytes = new Uint8Array(randomBytes(size));
        const source = await stated(bytes);
        const got = await pool.read(source, ['sha256', 'sha512']);
        expect(got.bytes).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(got.bytes.buffer, got.bytes.byteOffset, got.bytes.byteLength).equals(bytes)).toBe(true);
        expect(got).toMatchObject({ size, crc32: crc32(bytes), digests: { sha256: sha256(bytes), sha512: createHash('sha512').update(bytes).digest('hex') } });
      }
      expect((await fsp.readdir(dir)).length).toBe(before.length + 5);
      const real = await stated(new Uint8Array([1, 2, 3]));
      const link = name();
      symlinkSync(real.path, link);
      await expect(pool.read({ ...real, path: link }, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
      const folder = name();
      await fsp.mkdir(folder);
      await expect(pool.read({ ...real, path: folder }, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
      await expect(pool.read({ ...real, path: name() }, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
      await expect(pool.read(real, ['blake3'])).rejects.toBeInstanceOf(TypeError);
    } finally {
      await pool.close();
    }
  });

  // Bounded resources: a naive read to the end would read (and hash) 64 GiB of holes, far past the test's timeout.
  it('reading whole refuses a small source grown to 64 GiB (sparse) after it was stated, reading one byte past its size', { timeout: 10_000 }, async () => {
    const pool = createCopyPool(1);
    const source = await stated(new Uint8Array(10_000).fill(9));
    try {
      truncateSync(source.path, 64 * 1024 ** 3);
      await expect(pool.read(source, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
    } finally {
      await fsp.rm(source.path, { force: true });
      await pool.close();
    }
  });

  it('hashes files in place, writing nothing, and refuses what a copy refuses', async () => {
    const pool = createCopyPool(2);
    try {
      const bytes = new Uint8Array(randomBytes(70_000));
      const source = await stated(bytes);
      const before = await fsp.readdir(dir);
      const got = await pool.hash(source, ['sha256', 'sha512']);
      expect(got).toEqual({ size: bytes.length, digests: { sha256: sha256(bytes), sha512: createHash('sha512').update(bytes).digest('hex') } });
      expect(await fsp.readdir(dir)).toEqual(before);
      const link = name();
      symlinkSync(source.path, link);
      await expect(pool.hash({ ...source, path: link }, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
      await expect(pool.hash({ ...source, path: name() }, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
    } finally {
      await pool.close();
    }
  });

  it('refuses a symbolic link, a directory, a missing source and an existing target, with stable codes', async () => {
    const pool = createCopyPool(1);
    try {
      const real = await stated(new Uint8Array([1, 2, 3]));
      const link = name();
      symlinkSync(real.path, link);
      await expect(pool.copy({ ...real, path: link }, name(), 0o444, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
      const folder = name();
      await fsp.mkdir(folder);
      await expect(pool.copy({ ...real, path: folder }, name(), 0o444, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
      await expect(pool.copy({ ...real, path: name() }, name(), 0o444, ['sha256'])).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
      const taken = name();
      await fsp.writeFile(taken, 'x');
      await expect(pool.copy(real, taken, 0o444, ['sha256'])).rejects.toSatisfy(hasCode('ERR_TARGET_EXISTS'));
      expect(await fsp.readFile(taken, 'utf8')).toBe('x');
      await expect(pool.sync(name())).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
    } finally {
      await pool.close();
    }
  });

  it('refuses an algorithm node:crypto lacks before any worker reads the file', async () => {
    const pool = createCopyPool(1);
    try {
      const source = await stated(new Uint8Array(8));
      const dest = name();
      await expect(pool.copy(source, dest, 0o444, ['sha256', 'blake3'])).rejects.toBeInstanceOf(TypeError);
      await expect(pool.hash(source, ['blake3'])).rejects.toBeInstanceOf(TypeError);
      await expect(fsp.lstat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await pool.close();
    }
  });

  it('rejects work asked after close', async () => {
    const pool = createCopyPool(1);
    await pool.close();
    await expect(pool.copy(await stated(new Uint8Array(1)), name(), 0o444, ['sha256'])).rejects.toBeInstanceOf(TypeError);
  });
});
