import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BagSource } from '../../src/bagit/bag-source.js';
import { sourceFindings } from '../../src/bagit/source-findings.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { joinChunks, utf8Encode } from '../../src/internal/bytes.js';
import { openZipSource, WINDOW_BYTES, ZIP_LIMITS, type ZipSource } from '../../src/zip/open-zip-source.js';
import { LIMITS } from '../../src/model/layout.js';
import { memoryReader, type RandomAccessReader } from '../../src/zip/random-access-reader.js';
import { crc32 } from '../../src/zip/crc32.js';
import { buildBag } from '../bagit/bags.js';
import { get16, get32, insertBytes, layout, renameEntry, set16, set32, set64, zipFiles } from './zip-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-zip-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = (zip: Uint8Array, options = {}): Promise<BagSource> => openZipSource(memoryReader(zip), options);

async function codesOf(zip: Uint8Array, options = {}): Promise<string[]> {
  const bag = await validateBag(await open(zip, options));
  return bag.findings.map((f) => f.code);
}

async function problemCodes(zip: Uint8Array, options = {}): Promise<string[]> {
  return (await sourceFindings(await open(zip, options))).map((f) => f.code);
}

async function drain(source: BagSource, path: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(path)) chunks.push(chunk);
  return joinChunks(chunks);
}

async function readCode(source: BagSource, path: string, options = {}): Promise<string | undefined> {
  try {
    for await (const _ of source.read(path, options)) void _;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : String(error);
  }
}

const bag = buildBag({ 'data/abc.txt': 'evidence bytes\n', 'data/a1': 'one', 'data/a2': 'two' });
const valid = await zipFiles(bag);
const valid64 = await zipFiles(bag, { zip64: 'always' });
const twins = await zipFiles(buildBag({ 'data/xx': 'one', 'data/yyy': 'two' }));
const index = (zip: Uint8Array, name: string): number => layout(zip).entries.findIndex((e) => e.name === name);

describe('openZipSource refuses what is not a ZIP at all', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['three bytes', utf8Encode('PK\x03')],
    ['text', utf8Encode('not a zip, just text that is long enough to look at')],
    ['a CBOR bundle magic', Uint8Array.of(0xd9, 0xd9, 0xf7, 0xa0)],
    ['random bytes', Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24)],
  ])('%s: ERR_ZIP_MALFORMED', async (_, bytes) => {
    await expect(open(bytes)).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_ZIP_MALFORMED'));
  });

  it('options out of range are RangeErrors', async () => {
    await expect(open(valid, { maxEntries: -1 })).rejects.toThrow(RangeError);
    await expect(open(valid, { maxCentralDirectoryBytes: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('every prefix of an archive is a truncated archive, never a crash or a hang', () => {
  it('each length from 4 to the full size minus one', { timeout: 60_000 }, async () => {
    for (const zip of [valid, valid64]) {
      for (let length = 4; length < zip.length; length++) {
        expect(await problemCodes(zip.subarray(0, length))).toEqual(['zip.archive.truncated']);
      }
    }
  });

  it('a reader that gives fewer bytes than asked is truncation too', async () => {
    const reader = memoryReader(valid);
    const short = { size: valid.length, read: async (o: number, l: number) => (await reader.read(o, l)).subarray(0, Math.max(0, l - 1)) };
    expect((await sourceFindings(await openZipSource(short))).map((f) => f.code)).toEqual(['zip.archive.truncated']);
  });
});

// Each hostile archive is a valid one with a few bytes patched; `expected` must all be among the findings.
const hostile: Array<[string, () => Uint8Array, string[]]> = [
  // entry names breaking the path rules: patched to names of the same byte length
  ...(['/ata/abc.txt', 'C:ta/abc.txt', 'data/../.txt', 'data/./b.txt', 'data//bc.txt', 'data\\abc.txt', 'data/ab\0.txt', 'data/a\nc.txt', 'data/\u202e.txt', 'data/e\u0301.txt'] as const).map(
    (name): [string, () => Uint8Array, string[]] => [`name ${JSON.stringify(name)}`, () => renameEntry(valid, index(valid, 'data/abc.txt'), name), ['bag.path.unsafe']],
  ),
  ['a name that is not UTF-8', () => renameEntry(valid, index(valid, 'data/abc.txt'), Uint8Array.of(...utf8Encode('data/ab'), 0xff, ...utf8Encode('.txt'))), ['zip.entry.name-encoding']],
  ['a name beyond ASCII without the UTF-8 flag', () => {
    const zip = renameEntry(valid, index(valid, 'data/abc.txt'), 'data/é.txt.');
    const e = layout(zip).entries[index(valid, 'data/abc.txt')]!;
    set16(zip, e.local + 6, 0x0008);
    set16(zip, e.central + 8, 0x0008);
    return zip;
  }, ['zip.entry.name-encoding']],
  // duplicates: exact, after case folding, NFC and NFD twins
  ['an exact duplicate name', () => renameEntry(valid, index(valid, 'data/a2'), 'data/a1'), ['zip.entry.duplicate']],
  ['names equal after case folding', () => renameEntry(valid, index(valid, 'data/a2'), 'data/A1'), ['bag.path.collision']],
  ['NFC and NFD twins', () => {
    const zip = renameEntry(twins, index(twins, 'data/xx'), 'data/é');
    return renameEntry(zip, index(twins, 'data/yyy'), 'data/e\u0301');
  }, ['bag.path.unsafe']],
  // symlink and device attributes
  ...([['a symbolic link', 0o120777, 'bag.entry.symlink'], ['a character device', 0o020644, 'bag.entry.special'], ['a FIFO', 0o010644, 'bag.entry.special'], ['a socket', 0o140644, 'bag.entry.special']] as const).map(
    ([what, mode, code]): [string, () => Uint8Array, string[]] => [what, () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 38, mode * 65536)), [code]],
  ),
  // a compression method other than STORED
  ...[8, 12, 99].map((method): [string, () => Uint8Array, string[]] => [`method ${method}`, () => {
    const zip = patchCentral(valid, 'data/abc.txt', (z, c) => set16(z, c + 10, method));
    set16(zip, layout(zip).entries[index(zip, 'data/abc.txt')]!.local + 8, method);
    return zip;
  }, ['zip.entry.compressed', 'bag.entry.unreadable']]),
  // local header disagreeing with the central directory
  ['a local name differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => void (z[l + 30 + 5] = 0x41)), ['zip.entry.header-mismatch']],
  ['a local method differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => set16(z, l + 8, 8)), ['zip.entry.header-mismatch']],
  ['local flags differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => set16(z, l + 6, 0x0800)), ['zip.entry.header-mismatch']],
  ['a local CRC-32 differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => set32(z, l + 14, 1)), ['zip.entry.header-mismatch']],
  ['a local size differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => set32(z, l + 22, 3)), ['zip.entry.header-mismatch']],
  ['a central size larger (reads the descriptor as data)', () => patchCentral(valid, 'data/abc.txt', (z, c) => { set32(z, c + 20, 17); set32(z, c + 24, 17); }), ['zip.entry.header-mismatch']],
  ['compressed and uncompressed sizes differing', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 20, 3)), ['zip.entry.header-mismatch']],
  ['a central CRC-32 differing', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 16, 1)), ['zip.entry.header-mismatch']],
  ['a descriptor CRC-32 differing', () => patchLocal(valid, 'data/abc.txt', (z, l) => { const d = l + 30 + 12 + 15; set32(z, d + 4, get32(z, d + 4) ^ 1); }), ['zip.entry.header-mismatch']],
  ['a descriptor without its signature', () => patchLocal(valid, 'data/abc.txt', (z, l) => set32(z, l + 30 + 12 + 15, 0)), ['zip.entry.header-mismatch']],
  ['an offset one byte off', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 42, get32(z, c + 42) + 1)), ['zip.entry.header-mismatch']],
  ['an offset into the central directory', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 42, layout(z).cdOffset)), ['zip.entry.header-mismatch']],
  ['an offset past the end', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 42, 0x7fffffff)), ['zip.entry.header-mismatch']],
  // overlapping entries
  ['an entry hidden inside another one\'s data', overlapping, ['zip.entry.overlap']],
  ['two central records for one local entry', () => {
    const zip = renameEntry(valid, index(valid, 'data/a2'), 'data/a1');
    const [a, b] = [index(zip, 'data/a1'), layout(zip).entries.map((e) => e.name).lastIndexOf('data/a1')];
    set32(zip, layout(zip).entries[b]!.central + 42, layout(zip).entries[a]!.local);
    return zip;
  }, ['zip.entry.duplicate']],
  // data before the first entry, between entries, after the end records
  ['a prefix before the first entry (offsets shifted: a self-extractor stub)', () => insertBytes(valid, 0, new Uint8Array(64)), ['zip.archive.prefix-data']],
  ['a prefix with ZIP64 records', () => insertBytes(valid64, 0, new Uint8Array(64)), ['zip.archive.prefix-data']],
  ['bytes between two entries', () => insertBytes(valid, layout(valid).entries[2]!.local, utf8Encode('hidden')), ['zip.archive.gap']],
  ['bytes between the last entry and the central directory', () => insertBytes(valid, layout(valid).cdOffset, utf8Encode('hidden')), ['zip.archive.gap']],
  ['bytes between the central directory and the end record', () => insertBytes(valid, layout(valid).eocd, utf8Encode('hidden')), ['zip.archive.gap']],
  ['bytes after the end record', () => joinChunks([valid, utf8Encode('trailing')]), ['zip.archive.trailing-data']],
  ['a second end record after the end record', () => joinChunks([valid, valid.subarray(layout(valid).eocd)]), ['zip.archive.gap']],
  ['an end record with a comment length past the end', () => patchAt(valid, layout(valid).eocd + 20, (z, p) => set16(z, p, 1)), ['zip.archive.truncated']],
  // ZIP64 records that lie
  ['a 32-bit count 0xFFFF without ZIP64 records', () => patchAt(valid, layout(valid).eocd + 8, (z, p) => { set16(z, p, 0xffff); set16(z, p + 2, 0xffff); }), ['zip.zip64.inconsistent']],
  ['a 32-bit directory offset 0xFFFFFFFF without ZIP64 records', () => patchAt(valid, layout(valid).eocd + 16, (z, p) => set32(z, p, 0xffffffff)), ['zip.zip64.inconsistent']],
  ['a ZIP64 locator pointing elsewhere', () => patchAt(valid64, layout(valid64).locator! + 8, (z, p) => set64(z, p, 0)), ['zip.zip64.inconsistent']],
  ['a ZIP64 locator naming two disks', () => patchAt(valid64, layout(valid64).locator! + 16, (z, p) => set32(z, p, 2)), ['zip.zip64.inconsistent']],
  ['a ZIP64 end record without its signature', () => patchAt(valid64, layout(valid64).zip64Eocd!, (z, p) => set32(z, p, 0)), ['zip.zip64.inconsistent']],
  ['a ZIP64 end record of another size', () => patchAt(valid64, layout(valid64).zip64Eocd! + 4, (z, p) => set64(z, p, 45)), ['zip.zip64.inconsistent']],
  ['ZIP64 entry counts disagreeing', () => patchAt(valid64, layout(valid64).zip64Eocd! + 24, (z, p) => set64(z, p, 1)), ['zip.zip64.inconsistent']],
  ['a ZIP64 count past 2^53', () => patchAt(valid64, layout(valid64).zip64Eocd! + 36, (z, p) => set32(z, p, 0x00400000)), ['zip.zip64.inconsistent']],
  ['a 32-bit count disagreeing with the ZIP64 one', () => patchAt(valid64, layout(valid64).eocd + 8, (z, p) => { set16(z, p, 3); set16(z, p + 2, 3); }), ['zip.zip64.inconsistent']],
  ['a 32-bit directory size disagreeing with the ZIP64 one', () => patchAt(valid64, layout(valid64).eocd + 12, (z, p) => set32(z, p, 5)), ['zip.zip64.inconsistent']],
  ['a ZIP64 central directory offset lying', () => patchAt(valid64, layout(valid64).zip64Eocd! + 48, (z, p) => set64(z, p, 1)), ['zip.archive.directory-malformed']],
  ['an entry size 0xFFFFFFFF without a ZIP64 extra', () => patchCentral(valid, 'data/abc.txt', (z, c) => set32(z, c + 24, 0xffffffff)), ['zip.zip64.inconsistent']],
  ['a ZIP64 extra missing a value (length 16)', () => patchCentral(valid64, 'data/abc.txt', (z, c) => set16(z, c + 46 + 12 + 2, 16)), ['zip.zip64.inconsistent']],
  ['a ZIP64 extra where none is needed (sizes not 0xFFFFFFFF)', () => patchCentral(valid64, 'data/abc.txt', (z, c) => { set32(z, c + 20, 15); set32(z, c + 24, 15); }), ['zip.zip64.inconsistent']],
  ['a ZIP64 size lying', () => patchCentral(valid64, 'data/abc.txt', (z, c) => set64(z, c + 46 + 12 + 4, 14)), ['zip.entry.header-mismatch']],
  ['a ZIP64 size past 2^53', () => patchCentral(valid64, 'data/abc.txt', (z, c) => set32(z, c + 46 + 12 + 8, 0x00400000)), ['zip.zip64.inconsistent']],
  ['a ZIP64 offset lying', () => patchCentral(valid64, 'data/abc.txt', (z, c) => set64(z, c + 46 + 12 + 20, 1)), ['zip.entry.header-mismatch']],
  // counts and sizes past the limits, or past what the directory holds
  ['an entry count larger than the directory holds', () => patchAt(valid, layout(valid).eocd + 8, (z, p) => { set16(z, p, 200); set16(z, p + 2, 200); }), ['zip.archive.directory-malformed']],
  ['an entry count smaller than the directory holds', () => patchAt(valid, layout(valid).eocd + 8, (z, p) => { set16(z, p, 2); set16(z, p + 2, 2); }), ['zip.archive.directory-malformed']],
  ['a central directory size reaching into the end record', () => patchAt(valid, layout(valid).eocd + 12, (z, p) => set32(z, p, get32(z, p) + 1)), ['zip.archive.directory-malformed']],
  ['a central record without its signature', () => patchCentral(valid, 'data/a2', (z, c) => set32(z, c, 0)), ['zip.archive.directory-malformed']],
  ['an end record naming another disk', () => patchAt(valid, layout(valid).eocd + 4, (z, p) => set16(z, p, 1)), ['zip.archive.directory-malformed']],
  ['an entry on another disk', () => patchCentral(valid, 'data/abc.txt', (z, c) => set16(z, c + 34, 1)), ['zip.entry.unsupported']],
  // flags and shapes outside the profile
  ['an encrypted entry', () => patchCentral(patchLocal(valid, 'data/abc.txt', (z, l) => set16(z, l + 6, 0x0809)), 'data/abc.txt', (z, c) => set16(z, c + 8, 0x0809)), ['zip.entry.unsupported']],
  ['a directory entry holding data', () => renameEntry(valid, index(valid, 'data/abc.txt'), 'data/abc.tx/'), ['zip.entry.malformed']],
  ['extra fields that do not parse', () => patchCentral(valid64, 'data/abc.txt', (z, c) => set16(z, c + 46 + 12 + 2, 200)), ['zip.entry.malformed']],
];

describe('hostile archives become findings with stable codes', () => {
  it.each(hostile)('%s', { timeout: 10_000 }, async (_, build, expected) => {
    const codes = await codesOf(build());
    for (const code of expected) expect(codes).toContain(code);
  });

  it('each of them makes the bag invalid', { timeout: 30_000 }, async () => {
    for (const [name, build] of hostile) {
      const result = await validateBag(await open(build()));
      expect(result.valid, name).toBe(false);
    }
  });

  it('limits: entry count and central directory size, nothing listed', async () => {
    expect(await problemCodes(valid, { maxEntries: 5 })).toEqual(['zip.limit.entries']);
    expect(await problemCodes(valid, { maxCentralDirectoryBytes: 100 })).toEqual(['zip.limit.central-directory']);
    const listed: string[] = [];
    for await (const e of (await open(valid, { maxEntries: 5 })).list()) listed.push(e.path);
    expect(listed).toEqual([]);
    expect(await problemCodes(valid, { maxEntries: 8, maxCentralDirectoryBytes: layout(valid).eocd - layout(valid).cdOffset })).toEqual([]);
  });

  it('a comment is a warning and the bag stays valid', async () => {
    const zip = joinChunks([valid, utf8Encode('a comment')]);
    set16(zip, layout(valid).eocd + 20, 9);
    const result = await validateBag(await open(zip));
    expect(result.findings.map((f) => f.code)).toEqual(['zip.archive.comment']);
    expect(result.valid).toBe(true);
  });

  it('one flipped byte anywhere: never a crash, a hang or an exception but ERR_ZIP_MALFORMED; invalid unless the byte is one the reader ignores', { timeout: 120_000 }, async () => {
    for (const zip of [valid, valid64]) {
      const l = layout(zip);
      // Fields that carry nothing to check: versions, time and date, internal attributes, permission bits.
      const ignored = new Set<number>();
      const mark = (at: number, length: number): void => {
        for (let i = 0; i < length; i++) ignored.add(at + i);
      };
      for (const e of l.entries) {
        mark(e.local + 4, 2);
        mark(e.local + 10, 4);
        mark(e.central + 4, 4);
        mark(e.central + 12, 4);
        mark(e.central + 36, 5);
      }
      if (l.zip64Eocd !== undefined) mark(l.zip64Eocd + 12, 4);
      const stillValid: number[] = [];
      for (let at = 0; at < zip.length; at++) {
        const flipped = zip.slice();
        flipped[at]! ^= 0xff;
        let source: BagSource;
        try {
          source = await open(flipped);
        } catch (error) {
          expect(isEvidenceBundleError(error, 'ERR_ZIP_MALFORMED'), `byte ${at}: ${String(error)}`).toBe(true);
          continue;
        }
        if ((await validateBag(source)).valid) stillValid.push(at);
      }
      expect(stillValid.filter((at) => !ignored.has(at))).toEqual([]);
    }
  });
});

describe('reading entries', () => {
  it('a CRC-32 mismatch fails the read after the last chunk, and the bag is invalid', async () => {
    const zip = valid.slice();
    const e = layout(zip).entries[index(zip, 'bagit.txt')]!;
    zip[e.local + 30 + e.nameLength + 1]! ^= 0x20;
    const source = await open(zip);
    expect(await readCode(source, 'bagit.txt')).toBe('ERR_ZIP_CRC_MISMATCH');
    const result = await validateBag(await open(zip));
    expect(result.valid).toBe(false);
    expect(result.findings.find((f) => f.path === 'bagit.txt')?.code).toBe('bag.entry.unreadable');
  });

  it('checks entries with the crc32 option when given (a native one), continued chunk by chunk', async () => {
    const calls: number[] = [];
    const counting = (bytes: Uint8Array, previous: number): number => (calls.push(bytes.length), crc32(bytes, previous));
    const good = await openZipSource(memoryReader(valid), { crc32: counting });
    expect((await validateBag(good)).valid).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
    // A CRC-32 that is always wrong: every read fails, every digest reports a mismatch.
    const wrong = await openZipSource(memoryReader(valid), { crc32: (b, p) => crc32(b, p) ^ 1 });
    expect(await readCode(wrong, 'bagit.txt')).toBe('ERR_ZIP_CRC_MISMATCH');
    expect((await wrong.digest('bagit.txt', ['sha256'])).problems.map((p) => p.code)).toEqual(['zip.entry.crc-mismatch']);
  });

  it('refuses a read past maxBytes before reading, an unknown path, an entry with a problem', async () => {
    const source = await open(valid);
    expect(await readCode(source, 'data/abc.txt', { maxBytes: 3 })).toBe('ERR_LIMIT_EXCEEDED');
    expect(await readCode(source, 'data/none')).toBe('ERR_SOURCE_NOT_FOUND');
    expect(await readCode(source, 'data')).toBe('ERR_SOURCE_NOT_FOUND');
    const dup = await open(renameEntry(valid, index(valid, 'data/a2'), 'data/a1'));
    expect(await readCode(dup, 'data/a1')).toBe('ERR_ZIP_MALFORMED');
  });
});

describe("an entry's chunks are read ahead", () => {
  // An entry of 5 MiB + 17 bytes: six chunks of at most 1 MiB, the last a short one.
  const big = Uint8Array.from({ length: 5 * 1024 * 1024 + 17 }, (_, i) => (i * 131 + (i >> 11)) & 0xff);
  let zipped: Uint8Array;
  beforeAll(async () => {
    zipped = await zipFiles(buildBag({ 'data/big.bin': big }));
  });
  /**
   * A reader over `zip` whose reads of whole 1 MiB chunks, once armed (after the open), answer after a turn of the
   * event loop, counting how many wait at once.
   */
  const slowReader = (zip: Uint8Array, failAt?: (offset: number, length: number) => Uint8Array | Error | undefined) => {
    const inner = memoryReader(zip);
    const stats = { waiting: 0, most: 0, reads: 0, armed: false };
    const reader: RandomAccessReader = {
      size: zip.length,
      async read(offset, length) {
        if (!stats.armed || length !== 1024 * 1024) return inner.read(offset, length);
        stats.reads++;
        stats.waiting++;
        stats.most = Math.max(stats.most, stats.waiting);
        await new Promise((r) => setTimeout(r, 1));
        stats.waiting--;
        const instead = failAt?.(offset, length);
        if (instead instanceof Error) throw instead;
        return instead ?? inner.read(offset, length);
      },
    };
    return { reader, stats };
  };

  it('the same bytes, in order, with reads of the next chunks waiting while one is handed on', async () => {
    const { reader, stats } = slowReader(zipped);
    const source = await openZipSource(reader);
    stats.armed = true;
    const chunks: Uint8Array[] = [];
    for await (const chunk of source.read('data/big.bin')) chunks.push(chunk.slice());
    expect(chunks.map((c) => c.length)).toEqual([...[1, 1, 1, 1, 1].map(() => 1024 * 1024), 17]);
    expect(Buffer.from(joinChunks(chunks)).equals(Buffer.from(big))).toBe(true);
    // The five whole chunks waited; the last 17 bytes came at once.
    expect(stats.reads).toBe(5);
    expect(stats.most).toBeGreaterThan(1);
    expect(stats.most).toBeLessThanOrEqual(3);
    const { digests } = await source.digest('data/big.bin', ['sha256']);
    expect(digests.sha256).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('a local header whose descriptor lies windows ahead: its problems reported once, with a reader that fills or not', async () => {
    const zip = zipped.slice();
    const e = layout(zip).entries.find((x) => x.name === 'data/big.bin')!;
    set16(zip, e.local + 6, get16(zip, e.local + 6) | 0x0002); // other flags in the local header only
    for (const reader of [memoryReader(zip), fillingReader(zip)]) {
      const found = (await sourceFindings(await openZipSource(reader))).map((f) => [f.code, f.path]);
      expect(found).toEqual([['zip.entry.header-mismatch', 'data/big.bin']]);
    }
  });

  it('a short or failed read of any chunk fails the read with its code, and the reads left behind are no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let k = 0; k < 5; k++) {
        for (const failure of ['short', 'error'] as const) {
          let seen = 0;
          const { reader, stats } = slowReader(zipped, (offset, length) => {
            if (seen++ !== k) return undefined;
            return failure === 'short' ? zipped.slice(offset, offset + length - 1) : new Error('the disk failed');
          });
          const source = await openZipSource(reader);
          stats.armed = true;
          const got = await readCode(source, 'data/big.bin');
          expect(got, `${failure} at chunk ${k}`).toBe(failure === 'short' ? 'ERR_ZIP_MALFORMED' : 'Error: the disk failed');
        }
      }
      // A reader that stops after the first chunk leaves the reads ahead of it to end on their own.
      let first = true;
      const { reader, stats } = slowReader(zipped, () => (first ? ((first = false), undefined) : new Error('late failure')));
      const source = await openZipSource(reader);
      stats.armed = true;
      for await (const _ of source.read('data/big.bin')) break;
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('valid archives', () => {
  it('round trip: every file listed once with its size, its bytes read back, no problem', async () => {
    for (const zip of [valid, valid64]) {
      const source = await open(zip);
      expect(await sourceFindings(source)).toEqual([]);
      const listed: Record<string, number> = {};
      for await (const e of source.list()) {
        expect(e.kind).toBe('file');
        listed[e.path] = e.size;
      }
      expect(listed).toEqual(Object.fromEntries(Object.entries(bag).map(([p, b]) => [p, b.length])));
      for (const [path, bytes] of Object.entries(bag)) expect(await drain(source, path)).toEqual(bytes);
    }
  });

  it('validateBag over a zipped valid bag is valid, with the digests of the directory form', async () => {
    const result = await validateBag(await open(valid));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    expect([...result.payload.keys()].sort()).toEqual(['data/a1', 'data/a2', 'data/abc.txt']);
  });

  it('an empty archive is an empty source', async () => {
    const empty = await zipFiles({});
    expect(empty).toEqual(Uint8Array.of(0x50, 0x4b, 5, 6, ...new Array(18).fill(0)));
    const source = await open(empty);
    expect(await sourceFindings(source)).toEqual([]);
    for await (const _ of source.list()) throw new Error('listed an entry');
  });

  it('65,536 entries, ZIP64 end records needed: all listed', { timeout: 60_000 }, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 65_536; i++) files[`d/${i.toString(36).padStart(4, '0')}`] = '';
    const source = await open(await zipFiles(files));
    expect(await sourceFindings(source)).toEqual([]);
    let count = 0;
    for await (const _ of source.list()) count++;
    expect(count).toBe(65_536);
  });
});

const hasZip = spawnSync('zip', ['-h'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasZip)('archives made by Info-ZIP zip of a directory bag', () => {
  const root = join(dir, 'bag');
  for (const [path, bytes] of Object.entries(bag)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  const made = (name: string, args: string[]): Uint8Array => {
    execFileSync('zip', ['-q', ...args, join(dir, name), '.'], { cwd: root });
    return readFileSync(join(dir, name));
  };

  it('zip -r (DEFLATE by default): zip.entry.compressed, the bag invalid', async () => {
    const result = await validateBag(await open(made('deflated.zip', ['-r'])));
    expect(result.findings.map((f) => f.code)).toContain('zip.entry.compressed');
    expect(result.valid).toBe(false);
  });

  it('zip -0 -X -r (STORED, directory entries, real timestamps): accepted, the bag valid', async () => {
    const result = await validateBag(await open(made('stored.zip', ['-0', '-X', '-r'])));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('zip -0 -r (with Info-ZIP extra fields, which are ignored): accepted', async () => {
    const result = await validateBag(await open(made('stored-extra.zip', ['-0', '-r'])));
    expect(result.findings).toEqual([]);
  });
});


function patchAt(zip: Uint8Array, at: number, patch: (z: Uint8Array, at: number) => void): Uint8Array {
  const out = zip.slice();
  patch(out, at);
  return out;
}

function patchCentral(zip: Uint8Array, name: string, patch: (z: Uint8Array, central: number) => void): Uint8Array {
  return patchAt(zip, layout(zip).entries[index(zip, name)]!.central, patch);
}

function patchLocal(zip: Uint8Array, name: string, patch: (z: Uint8Array, local: number) => void): Uint8Array {
  return patchAt(zip, layout(zip).entries[index(zip, name)]!.local, patch);
}

/** data/a2's whole local entry copied into data/a1's bytes, and data/a2's central record pointed at the copy. */
function overlapping(): Uint8Array {
  const zip = overlapBase.slice();
  const l = layout(zip);
  const a1 = l.entries[index(zip, 'data/a1')]!;
  const a2 = l.entries[index(zip, 'data/a2')]!;
  set32(zip, a2.central + 42, a1.local + 30 + a1.nameLength);
  return zip;
}
const overlapBase = await (async () => {
  const inner = layout(valid).entries[index(valid, 'data/a2')]!;
  const copy = valid.slice(inner.local, inner.local + 30 + inner.nameLength + 3 + 16);
  return zipFiles({ ...bag, 'data/a1': copy });
})();

describe('openZipSource: digest and entryData', () => {
  const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
  const flipIn = (zip: Uint8Array, text: string): Uint8Array => {
    const out = zip.slice();
    const at = Buffer.from(out).indexOf(Buffer.from(text));
    out[at + 2]! ^= 0x01;
    return out;
  };

  it('refuses what read refuses, before reading: a missing path, a directory, an entry with a problem', async () => {
    const duplicated = renameEntry(await zipFiles({ 'a.txt': 'one', 'b.txt': 'two' }), 1, 'a.txt');
    const source = await openZipSource(memoryReader(await zipFiles({ 'd/a.txt': 'one' })));
    const dup = await openZipSource(memoryReader(duplicated));
    for (const [s, path, code] of [[source, 'missing', 'ERR_SOURCE_NOT_FOUND'], [source, 'd', 'ERR_SOURCE_NOT_FOUND'], [dup, 'a.txt', 'ERR_ZIP_MALFORMED']] as const) {
      expect(() => s.entryData(path), path).toThrow(expect.objectContaining({ code }));
      await expect(s.digest(path, ['sha256']), path).rejects.toMatchObject({ code });
    }
  });

  it('an entry whose bytes do not match their CRC-32: digest reports zip.entry.crc-mismatch beside the digests of the bytes as they are; read still fails', async () => {
    const files = { 'a.txt': 'hello, evidence', 'b.bin': new Uint8Array(1024 * 1024 + 5).fill(7), 'c.txt': '' };
    const zip = await zipFiles(files);
    const altered = flipIn(zip, 'hello, evidence');
    const intact = await openZipSource(memoryReader(zip));
    const broken = await openZipSource(memoryReader(altered));
    for (const [path, value] of Object.entries(files)) {
      const bytes = typeof value === 'string' ? utf8Encode(value) : value;
      const got = await intact.digest(path, ['sha256', 'sha512']);
      expect(got, path).toEqual({ size: bytes.length, digests: { sha256: sha256(bytes), sha512: createHash('sha512').update(bytes).digest('hex') }, problems: [] });
      const where = intact.entryData(path);
      expect(sha256(zip.subarray(where.offset, where.offset + where.size)), path).toBe(sha256(bytes));
      expect(where.crc32, path).toBe(crc32(bytes));
    }
    const flipped = utf8Encode('hello, evidence');
    flipped[2]! ^= 0x01;
    const got = await broken.digest('a.txt', ['sha256']);
    expect(got.digests.sha256).toBe(sha256(flipped));
    expect(got.problems.map((p) => [p.code, p.path])).toEqual([['zip.entry.crc-mismatch', 'a.txt']]);
    expect((await broken.digest('b.bin', ['sha256'])).problems).toEqual([]);
    const reading = (async () => {
      for await (const _ of broken.read('a.txt'));
    })();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_ZIP_CRC_MISMATCH' });
    // The validator turns the problem into a finding and still compares the digests.
    const bag = await validateBag(await openZipSource(memoryReader(flipIn(await zipFiles(buildBag({ 'data/x.txt': 'hello, evidence' })), 'hello, evidence'))));
    expect(bag.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.path]).sort()).toEqual([
      ['bag.payload.digest-mismatch', 'data/x.txt'],
      ['zip.entry.crc-mismatch', 'data/x.txt'],
    ]);
    expect(bag.payload.has('data/x.txt')).toBe(true);
  });

  it('reads the local headers of many small entries through a window, not one read each', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) files[`d/${i.toString().padStart(5, '0')}`] = 'x'.repeat(i % 300);
    const zip = await zipFiles(files);
    const reader = memoryReader(zip);
    let reads = 0;
    const source = await openZipSource({ size: reader.size, read: (offset, length) => (reads++, reader.read(offset, length)) });
    expect(await sourceFindings(source)).toEqual([]);
    // Under 1 MiB of archive: a handful of windows, where one read per header would be 2,000.
    expect(reads).toBeLessThan(50);
  });
});

// A reader that also reads into the caller's buffer, as the Node file reader does: the local headers are then read
// through reused buffers, with read-ahead. It counts every byte it gives.
function fillingReader(zip: Uint8Array): RandomAccessReader & { bytesRead: number } {
  const reader = memoryReader(zip);
  const counted = {
    size: reader.size,
    bytesRead: 0,
    async read(offset: number, length: number) {
      counted.bytesRead += length;
      return (await reader.read(offset, length)).slice();
    },
    async readInto(target: Uint8Array, offset: number) {
      const bytes = zip.subarray(offset, Math.min(zip.length, offset + target.length));
      target.set(bytes);
      counted.bytesRead += bytes.length;
      return bytes.length;
    },
  };
  return counted;
}

/** Small entries, their local headers spread over many 256 KiB windows, some across a window's edge. */
async function manySmall(count: number): Promise<Uint8Array> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`data/${i.toString().padStart(5, '0')}`] = 'x'.repeat((i * 7919) % 3000);
  return zipFiles(buildBag(files));
}

/** The same archive with its central records in another order (offsets unchanged). */
function reorderCentral(zip: Uint8Array, order: (count: number) => number[]): Uint8Array {
  const { entries, cdOffset } = layout(zip);
  const ends = [...entries.slice(1).map((e) => e.central), entries.at(-1)!.central + 46 + entries.at(-1)!.nameLength + entries.at(-1)!.extraLength];
  const records = entries.map((e, i) => zip.slice(e.central, ends[i]));
  const out = zip.slice();
  let at = cdOffset;
  for (const i of order(records.length)) {
    out.set(records[i]!, at);
    at += records[i]!.length;
  }
  return out;
}

describe('local headers read through windows, from a reader that fills buffers', () => {
  const description = async (source: ZipSource): Promise<unknown> => {
    const listed: unknown[] = [];
    for await (const entry of source.list()) listed.push([entry, entry.kind === 'file' ? source.entryData(entry.path) : undefined]);
    return { listed, problems: await sourceFindings(source) };
  };

  it('the same entries, data offsets and problems as a plain reader, a header across every window edge', { timeout: 30_000 }, async () => {
    // Entries of 1,000 bytes, but the one before each window's edge sized so that the next local header (30 bytes
    // and a 7-byte name) starts 20 bytes before the edge: every edge splits a header. Each entry takes its header,
    // its bytes and a 16-byte data descriptor.
    const WINDOW = WINDOW_BYTES;
    const files: Record<string, Uint8Array> = {};
    for (let i = 0, at = 0; at < 4 * WINDOW; i++) {
      const edge = (Math.floor(at / WINDOW) + 1) * WINDOW;
      const size = at + 53 + 1000 > edge - 20 && at + 53 <= edge - 20 ? edge - 20 - at - 53 : 1000;
      files[`d/${i.toString().padStart(5, '0')}`] = new Uint8Array(size).fill(i % 251);
      at += 53 + size;
    }
    const zip = await zipFiles(files);
    const straddling = layout(zip).entries.filter((e) => Math.floor(e.local / WINDOW) !== Math.floor((e.local + 30 + e.nameLength - 1) / WINDOW));
    expect(straddling.length).toBe(4);
    const reader = fillingReader(zip);
    const plain = await description(await openZipSource(memoryReader(zip)));
    expect(await description(await openZipSource(reader))).toEqual(plain);
    expect((plain as { problems: unknown[] }).problems).toEqual([]);
    // Read once, ahead included: windows never go past the central directory. (The search for the end records
    // reads the last 64 KiB and 22 bytes once more.)
    expect(reader.bytesRead).toBeLessThanOrEqual(zip.length + 4 + 22 + 65_535);
    // And a bag of many small files stays valid read this way.
    expect((await validateBag(await openZipSource(fillingReader(await manySmall(1500))))).valid).toBe(true);
  });

  it.each(hostile)('hostile: %s, the same problems as a plain reader', { timeout: 10_000 }, async (_, build) => {
    const zip = build();
    const plain = (await sourceFindings(await open(zip))).map((f) => [f.code, f.path]);
    expect((await sourceFindings(await openZipSource(fillingReader(zip)))).map((f) => [f.code, f.path])).toEqual(plain);
  });

  it('every prefix is a truncated archive, and a reader that fills fewer bytes than asked is truncation too', { timeout: 60_000 }, async () => {
    for (const zip of [valid, valid64]) {
      for (let length = 4; length < zip.length; length++) {
        expect((await sourceFindings(await openZipSource(fillingReader(zip.subarray(0, length))))).map((f) => f.code)).toEqual(['zip.archive.truncated']);
      }
    }
    const zip = await manySmall(300);
    const short = { ...fillingReader(zip), readInto: async (target: Uint8Array, offset: number) => (target.set(zip.subarray(offset, offset + target.length - 1)), target.length - 1) };
    expect((await sourceFindings(await openZipSource(short))).map((f) => f.code)).toEqual(['zip.archive.truncated']);
  });

  it.each([
    ['reversed', (n: number) => [...Array(n).keys()].reverse()],
    ['shuffled', (n: number) => [...Array(n).keys()].map((i) => (i * 7919) % n)],
    ['in pairs of neighbours, shuffled', (n: number) => {
      const pairs = Math.ceil(n / 2);
      return [...Array(pairs).keys()].flatMap((j) => [2 * ((j * 7919) % pairs), 2 * ((j * 7919) % pairs) + 1]).filter((i) => i < n);
    }],
  ])('central records out of offset order (%s): the same problems, and the archive read at most about twice', { timeout: 30_000 }, async (_, order) => {
    const zip = reorderCentral(await manySmall(1500), order);
    const { entries } = layout(zip);
    expect(new Set(order(entries.length)).size).toBe(entries.length);
    const reader = fillingReader(zip);
    const plain = (await sourceFindings(await open(zip))).map((f) => [f.code, f.path]);
    expect((await sourceFindings(await openZipSource(reader))).map((f) => [f.code, f.path])).toEqual(plain);
    // A window per header would be 1,500 x 256 KiB, some 390 MB, for a 2 MB archive.
    expect(reader.bytesRead).toBeLessThan(2 * zip.length + entries.length * 1024);
  });
});

describe('ZIP_LIMITS, derived from the bundle limits', () => {
  it('take every entry of a bundle at LIMITS.bagEntries, each central record with a ZIP64 extra field and a name of LIMITS.entryPathBytes', () => {
    expect(ZIP_LIMITS.entries).toBe(LIMITS.bagEntries);
    expect(ZIP_LIMITS.centralDirectoryBytes).toBe(LIMITS.bagEntries * (46 + 28 + LIMITS.entryPathBytes));
  });
});
