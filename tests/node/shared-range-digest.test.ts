import { createHash, randomBytes } from 'node:crypto';
import { closeSync, promises as fsp, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestAlgorithm } from '../../src/digest/algorithms.js';
import { createDigestPool } from '../../src/node/digest-pool.js';
import { packBundle, verifyBundleAt } from '../../src/node/index.js';
import { fileReader } from '../../src/node/file-reader.js';
import { digestRangeShared } from '../../src/node/shared-range-digest.js';
import { zipSourceOnPool } from '../../src/node/zip-pool-source.js';
import { openZipSource } from '../../src/zip/open-zip-source.js';
import { demoCase, keyPair } from '../helpers/bundle-fixture.js';
import { zipFiles } from '../zip/zip-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-shared-range-'));
const LENGTH = 1024 * 1024 + 12_345;
let path: string;
let bytes: Uint8Array;
let fd: number;

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

const expected = (slice: Uint8Array, algorithms: readonly DigestAlgorithm[]) => ({
  digests: Object.fromEntries(algorithms.map((a) => [a, createHash(a).update(slice).digest('hex')])),
  size: slice.length,
  crc32: crc32(slice),
});

beforeAll(() => {
  bytes = bytesOf(LENGTH, 7);
  path = join(dir, 'data.bin');
  writeFileSync(path, bytes);
  fd = openSync(path, 'r');
});
afterAll(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

describe('digestRangeShared', () => {
  it('gives the digests and CRC-32 of the range, whatever the ring shape, offset and length', async () => {
    const shapes = [
      { chunkBytes: 4096, slots: 1 },
      { chunkBytes: 4096, slots: 3 },
      { chunkBytes: 65_536, slots: 4 },
      { chunkBytes: 40_000, slots: 2 },
      {},
    ];
    const ranges = [
      { offset: 0, length: LENGTH },
      { offset: 1, length: LENGTH - 1 },
      { offset: 777, length: 4096 * 5 },
      { offset: LENGTH - 10, length: 10 },
      { offset: 5, length: 0 },
    ];
    const algorithmSets: DigestAlgorithm[][] = [['sha256'], [], ['sha256', 'sha512', 'sha3-256']];
    // Each call starts a worker: every range with two shapes, the whole and an odd range with the others.
    for (const [s, shape] of shapes.entries()) {
      for (const range of s < 2 ? ranges : [ranges[0]!, ranges[2]!]) {
        // Every algorithm set with one shape; SHA-256 alone with the others.
        for (const algorithms of s === 1 ? algorithmSets : algorithmSets.slice(0, 1)) {
          const got = await digestRangeShared(fd, range, { algorithms, label: 'x', ...shape });
          const where = JSON.stringify({ shape, range, algorithms });
          expect(got, where).toEqual(expected(bytes.subarray(range.offset, range.offset + range.length), algorithms));
        }
      }
    }
  });

  it('runs several ranges at once, each with its own ring', async () => {
    const ranges = [0, 1, 2, 3].map((i) => ({ offset: i * 1000, length: LENGTH - i * 5000 }));
    const got = await Promise.all(ranges.map((r) => digestRangeShared(fd, r, { algorithms: ['sha256'], label: 'x', chunkBytes: 8192, slots: 2 })));
    expect(got).toEqual(ranges.map((r) => expected(bytes.subarray(r.offset, r.offset + r.length), ['sha256'])));
  });

  it('a range reaching past the end of the file is ERR_ZIP_MALFORMED, at any point of the ring', async () => {
    for (const [offset, length] of [[0, LENGTH + 1], [LENGTH, 1], [LENGTH - 3, 4096 * 10], [LENGTH + 100, 5]] as const) {
      for (const chunkBytes of [4096, 1024 * 1024 * 4]) {
        await expect(digestRangeShared(fd, { offset, length }, { algorithms: ['sha256'], label: 'x', chunkBytes, slots: 2 })).rejects.toMatchObject({ code: 'ERR_ZIP_MALFORMED' });
      }
    }
  });

  it('a descriptor that cannot be read is ERR_IO', async () => {
    await expect(digestRangeShared(2 ** 30, { offset: 0, length: 10 }, { algorithms: ['sha256'], label: 'x' })).rejects.toMatchObject({ code: 'ERR_IO' });
    const closed = openSync(path, 'r');
    closeSync(closed);
    await expect(digestRangeShared(closed, { offset: 0, length: 10 }, { algorithms: ['sha256'], label: 'x' })).rejects.toMatchObject({ code: 'ERR_IO' });
  });

  it('refuses bad arguments before starting a worker', async () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      await expect(digestRangeShared(fd, { offset: bad, length: 1 }, { algorithms: [], label: 'x' })).rejects.toBeInstanceOf(RangeError);
      await expect(digestRangeShared(fd, { offset: 0, length: bad }, { algorithms: [], label: 'x' })).rejects.toBeInstanceOf(RangeError);
      await expect(digestRangeShared(bad, { offset: 0, length: 1 }, { algorithms: [], label: 'x' })).rejects.toBeInstanceOf(RangeError);
    }
    for (const chunkBytes of [0, -5, 1.5, 2 ** 31]) {
      await expect(digestRangeShared(fd, { offset: 0, length: 1 }, { algorithms: [], label: 'x', chunkBytes })).rejects.toBeInstanceOf(RangeError);
    }
    for (const slots of [0, 65, 2.5]) {
      await expect(digestRangeShared(fd, { offset: 0, length: 1 }, { algorithms: [], label: 'x', slots })).rejects.toBeInstanceOf(RangeError);
    }
    await expect(digestRangeShared(fd, { offset: 0, length: 1 }, { algorithms: ['blake3'], label: 'x' })).rejects.toBeInstanceOf(TypeError);
  });

  it('an abort, before or while reading, rejects with its reason and leaves the next call unaffected', async () => {
    const before = AbortSignal.abort(new Error('before'));
    await expect(digestRangeShared(fd, { offset: 0, length: LENGTH }, { algorithms: ['sha256'], label: 'x', signal: before })).rejects.toThrow('before');
    for (const delay of [0, 1, 5]) {
      const controller = new AbortController();
      const reason = new Error(`during ${delay}`);
      const running = digestRangeShared(fd, { offset: 0, length: LENGTH }, { algorithms: ['sha256'], label: 'x', chunkBytes: 512, slots: 2, signal: controller.signal });
      setTimeout(() => controller.abort(reason), delay);
      await expect(running).rejects.toBe(reason);
    }
    expect(await digestRangeShared(fd, { offset: 0, length: LENGTH }, { algorithms: ['sha256'], label: 'x' })).toEqual(expected(bytes, ['sha256']));
  });

  it('gives a consumer every chunk once, in order, one call at a time, and refills no slot before its consumer is done', async () => {
    for (const delays of [[0], [3, 0, 1], [0, 0, 5]]) {
      const copies: Uint8Array[] = [];
      let active = 0;
      let calls = 0;
      const consume = async (chunk: Uint8Array): Promise<void> => {
        active++;
        expect(active).toBe(1);
        // The chunk is copied only after a wait: a slot refilled meanwhile would give other bytes here.
        await new Promise((r) => setTimeout(r, delays[calls++ % delays.length]));
        copies.push(chunk.slice());
        active--;
      };
      const range = { offset: 3, length: 40_000 };
      const got = await digestRangeShared(fd, range, { algorithms: ['sha256'], label: 'x', chunkBytes: 4096, slots: 2, consume });
      expect(Buffer.concat(copies)).toEqual(Buffer.from(bytes.subarray(3, 40_003)));
      expect(calls).toBe(Math.ceil(40_000 / 4096));
      expect(got).toEqual(expected(bytes.subarray(3, 40_003), ['sha256']));
    }
  });

  it("a consumer's failure ends the call with its error, after the consumer's calls under way have settled; no later chunk is consumed", async () => {
    let calls = 0;
    let settled = 0;
    const consume = async (): Promise<void> => {
      calls++;
      await new Promise((r) => setTimeout(r, 2));
      settled++;
      if (calls === 3) throw new Error('write failed');
    };
    await expect(digestRangeShared(fd, { offset: 0, length: LENGTH }, { algorithms: ['sha256'], label: 'x', chunkBytes: 4096, slots: 4, consume })).rejects.toThrow('write failed');
    expect(calls).toBe(3);
    expect(settled).toBe(3);
  });

  it('a file ending before the range gives the error of endsEarly, with the bytes missing', async () => {
    const endsEarly = (missing: number): Error => Object.assign(new Error(`short by ${missing}`), { code: 'ERR_SOURCE_CHANGED' });
    await expect(digestRangeShared(fd, { offset: LENGTH - 10, length: 25 }, { algorithms: ['sha256'], label: 'x', endsEarly })).rejects.toThrow('short by 15');
  });
});

describe('zipSourceOnPool with the shared reader', () => {
  it('gives the core source’s digests and CRC-32 findings for entries above and below the threshold', async () => {
    const large = bytesOf(300_000, 3);
    const files = { 'a.txt': 'small', 'data/large.bin': large, 'z.txt': bytesOf(70_000, 9) };
    const good = await zipFiles(files);
    // One byte of the large entry flipped (its CRC-32 now wrong), and the CRC-32 of the large one changed over
    // intact bytes, in the local header and central directory alike.
    const flipped = good.slice();
    const at = Buffer.from(good).indexOf(Buffer.from(large.subarray(0, 64)));
    flipped[at + 200_000]! ^= 0x40;
    const le = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
    const crcOnly = new Uint8Array(Buffer.from(Buffer.from(good).toString('latin1').replaceAll(le(crc32(large)).toString('latin1'), le(crc32(large) ^ 1).toString('latin1')), 'latin1'));
    const pool = createDigestPool({ size: 2 });
    try {
      for (const [name, archive] of [['good', good], ['flipped', flipped], ['crc-only', crcOnly]] as const) {
        const file = join(dir, `${name}.zip`);
        writeFileSync(file, archive);
        const reader = await fileReader(file);
        try {
          const core = await openZipSource(reader);
          const onPool = zipSourceOnPool(core, pool, reader.fd, file, { sharedMinBytes: 65_536, sharedChunkBytes: 16_384 });
          for (const entry of Object.keys(files)) {
            const algorithms: DigestAlgorithm[] = ['sha256', 'sha512'];
            const want = await core.digest(entry, algorithms);
            const got = await onPool.digest!(entry, algorithms);
            expect(got, `${name} ${entry}`).toEqual(want);
          }
          const problems = (await onPool.digest!('data/large.bin', ['sha256'])).problems!.map((p) => p.code);
          expect(problems, name).toEqual(name === 'good' ? [] : ['zip.entry.crc-mismatch']);
          // Two large entries asked at once: one goes to the shared reader, the other to the pool, alike.
          const both = await Promise.all([onPool.digest!('data/large.bin', ['sha256']), onPool.digest!('z.txt', ['sha256']), onPool.digest!('data/large.bin', ['sha256'])]);
          expect(both[0]).toEqual(both[2]);
          expect(both[1]).toEqual(await core.digest('z.txt', ['sha256']));
        } finally {
          await reader.close();
        }
      }
    } finally {
      await pool.close();
    }
  });
});

describe('verifyBundleAt of a ZIP with an entry past the default threshold (64 MiB)', () => {
  it('is VALID; one flipped byte in the middle of the entry is INVALID, the item altered, its CRC-32 wrong', { timeout: 120_000 }, async () => {
    const { metadata } = await demoCase();
    const packager = await keyPair();
    const big = join(dir, 'big.bin');
    const size = 64 * 1024 * 1024 + 4099;
    const content = randomBytes(size);
    writeFileSync(big, content);
    const zip = join(dir, 'big.zip');
    await packBundle(zip, { metadata, items: [{ id: 'image', path: 'image.bin', source: big }], signers: [{ signer: packager.signer, role: 'packager' }] });
    const pool = createDigestPool({ size: 2 });
    try {
      const report = await verifyBundleAt(zip, { trustedKeys: [packager.publicJwk], pool });
      expect(report.outcome).toBe('VALID');
      const start = (await fsp.readFile(zip)).indexOf(content.subarray(0, 64));
      expect(start).toBeGreaterThan(0);
      const at = start + Math.floor(size / 2);
      const fd = openSync(zip, 'r+');
      try {
        const one = new Uint8Array(1);
        readSync(fd, one, 0, 1, at);
        one[0]! ^= 0x10;
        writeSync(fd, one, 0, 1, at);
      } finally {
        closeSync(fd);
      }
      const altered = await verifyBundleAt(zip, { trustedKeys: [packager.publicJwk], pool });
      expect(altered.outcome).toBe('INVALID');
      const errors = altered.findings.filter((f) => f.severity === 'error').map((f) => f.code).sort();
      expect(errors).toEqual(['bag.payload.digest-mismatch', 'item.digest-mismatch', 'zip.entry.crc-mismatch']);
      expect(altered.items.map((i) => [i.id, i.status])).toEqual([['image', 'altered']]);
    } finally {
      await pool.close();
    }
  });
});
