import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHM_NAMES, nobleBackend } from '../../src/digest/algorithms.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { digestFile } from '../../src/node/digest-file.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-digest-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

function expected(bytes: Uint8Array) {
  const multi = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend: nobleBackend });
  multi.update(bytes);
  return { digests: multi.digest(), size: bytes.length };
}

describe('digestFile', () => {
  it.each([0, 1, 4095, 4096, 4097, 3 * 4096 + 5, 100_000])('hashes a %i-byte file with every algorithm in one pass', async (length) => {
    const bytes = bytesOf(length, length + 1);
    const file = join(dir, `len-${length}`);
    writeFileSync(file, bytes);
    expect(await digestFile(file, { algorithms: DIGEST_ALGORITHM_NAMES, chunkSize: 4096 })).toEqual(expected(bytes));
  });

  it('computes SHA-256 only by default, with the default chunk size and either backend', async () => {
    const bytes = bytesOf(5 * 1024 * 1024 + 3, 7);
    const file = join(dir, 'five-mib');
    writeFileSync(file, bytes);
    const want = expected(bytes);
    const result = await digestFile(file);
    expect(result).toEqual({ digests: { sha256: want.digests.sha256 }, size: want.size });
    expect(await digestFile(file, { backend: nobleBackend })).toEqual(result);
  });

  it('reports progress and honours an abort signal', async () => {
    const file = join(dir, 'progress');
    writeFileSync(file, bytesOf(10_000, 3));
    const seen: number[] = [];
    await digestFile(file, { chunkSize: 4000, onProgress: (b) => seen.push(b) });
    expect(seen).toEqual([4000, 8000, 10_000]);

    const controller = new AbortController();
    const reason = new Error('stop');
    await expect(digestFile(file, { chunkSize: 4000, signal: controller.signal, onProgress: () => controller.abort(reason) })).rejects.toBe(reason);
    await expect(digestFile(file, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('refuses a missing file with ERR_SOURCE_NOT_FOUND', async () => {
    await expect(digestFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
    writeFileSync(join(dir, 'plain'), 'x');
    await expect(digestFile(join(dir, 'plain', 'below'))).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
  });

  it('refuses directories, symbolic links and FIFOs with ERR_SOURCE_NOT_REGULAR_FILE', async () => {
    const sub = join(dir, 'subdir');
    mkdirSync(sub);
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    for (const path of [sub, join(dir, 'link'), join(dir, 'fifo')]) {
      await expect(digestFile(path)).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_REGULAR_FILE' });
    }
  });

  it.skipIf(process.getuid?.() === 0)('maps other I/O failures to ERR_IO with the Node error as cause', async () => {
    const file = join(dir, 'unreadable');
    writeFileSync(file, 'x', { mode: 0o000 });
    await expect(digestFile(file)).rejects.toMatchObject({ code: 'ERR_IO', cause: expect.objectContaining({ code: 'EACCES' }) });
  });

  it('maps an open failure that is neither missing nor special to ERR_IO (a name too long)', async () => {
    await expect(digestFile(join(dir, 'x'.repeat(300)))).rejects.toMatchObject({
      code: 'ERR_IO',
      cause: expect.objectContaining({ code: 'ENAMETOOLONG' }),
    });
  });

  it('maps a read failure to ERR_IO (reading /proc/self/mem at offset 0 fails with EIO)', async () => {
    await expect(digestFile('/proc/self/mem')).rejects.toMatchObject({ code: 'ERR_IO', cause: expect.objectContaining({ code: 'EIO' }) });
  });

  it('refuses bad options before touching the disk', async () => {
    await expect(digestFile(join(dir, 'nope'), { chunkSize: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(digestFile(join(dir, 'nope'), { chunkSize: 1.5 })).rejects.toBeInstanceOf(RangeError);
    await expect(digestFile(join(dir, 'nope'), { algorithms: ['md5'] })).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
  });
});

describe('digestFile on files whose stat size is wrong', () => {
  it('reads a /proc file that reports size 0 to its end', async () => {
    const { size } = await digestFile('/proc/self/status');
    expect(size).toBeGreaterThan(0);
  });
});
