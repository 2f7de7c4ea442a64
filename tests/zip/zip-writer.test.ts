import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { joinChunks, utf8Encode } from '../../src/internal/bytes.js';
import { openZipSource } from '../../src/zip/open-zip-source.js';
import { memoryReader } from '../../src/zip/random-access-reader.js';
import { crc32 } from '../../src/zip/crc32.js';
import { createZipWriter, type ZipWriter } from '../../src/zip/zip-writer.js';
import { buildBag } from '../bagit/bags.js';
import { get16, get32, layout, zipFiles } from './zip-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-zip-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function memoryWriter(): { writer: ZipWriter; bytes: () => Uint8Array; closed: () => boolean } {
  const chunks: number[] = [];
  let closed = false;
  const writer = createZipWriter({ write: async (b) => void chunks.push(...b), close: async () => void (closed = true) });
  return { writer, bytes: () => Uint8Array.from(chunks), closed: () => closed };
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : `not an EvidenceBundleError: ${String(error)}`;
  }
}

const one = utf8Encode('x');

describe('createZipWriter refuses', () => {
  it.each([
    ['/abs.txt'], ['a/../b'], ['./a'], ['a\\b'], ['a\0b'], ['a//b'], ['e\u0301.txt'], ['a/'], [''], ['data/aux.txt'], ['data/a:b'], ['data/x\u202e'],
  ])('the unsafe or unportable path %j', async (path) => {
    const { writer } = memoryWriter();
    expect(await code(writer.add(path, one, { size: 1 }))).toBe('ERR_PATH_UNSAFE');
  });

  it.each([
    [['b', 'a'], 'ERR_ZIP_ORDER'],
    [['data/b', 'data/a'], 'ERR_ZIP_ORDER'],
    [['a', 'a'], 'ERR_PATH_COLLISION'],
    [['A', 'a'], 'ERR_PATH_COLLISION'],
    [['STRASSE', 'straße'], 'ERR_PATH_COLLISION'],
    [['data/A/x', 'data/a/y'], 'ERR_PATH_COLLISION'],
    [['data/A/x', 'data/a'], 'ERR_PATH_COLLISION'],
    [['data/a', 'data/a/b'], 'ERR_PATH_COLLISION'],
    [['data/É', 'data/é'], 'ERR_PATH_COLLISION'],
  ])('paths %j: %s', async (paths, expected) => {
    const { writer } = memoryWriter();
    const [first, second] = paths as [string, string];
    await writer.add(first, one, { size: 1 });
    expect(await code(writer.add(second, one, { size: 1 }))).toBe(expected);
  });

  it('a path refused leaves the writer usable, and what follows still reads', async () => {
    const { writer, bytes } = memoryWriter();
    await writer.add('b', one, { size: 1 });
    expect(await code(writer.add('a', one, { size: 1 }))).toBe('ERR_ZIP_ORDER');
    await writer.add('c', one, { size: 1 });
    await writer.finish();
    expect(layout(bytes()).entries.map((e) => e.name)).toEqual(['b', 'c']);
  });

  it.each([
    ['fewer', 2],
    ['more', 0],
  ])('data giving %s bytes than announced, and is unusable after', async (_, size) => {
    const { writer } = memoryWriter();
    expect(await code(writer.add('a', one, { size }))).toBe('ERR_SOURCE_CHANGED');
    expect(await code(writer.add('b', one, { size: 1 }))).toBe('ERR_IO');
    expect(await code(writer.finish())).toBe('ERR_IO');
  });

  it.each([
    [{ maxEntries: 2 }],
    [{ maxCentralDirectoryBytes: 2 * (46 + 1) }],
  ])('an entry past the limits %j, before writing it; the archive stays within what the reader accepts', async (limits) => {
    const chunks: Uint8Array[] = [];
    const writer = createZipWriter({ write: async (b) => void chunks.push(b.slice()), close: async () => undefined }, limits);
    await writer.add('a', one, { size: 1 });
    await writer.add('b', one, { size: 1 });
    expect(await code(writer.add('c', one, { size: 1 }))).toBe('ERR_LIMIT_EXCEEDED');
    await writer.finish();
    const source = await openZipSource(memoryReader(joinChunks(chunks)), limits);
    expect(await source.problems!()).toEqual([]);
  });

  it('sizes that are not non-negative safe integers, and use after finish', async () => {
    const { writer } = memoryWriter();
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) await expect(writer.add('a', one, { size })).rejects.toThrow(RangeError);
    await writer.finish();
    await expect(writer.add('b', one, { size: 1 })).rejects.toThrow(TypeError);
  });
});

describe('createZipWriter writes the profile', () => {
  it('every field of every record at its fixed value, no extra field, no comment', async () => {
    const zip = await zipFiles({ 'data/b.bin': new Uint8Array(300).fill(7), 'bagit.txt': 'x', 'data/é.txt': '' });
    const l = layout(zip);
    expect(l.entries.map((e) => e.name)).toEqual(['bagit.txt', 'data/b.bin', 'data/é.txt']);
    expect(l.entries[0]!.local).toBe(0);
    for (const e of l.entries) {
      // local header: version 20, flags bit 3 + bit 11, STORED, 1980-01-01 00:00, CRC and sizes in the descriptor
      expect([get16(zip, e.local + 4), get16(zip, e.local + 6), get16(zip, e.local + 8), get16(zip, e.local + 10), get16(zip, e.local + 12)]).toEqual([20, 0x0808, 0, 0, 0x21]);
      expect([get32(zip, e.local + 14), get32(zip, e.local + 18), get32(zip, e.local + 22), get16(zip, e.local + 28)]).toEqual([0, 0, 0, 0]);
      const c = e.central;
      expect([get16(zip, c + 4), get16(zip, c + 6), get16(zip, c + 8), get16(zip, c + 10), get16(zip, c + 12), get16(zip, c + 14)]).toEqual([0x032d, 20, 0x0808, 0, 0, 0x21]);
      expect([e.extraLength, get16(zip, c + 32), get16(zip, c + 34), get16(zip, c + 36), get32(zip, c + 38)]).toEqual([0, 0, 0, 0, 0o100444 * 65536]);
      const size = get32(zip, c + 24);
      const data = zip.subarray(e.local + 30 + e.nameLength, e.local + 30 + e.nameLength + size);
      expect(get32(zip, c + 16)).toBe(crc32(data));
      const d = e.local + 30 + e.nameLength + size;
      expect([get32(zip, d), get32(zip, d + 4), get32(zip, d + 8), get32(zip, d + 12)]).toEqual([0x08074b50, crc32(data), size, size]);
    }
    expect(get16(zip, l.eocd + 20)).toBe(0);
    expect(l.zip64Eocd).toBeUndefined();
  });

  it('the same files give the same bytes, whatever their order of insertion in the object or chunking', async () => {
    const files = buildBag();
    const a = await zipFiles(files);
    const b = await zipFiles(Object.fromEntries(Object.entries(files).reverse()));
    const { writer, bytes } = memoryWriter();
    for (const path of layout(a).entries.map((e) => e.name)) {
      const data = files[path]!;
      await writer.add(path, (async function* () {
        for (let i = 0; i < data.length; i += 3) yield data.slice(i, i + 3);
      })(), { size: data.length });
    }
    await writer.finish();
    expect(b).toEqual(a);
    expect(bytes()).toEqual(a);
  });

  it('computes the CRC-32 with the function given (a native one), to the same bytes; a wrong one is caught by the reader', async () => {
    const files = { 'a.txt': 'hello', 'b/c.bin': new Uint8Array(70_000).map((_, i) => i * 31), 'd.txt': '' };
    const native = await zipFiles(files, { crc32: (bytes, previous) => zlibCrc32(bytes, previous) });
    expect(native).toEqual(await zipFiles(files));
    const wrong = await zipFiles(files, { crc32: (bytes, previous) => (crc32(bytes, previous) ^ 1) >>> 0 });
    const source = await openZipSource(memoryReader(wrong));
    for (const path of Object.keys(files)) {
      expect((await source.digest(path, ['sha256'])).problems.map((p) => p.code), path).toEqual(['zip.entry.crc-mismatch']);
    }
  });

  it('closes the sink once finished', async () => {
    const { writer, closed } = memoryWriter();
    await writer.finish();
    expect(closed()).toBe(true);
  });

  it('ZIP64 forced: every entry carries a ZIP64 extra (sizes, offset), 8-byte descriptors, ZIP64 end records', async () => {
    const zip = await zipFiles({ a: 'hello', b: '' }, { zip64: 'always' });
    const l = layout(zip);
    expect(l.zip64Eocd).toBeDefined();
    for (const e of l.entries) {
      expect(get16(zip, e.local + 4)).toBe(45);
      expect([get32(zip, e.central + 20), get32(zip, e.central + 24), get32(zip, e.central + 42), e.extraLength]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 28]);
    }
    expect([get16(zip, l.eocd + 8), get16(zip, l.eocd + 10), get32(zip, l.eocd + 12), get32(zip, l.eocd + 16)]).toEqual([0xffff, 0xffff, 0xffffffff, 0xffffffff]);
  });

  it('ZIP64 end records by itself when the entry count needs them (65,535 entries and more)', { timeout: 60_000 }, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 65_535; i++) files[`d/${i.toString(36).padStart(4, '0')}`] = '';
    const zip = await zipFiles(files);
    const l = layout(zip);
    expect(l.zip64Eocd).toBeDefined();
    expect(l.entries).toHaveLength(65_535);
    // entries themselves stay in 32-bit form: no size or offset needs ZIP64
    expect(l.entries.every((e) => e.extraLength === 0)).toBe(true);
    const py = spawnSync('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(len(z.namelist()))', write('many.zip', zip)], { encoding: 'utf8' });
    expect(py.stdout.trim()).toBe('65535');
  });
});

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const hasTool = (tool: string): boolean => spawnSync(tool, ['-h'], { stdio: 'ignore' }).status !== null;

describe.each([
  ['auto', 'auto' as const],
  ['forced ZIP64', 'always' as const],
])('other readers accept the writer output (%s)', (_, zip64) => {
  const files = { ...buildBag(), 'data/ünïcödé/名前.txt': 'x', 'data/big.bin': new Uint8Array(200_000).map((_, i) => i * 7) };
  it.runIf(hasTool('unzip'))('unzip -t', async () => {
    const path = write(`unzip-${zip64}.zip`, await zipFiles(files, { zip64 }));
    const out = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
    expect(out).toContain('No errors detected');
    expect(out).toContain('data/ünïcödé/名前.txt');
  });
  it.runIf(hasTool('zipinfo'))('zipinfo lists every entry STORED, 1980-01-01, mode r--r--r--', async () => {
    const path = write(`zipinfo-${zip64}.zip`, await zipFiles(files, { zip64 }));
    const lines = execFileSync('zipinfo', [path], { encoding: 'utf8' }).split('\n').filter((line) => line.startsWith('-'));
    expect(lines).toHaveLength(Object.keys(files).length);
    for (const line of lines) expect(line).toMatch(/^-r--r--r-- .* stor 80-Jan-01 00:00 /);
  });
  it('python zipfile testzip, with the same names and bytes', async () => {
    const path = write(`python-${zip64}.zip`, await zipFiles(files, { zip64 }));
    const script = 'import zipfile,sys,hashlib,json\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))';
    const listed = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, string>;
    const { createHash } = await import('node:crypto');
    expect(listed).toEqual(Object.fromEntries(Object.entries(files).map(([p, v]) => [p, createHash('sha256').update(typeof v === 'string' ? utf8Encode(v) : v).digest('hex')])));
  });
});

// An entry whose bytes the caller writes and whose CRC-32 it gives (Node's large-file copy).
describe('createZipWriter.addFilled', () => {
  it('writes the entry add writes for the same bytes, with the CRC-32 the filler gives', async () => {
    const data = utf8Encode('filled by the caller, piece by piece');
    const a = memoryWriter();
    await a.writer.add('x.txt', data, { size: data.length });
    await a.writer.finish();
    const b = memoryWriter();
    await b.writer.addFilled('x.txt', data.length, async (write) => {
      for (let i = 0; i < data.length; i += 5) await write(data.subarray(i, i + 5));
      return crc32(data);
    });
    await b.writer.finish();
    expect(b.bytes()).toEqual(a.bytes());
  });

  it.each([
    ['more', 2],
    ['fewer', 0],
  ])('a filler writing %s bytes than the size is ERR_SOURCE_CHANGED, no byte past the size reaches the sink, and the writer is unusable', async (_, extra) => {
    const size = 4;
    const seen: number[] = [];
    const writer = createZipWriter({ write: async (b) => void seen.push(b.length), close: async () => undefined });
    const fill = async (write: (b: Uint8Array) => Promise<void>): Promise<number> => {
      await write(new Uint8Array(extra === 0 ? size - 1 : size));
      if (extra > 0) await write(new Uint8Array(extra));
      return 0;
    };
    expect(await code(writer.addFilled('a', size, fill))).toBe('ERR_SOURCE_CHANGED');
    // The local header, then the bytes within the size; nothing of the piece past it.
    expect(seen.slice(1)).toEqual([extra === 0 ? size - 1 : size]);
    expect(await code(writer.add('b', one, { size: 1 }))).toBe('ERR_IO');
  });

  it("passes the filler's own error on, and refuses what add refuses before calling it", async () => {
    const { writer } = memoryWriter();
    await expect(writer.addFilled('a', 1, () => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    let called = false;
    const fill = async (): Promise<number> => ((called = true), 0);
    expect(await code(memoryWriter().writer.addFilled('../a', 1, fill))).toBe('ERR_PATH_UNSAFE');
    expect(await code(memoryWriter().writer.addFilled('data/a\u0000b', 1, fill))).toBe('ERR_PATH_UNSAFE');
    // Order and collisions, after a first entry written by add.
    for (const [first, second, expected] of [['b', 'a', 'ERR_ZIP_ORDER'], ['A', 'a', 'ERR_PATH_COLLISION'], ['data/a', 'data/a/b', 'ERR_PATH_COLLISION'], ['data/É', 'data/é', 'ERR_PATH_COLLISION']] as const) {
      const { writer: w } = memoryWriter();
      await w.add(first, one, { size: 1 });
      expect(await code(w.addFilled(second, 1, fill)), `${first} then ${second}`).toBe(expected);
    }
    expect(called).toBe(false);
  });
});

// The writer asks for an entry's next chunk before the CRC-32 and the write of the current one, so that a file
// source reads it meanwhile; it must still never read more than one chunk ahead, and close the source whatever
// ends the entry.
describe('createZipWriter reads one chunk ahead', () => {
  function recordingSource(chunks: Uint8Array[], events: string[], fail?: number): AsyncIterable<Uint8Array> & { closed: () => boolean } {
    let closed = false;
    return {
      closed: () => closed,
      async *[Symbol.asyncIterator]() {
        try {
          for (const [i, chunk] of chunks.entries()) {
            events.push(`read ${i}`);
            await new Promise((resolve) => setTimeout(resolve, 1));
            if (i === fail) throw new Error('source failed');
            yield chunk;
          }
          events.push('end');
        } finally {
          closed = true;
        }
      },
    };
  }
  const chunksOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new Uint8Array(100).fill(i));

  it('asks for chunk i+1 before writing chunk i, never for i+2, and writes the same bytes', async () => {
    const events: string[] = [];
    const chunks = chunksOf(5);
    const written: Uint8Array[] = [];
    const writer = createZipWriter({
      write: async (b) => {
        if (b.length === 100) events.push(`write ${b[0]}`);
        written.push(b.slice());
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
      close: async () => undefined,
    });
    const source = recordingSource(chunks, events);
    await writer.add('a.bin', source, { size: 500 });
    await writer.finish();
    expect(events).toEqual(['read 0', 'read 1', 'write 0', 'read 2', 'write 1', 'read 3', 'write 2', 'read 4', 'write 3', 'end', 'write 4']);
    expect(source.closed()).toBe(true);
    const zip = joinChunks(written);
    const entry = await openZipSource(memoryReader(zip));
    const read: Uint8Array[] = [];
    for await (const c of entry.read('a.bin')) read.push(c);
    expect(joinChunks(read)).toEqual(joinChunks(chunks));
  });

  it('closes the source when the sink fails, when the source gives too many bytes, and passes a source error on', async () => {
    for (const failAt of [0, 2, 4]) {
      const events: string[] = [];
      let writes = 0;
      const writer = createZipWriter({
        write: async () => {
          if (++writes === 2 + failAt) throw new Error('disk full');
        },
        close: async () => undefined,
      });
      const source = recordingSource(chunksOf(5), events);
      await expect(writer.add('a.bin', source, { size: 500 }), `sink fails at ${failAt}`).rejects.toThrow('disk full');
      expect(source.closed(), `sink fails at ${failAt}`).toBe(true);
    }
    for (const size of [0, 99, 250, 499]) {
      const source = recordingSource(chunksOf(5), []);
      const { writer } = memoryWriter();
      expect(await code(writer.add('a.bin', source, { size })), `size ${size}`).toBe('ERR_SOURCE_CHANGED');
      expect(source.closed(), `size ${size}`).toBe(true);
    }
    for (const fail of [0, 1, 4]) {
      const source = recordingSource(chunksOf(5), [], fail);
      const { writer } = memoryWriter();
      await expect(writer.add('a.bin', source, { size: 500 }), `source fails at ${fail}`).rejects.toThrow('source failed');
      expect(source.closed()).toBe(true);
      expect(await code(writer.add('b.bin', new Uint8Array(1), { size: 1 }))).toBe('ERR_IO');
    }
  });
});
