// Packing a large file: the Node ZIP and directory sinks copy a stated file of 64 MiB or more themselves, from
// shared chunks that this thread writes (and, for a ZIP, CRC-32s) while a worker hashes them (bundle-sinks.ts,
// copyStatedFile). The archive must be byte for byte the one the core writes when the same bytes stream through
// it, a directory's file the source's bytes, and every change of the source that sourceBytes refuses must be
// refused here too.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, copyFileSync, promises as fsp, openSync, renameSync, truncateSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBundleTo } from '../../src/bundle/pack-to.js';
import { directorySink, fileSink } from '../../src/node/bundle-sinks.js';
import type { StatedFile } from '../../src/node/copy-pool.js';
import { packBundle, verifyBundleAt } from '../../src/node/index.js';
import { createZipWriter } from '../../src/zip/zip-writer.js';
import { zipSink } from '../../src/zip/zip-sink.js';
import { nodeBackend } from '../../src/node/digest-backend.js';
import { crc32 } from 'node:zlib';
import { demoCase, keyPair, tempDir } from '../helpers/bundle-fixture.js';
import { HAS_INFO_ZIP } from '../helpers/forms.js';
import { layout } from '../zip/zip-helpers.js';

const MiB = 1024 * 1024;
// Just past the threshold and not a whole number of the ring's 4 MiB chunks.
const LARGE = 64 * MiB + 12_345;
let dir: string;

/** A sparse file of `size` bytes with a distinct marker every 3 MiB, so that chunks out of order or reused show. */
async function largeFile(name: string, size = LARGE): Promise<string> {
  const path = join(dir, name);
  await fsp.writeFile(path, '');
  truncateSync(path, size);
  const fd = openSync(path, 'r+');
  try {
    for (let at = 0, n = 0; at < size; at += 3 * MiB + 7, n++) writeSync(fd, Buffer.from(`marker ${n} at ${at};`), 0, undefined, at);
    writeSync(fd, Buffer.from('end'), 0, 3, size - 3);
  } finally {
    closeSync(fd);
  }
  return path;
}

async function stated(path: string): Promise<StatedFile> {
  const st = await fsp.lstat(path);
  return { path, ino: st.ino, dev: st.dev, size: st.size, mtimeMs: st.mtimeMs };
}

beforeAll(async () => {
  dir = await tempDir('evb-pack-zip-copy-');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('packing a large file', () => {
  it('writes the same archive, byte for byte, as the bytes streamed through the core ZIP writer; VALID, and unzip agrees', async () => {
    const { metadata } = await demoCase();
    const key = await keyPair('EdDSA');
    const source = await largeFile('big.bin');
    const small = join(dir, 'small.txt');
    await fsp.writeFile(small, 'a small file beside it\n');
    const fixed = { bundleId: '6f1c1a34-4d0e-4b7c-9a43-1f0d3c2b5a77', createdAt: new Date('2026-12-01T10:00:00Z') };
    const items = [
      { id: 'image', path: 'disk/big.bin', source },
      { id: 'note', path: 'notes/small.txt', source: small },
    ];
    // Unsigned for the comparison: a signature's protected header holds the time it was made.
    const { path } = await packBundle(join(dir, 'copied.zip'), { metadata, items, ...fixed, algorithms: ['sha512'] });

    // The same items streamed through the core's own ZIP sink, in memory, with node:crypto as the backend.
    const chunks: Uint8Array[] = [];
    const sink = zipSink({ write: async (b) => void chunks.push(b.slice()), close: async () => undefined }, { crc32 });
    const bytesOf = async (p: string): Promise<Uint8Array> => new Uint8Array(await fsp.readFile(p));
    const streamedItems = [
      { id: 'image', path: 'disk/big.bin', mediaType: 'application/octet-stream', size: LARGE, data: [await bytesOf(source)] },
      { id: 'note', path: 'notes/small.txt', mediaType: 'text/plain', size: 23, data: [await bytesOf(small)] },
    ];
    await packBundleTo(sink, { metadata, items: streamedItems, ...fixed, algorithms: ['sha512'], backend: nodeBackend });
    const streamed = Buffer.concat(chunks);
    const copied = await fsp.readFile(path);
    expect(copied.length).toBe(streamed.length);
    expect(createHash('sha256').update(copied).digest('hex')).toBe(createHash('sha256').update(streamed).digest('hex'));

    const entries = layout(new Uint8Array(copied)).entries;
    expect(entries.map((e) => e.name)).toContain('data/disk/big.bin');
    if (HAS_INFO_ZIP) execFileSync('unzip', ['-tqq', path]);

    // Signed, the same path gives a bundle that verifies VALID.
    const signers = [{ signer: key.signer, role: 'packager' }];
    const signed = await packBundle(join(dir, 'signed.zip'), { metadata, items, signers });
    const report = await verifyBundleAt(signed.path, { trustedKeys: [key.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(report.items.find((i) => i.id === 'image')?.status).toBe('intact');
  });

  const CHANGES: Array<[string, (path: string) => Promise<void> | void]> = [
    ['grew', (p) => appendFileSync(p, 'more')],
    ['shrank', (p) => truncateSync(p, LARGE - 5 * MiB)],
    ['was replaced', async (p) => {
      await fsp.copyFile(p, `${p}.new`);
      await fsp.rename(`${p}.new`, p);
    }],
    ['was rewritten in place (same size, new mtime)', (p) => utimesSync(p, new Date(), new Date(Date.now() + 5000))],
    ['was removed', (p) => fsp.rm(p)],
    // Never a link followed, never a FIFO waited on (DESIGN.md: no symlinks or special files).
    ['was replaced by a symbolic link to a copy of it', async (p) => {
      await fsp.copyFile(p, `${p}.copy`);
      await fsp.rm(p);
      await fsp.symlink(`${p}.copy`, p);
    }],
    ['was replaced by a FIFO', async (p) => {
      await fsp.rm(p);
      execFileSync('mkfifo', [p]);
    }],
  ];
  const CHANGE_CODES: Record<string, string> = {
    'was removed': 'ERR_SOURCE_NOT_FOUND',
    'was replaced by a symbolic link to a copy of it': 'ERR_SOURCE_NOT_REGULAR_FILE',
    'was replaced by a FIFO': 'ERR_SOURCE_NOT_REGULAR_FILE',
  };
  it.each(CHANGES)('refuses a source that %s after it was stated, and the pack leaves nothing', async (name, change) => {
    const source = await largeFile(`changed-${name.replace(/\W+/g, '-')}.bin`);
    const file = await stated(source);
    await change(source);
    // Straight to the sink, whose copy must refuse it.
    const partial = join(dir, `partial-${name.length}`);
    const sink = await fileSink(partial, join(dir, `never-${name.length}.zip`), 'zip');
    await expect(sink.copy!('data/x.bin', file, file.size, ['sha256'])).rejects.toMatchObject({ code: CHANGE_CODES[name] ?? 'ERR_SOURCE_CHANGED' });
    await sink.abort();
    await expect(fsp.stat(partial)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // A copy reports its bytes after each chunk written: the first report of the large file comes while it is
  // being copied, with most of it still to read.
  const DURING: Array<[string, (p: string) => void]> = [
    ['grows', (p) => appendFileSync(p, Buffer.alloc(MiB, 1))],
    ['is cut short', (p) => truncateSync(p, 10 * MiB)],
    // Synchronous, every one: the progress callback is not awaited, and a change made after the copy's last
    // check is one no packer could see.
    ['is replaced by name', (p) => {
      copyFileSync(p, `${p}.new`);
      renameSync(`${p}.new`, p);
    }],
    ['is rewritten in place', (p) => {
      const fd = openSync(p, 'r+');
      writeSync(fd, Buffer.from('tampered'), 0, 8, LARGE - 100);
      closeSync(fd);
    }],
  ];
  it.each(['x.zip', 'x.bundle'])('%s: refuses a source that changes while it is copied, in every way, and leaves nothing', async (name) => {
    const { metadata } = await demoCase();
    for (const [label, change] of DURING) {
      const work = await fsp.mkdtemp(join(dir, 'during-'));
      const source = await largeFile(`during-${name}-${label.length}.bin`);
      let changed = false;
      const onProgress = ({ bytes }: { bytes: number }): void => {
        if (changed || bytes >= LARGE) return;
        changed = true;
        change(source);
      };
      const items = [{ id: 'b', path: 'b.bin', source }];
      await expect(packBundle(join(work, name), { metadata, items, onProgress }), label).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
      expect(changed, label).toBe(true);
      expect(await fsp.readdir(work), label).toEqual([]);
    }
  });

  it.each(['x.zip', 'x.bundle'])('%s: an abort stops a large copy under way and every large copy waiting its turn', async (name) => {
    const { metadata } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'abort-'));
    const sources = await Promise.all([0, 1, 2, 3].map((n) => largeFile(`abort-${name}-${n}.bin`)));
    const items = sources.map((source, n) => ({ id: `f${n}`, path: `f${n}.bin`, source }));
    const controller = new AbortController();
    const reason = new Error('stopped by the examiner');
    const after: string[] = [];
    const onProgress = ({ item, bytes }: { item: string; bytes: number }): void => {
      if (controller.signal.aborted) after.push(`${item} ${bytes}`);
      else if (item === 'f0' && bytes < LARGE) controller.abort(reason);
    };
    await expect(packBundle(join(work, name), { metadata, items, onProgress, signal: controller.signal })).rejects.toBe(reason);
    expect(controller.signal.aborted).toBe(true);
    // At most the chunk already under way is reported; no other file is copied.
    expect(after.filter((a) => !a.startsWith('f0 '))).toEqual([]);
    expect(after.length).toBeLessThanOrEqual(1);
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('into a directory, a large copy that fails stops the large copies waiting their turn', async () => {
    const { metadata } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'fails-'));
    const sources = await Promise.all([0, 1, 2, 3].map((n) => largeFile(`fails-${n}.bin`)));
    const items = sources.map((source, n) => ({ id: `f${n}`, path: `f${n}.bin`, source }));
    const reported = new Set<string>();
    const onProgress = ({ item }: { item: string }): void => {
      if (item === 'f0' && !reported.has('f0')) appendFileSync(sources[0]!, 'grown');
      reported.add(item);
    };
    await expect(packBundle(join(work, 'x.bundle'), { metadata, items, onProgress })).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
    expect([...reported]).toEqual(['f0']);
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('into a directory: each large file the same bytes, read-only, its digests those of node:crypto; VALID', async () => {
    const { metadata } = await demoCase();
    const key = await keyPair('EdDSA');
    // Three at once: the directory sink copies them one after another.
    const sources = await Promise.all([0, 1, 2].map((n) => largeFile(`dir-${n}.bin`, LARGE + n * 1001)));
    const items = sources.map((source, n) => ({ id: `image-${n}`, path: `disk/${n}.bin`, source }));
    const { path, manifest } = await packBundle(join(dir, 'large.bundle'), { metadata, items, signers: [{ signer: key.signer, role: 'packager' }], algorithms: ['sha512'] });
    for (const [n, source] of sources.entries()) {
      const bytes = await fsp.readFile(source);
      const copied = join(path, 'data', 'disk', `${n}.bin`);
      expect((await fsp.readFile(copied)).equals(bytes), `file ${n}`).toBe(true);
      expect((await fsp.stat(copied)).mode & 0o777).toBe(0o444);
      const item = manifest.items.find((i) => i.id === `image-${n}`)!;
      expect(item.digests!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(item.digests!.sha512).toBe(createHash('sha512').update(bytes).digest('hex'));
    }
    expect((await verifyBundleAt(path, { trustedKeys: [key.publicJwk] })).outcome).toBe('VALID');
  });

  it.each(CHANGES)('into a directory, refuses a source that %s after it was stated, and abort leaves nothing', async (name, change) => {
    const source = await largeFile(`dchanged-${name.replace(/\W+/g, '-')}.bin`);
    const file = await stated(source);
    await change(source);
    const partial = join(dir, `dpartial-${name.length}`);
    await fsp.mkdir(partial);
    const sink = directorySink(partial, join(dir, `dnever-${name.length}`));
    await expect(sink.copy!('data/x.bin', file, file.size, ['sha256'])).rejects.toMatchObject({ code: CHANGE_CODES[name] ?? 'ERR_SOURCE_CHANGED' });
    await sink.abort();
    await expect(fsp.stat(partial)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('into a directory, refuses a large copy to a path outside data/ or outside the bundle before writing anything', async () => {
    const big = await stated(await largeFile('escape.bin'));
    const root = await fsp.mkdtemp(join(dir, 'escape-'));
    const partial = join(root, 'partial');
    await fsp.mkdir(partial);
    const sink = directorySink(partial, join(root, 'target'));
    for (const path of ['data/../../escape.bin', '/tmp/escape.bin', 'data/a\\..\\..\\escape.bin', 'data/a/../../../escape.bin']) {
      await expect(sink.copy!(path, big, big.size, ['sha256']), path).rejects.toMatchObject({ code: 'ERR_PATH_UNSAFE' });
    }
    await expect(sink.copy!('evidence/manifest.json', big, big.size, ['sha256'])).rejects.toBeInstanceOf(TypeError);
    await sink.abort();
    expect(await fsp.readdir(root)).toEqual([]);
    await expect(fsp.stat('/tmp/escape.bin')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves a file between 1 MiB and 64 MiB, a file hashed with BLAKE3, and every CBOR bundle to the stream', async () => {
    await fsp.writeFile(join(dir, 'tiny.txt'), 'tiny');
    const small = await stated(join(dir, 'tiny.txt'));
    const zip = await fileSink(join(dir, 'p1'), join(dir, 't1.zip'), 'zip');
    // A small file is read on a copy worker: the sink copies it.
    expect(await zip.copy!('data/a.txt', small, small.size, ['sha256'])).toEqual({ size: 4, digests: { sha256: createHash('sha256').update('tiny').digest('hex') } });
    const over = await stated(await largeFile('over.bin', MiB + 1));
    expect(await zip.copy!('data/o.bin', over, over.size, ['sha256'])).toBeUndefined();
    expect(await zip.copy!('data/t.txt', small, small.size, ['sha256', 'blake3'])).toBeUndefined();
    const middle = await stated(await largeFile('middle.bin', 64 * MiB - 1));
    expect(await zip.copy!('data/m.bin', middle, middle.size, ['sha256'])).toBeUndefined();
    // Just past the threshold, the sink copies it.
    const past = await stated(await largeFile('past.bin', 64 * MiB));
    const bytes = await fsp.readFile(past.path);
    expect(await zip.copy!('data/p.bin', past, past.size, ['sha256'])).toEqual({ size: 64 * MiB, digests: { sha256: createHash('sha256').update(bytes).digest('hex') } });
    const partial = join(dir, 'p3');
    await fsp.mkdir(partial);
    const directory = directorySink(partial, join(dir, 't3'));
    expect(await directory.copy!('data/m.bin', middle, middle.size, ['sha256'])).toBeUndefined();
    await directory.abort();
    const big = await stated(await largeFile('blake.bin'));
    expect(await zip.copy!('data/b.bin', big, big.size, ['sha256', 'blake3'])).toBeUndefined();
    await zip.abort();
    const cbor = await fileSink(join(dir, 'p2'), join(dir, 't2.cbor'), 'cbor');
    expect(await cbor.copy!('data/b.bin', big, big.size, ['sha256'])).toBeUndefined();
    await cbor.abort();
    expect(await fsp.readdir(dir)).not.toContain('p1');
  });

  it('a failing write of the archive fails the copy, after every write under way has settled', async () => {
    const big = await stated(await largeFile('write-fails.bin'));
    let writes = 0;
    let inFlight = 0;
    let most = 0;
    const zip = createZipWriter({
      write: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        if (++writes === 4) throw Object.assign(new Error('disk full'), { code: 'ENOSPC', syscall: 'write' });
      },
      close: async () => undefined,
    });
    // copyIntoZip is internal; the sink's copy uses it with the file's own writer, so it is reached through
    // the writer's addFilled with the same ring.
    const { digestRangeShared } = await import('../../src/node/shared-range-digest.js');
    const handle = await fsp.open(big.path);
    try {
      await expect(
        zip.addFilled('data/x.bin', big.size, (write) =>
          digestRangeShared(handle.fd, { offset: 0, length: big.size }, { algorithms: ['sha256'], label: 'x', consume: write }).then((r) => r.crc32!),
        ),
      ).rejects.toThrow('disk full');
    } finally {
      await handle.close();
    }
    expect(inFlight).toBe(0);
    // One write at a time: the next chunk's write starts only after the previous one has resolved.
    expect(most).toBe(1);
    // The local header, then three chunks; no chunk after the failure.
    expect(writes).toBe(4);
  });
});

// Small files (up to 1 MiB) into a ZIP: read whole on the copy workers, the planned ones ahead of their turn
// (read-ahead.ts), and written here with the CRC-32 the worker computed. The same archive as the streamed one,
// and every change to a source refused with the code sourceBytes gives, whether it is read on its turn or ahead.
describe('packing many small files into a ZIP', () => {
  /** `count` files of sizes 0 to a little over 1 MiB (the last ones stream), in nested folders. */
  async function smallFiles(name: string, count: number): Promise<Array<{ id: string; path: string; source: string }>> {
    const root = await fsp.mkdtemp(join(dir, `${name}-`));
    const items = [];
    for (let n = 0; n < count; n++) {
      const size = n === count - 1 ? MiB + 1 : n === count - 2 ? MiB : (n * 7919) % 20_000;
      const path = join(root, `f${n}.bin`);
      await fsp.writeFile(path, Buffer.alloc(size, n % 251));
      items.push({ id: `i${n}`, path: `d${n % 7}/f${n}.bin`, source: path });
    }
    return items;
  }

  it('writes the same archive, byte for byte, as the bytes streamed through the core ZIP writer; VALID, and unzip agrees', async () => {
    const { metadata } = await demoCase();
    const key = await keyPair('EdDSA');
    // More than the read-ahead's 256 files, so that it refills several times.
    const items = await smallFiles('same', 700);
    const fixed = { bundleId: '6f1c1a34-4d0e-4b7c-9a43-1f0d3c2b5a78', createdAt: new Date('2026-12-01T10:00:00Z') };
    const { path } = await packBundle(join(dir, 'small-copied.zip'), { metadata, items, ...fixed, algorithms: ['sha512'] });
    const chunks: Uint8Array[] = [];
    const sink = zipSink({ write: async (b) => void chunks.push(b.slice()), close: async () => undefined }, { crc32 });
    const streamedItems = await Promise.all(
      items.map(async ({ id, path: p, source }) => {
        const bytes = new Uint8Array(await fsp.readFile(source));
        return { id, path: p, mediaType: 'application/octet-stream', size: bytes.length, data: [bytes] };
      }),
    );
    await packBundleTo(sink, { metadata, items: streamedItems, ...fixed, algorithms: ['sha512'], backend: nodeBackend });
    const copied = await fsp.readFile(path);
    expect(copied.equals(Buffer.concat(chunks))).toBe(true);
    if (HAS_INFO_ZIP) execFileSync('unzip', ['-tqq', path]);
    const signed = await packBundle(join(dir, 'small-signed.zip'), { metadata, items, signers: [{ signer: key.signer, role: 'packager' }] });
    const report = await verifyBundleAt(signed.path, { trustedKeys: [key.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(report.items.filter((i) => i.status === 'intact').length).toBe(700);
  });

  const SMALL_CHANGES: Array<[string, (path: string) => Promise<void> | void, string]> = [
    ['grew', (p) => appendFileSync(p, 'more'), 'ERR_SOURCE_CHANGED'],
    ['shrank', (p) => truncateSync(p, 3), 'ERR_SOURCE_CHANGED'],
    ['was emptied', (p) => truncateSync(p, 0), 'ERR_SOURCE_CHANGED'],
    ['was replaced', async (p) => {
      await fsp.copyFile(p, `${p}.new`);
      await fsp.rename(`${p}.new`, p);
    }, 'ERR_SOURCE_CHANGED'],
    ['was rewritten in place (same size, new mtime)', (p) => utimesSync(p, new Date(), new Date(Date.now() + 5000)), 'ERR_SOURCE_CHANGED'],
    ['was removed', (p) => fsp.rm(p), 'ERR_SOURCE_NOT_FOUND'],
    ['was replaced by a symbolic link to a copy of it', async (p) => {
      await fsp.copyFile(p, `${p}.copy`);
      await fsp.rm(p);
      await fsp.symlink(`${p}.copy`, p);
    }, 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['was replaced by a FIFO', async (p) => {
      await fsp.rm(p);
      execFileSync('mkfifo', [p]);
    }, 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['was replaced by a directory', async (p) => {
      await fsp.rm(p);
      await fsp.mkdir(p);
    }, 'ERR_SOURCE_NOT_REGULAR_FILE'],
  ];
  it.each(SMALL_CHANGES)('refuses a small source that %s after it was stated, planned or not, and the sink leaves nothing', async (name, change, code) => {
    const items = await smallFiles(`changed-${name.length}`, 40);
    const files = await Promise.all(items.slice(0, 38).map((i) => stated(i.source)));
    // The 21st file changes before the plan: it is read ahead, after 20 others are already under way.
    await change(files[20]!.path);
    for (const planned of [true, false]) {
      const partial = join(dir, `small-partial-${name.length}-${planned}`);
      const sink = await fileSink(partial, join(dir, `small-never-${name.length}.zip`), 'zip');
      const paths = files.map((_, n) => `data/f${String(n).padStart(3, '0')}.bin`);
      if (planned) sink.planCopies!(files.map((source, n) => ({ path: paths[n]!, source, size: source.size })), ['sha256']);
      for (let n = 0; n < 20; n++) expect(await sink.copy!(paths[n]!, files[n]!, files[n]!.size, ['sha256'])).toMatchObject({ size: files[n]!.size });
      await expect(sink.copy!(paths[20]!, files[20]!, files[20]!.size, ['sha256']), `planned: ${planned}`).rejects.toMatchObject({ code });
      await sink.abort();
      await expect(fsp.stat(partial)).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('refuses, through packBundle, a small source that changed after it was stated, and leaves nothing beside the target', async () => {
    const { metadata } = await demoCase();
    const items = await smallFiles('pack-changed', 700);
    const work = await fsp.mkdtemp(join(dir, 'pack-changed-'));
    // Changed when the pack reports its first file: after every source was stated, and before the file's read
    // can have started, whatever the machine: 600th in the bag's order, past the 256 files read ahead at first,
    // which are refilled only once half of them are taken.
    const inBagOrder = [...items].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    const late = inBagOrder[600]!;
    let changed = false;
    const onProgress = (): void => {
      if (changed) return;
      changed = true;
      appendFileSync(late.source, 'grown');
    };
    await expect(packBundle(join(work, 'x.zip'), { metadata, items, onProgress })).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
    expect(changed).toBe(true);
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('an abort stops the pack between small files: no file after it is reported, nothing is left', async () => {
    const { metadata } = await demoCase();
    const items = await smallFiles('abort', 300);
    const work = await fsp.mkdtemp(join(dir, 'small-abort-'));
    const controller = new AbortController();
    const reason = new Error('stopped by the examiner');
    const seen: string[] = [];
    const onProgress = ({ item }: { item: string }): void => {
      if (controller.signal.aborted) seen.push(item);
      else if (item === 'i100') controller.abort(reason);
    };
    await expect(packBundle(join(work, 'x.zip'), { metadata, items, onProgress, signal: controller.signal })).rejects.toBe(reason);
    expect(seen).toEqual([]);
    expect(await fsp.readdir(work)).toEqual([]);
  });
});
