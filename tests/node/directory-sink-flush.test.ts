import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySink, type FlushMode } from '../../src/node/bundle-sinks.js';
import type { StatedFile } from '../../src/node/copy-pool.js';
import { syncFileSystem } from '../../src/node/fs-sync.js';
import { tempDir } from '../helpers/bundle-fixture.js';

// The directory sink's commit on both of its flush paths: the Linux fast path (one `sync -f` of the file system,
// then every file's fdatasync) and the portable one (the fdatasync calls alone), and the fast path falling back
// when `sync` fails. What is observable without pulling the plug: which `sync` ran, with what, and that the
// bundle is whole either way.

let dir: string;
let n = 0;
const savedPath = process.env['PATH'];
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  process.env['PATH'] = savedPath;
  await fsp.rm(dir, { recursive: true, force: true });
});

/** A `sync` of our own first on PATH: it records its arguments, then exits with `code`. */
async function fakeSync(code: number): Promise<{ bin: string; log: string }> {
  const bin = join(dir, `bin${n++}`);
  const log = join(bin, 'calls');
  await fsp.mkdir(bin);
  await fsp.writeFile(join(bin, 'sync'), `#!/bin/sh\necho "$@" >> '${log}'\nexit ${code}\n`, { mode: 0o755 });
  return { bin, log };
}

/** Packs three files through the sink (one copied by the workers, two streamed), then commits. */
async function packThree(mode: FlushMode): Promise<{ partial: string; target: string }> {
  const source = join(dir, `src${n++}`);
  await fsp.writeFile(source, 'copied bytes');
  const st = await fsp.lstat(source);
  const stated: StatedFile = { path: source, ino: st.ino, dev: st.dev, size: st.size, mtimeMs: st.mtimeMs };
  const partial = join(dir, `partial${n++}`);
  const target = join(dir, `bundle${n++}`);
  await fsp.mkdir(partial);
  const sink = directorySink(partial, target, target, mode);
  const got = await sink.copy!('data/a.bin', stated, stated.size, ['sha256']);
  expect(got?.size).toBe(12);
  await sink.add('data/b/c.txt', new TextEncoder().encode('streamed'), 8);
  await sink.add('bagit.txt', new TextEncoder().encode('BagIt-Version: 1.0\n'), 19);
  await sink.commit();
  expect(await fsp.readFile(join(target, 'data', 'a.bin'), 'utf8')).toBe('copied bytes');
  expect(await fsp.readFile(join(target, 'data', 'b', 'c.txt'), 'utf8')).toBe('streamed');
  await expect(fsp.lstat(partial)).rejects.toThrow();
  return { partial, target };
}

describe.runIf(process.platform === 'linux')('directory sink flush paths (Linux)', () => {
  it('syncFileSystem runs the real sync -f: true for a directory, false (never a rejection) for a missing path', async () => {
    process.env['PATH'] = savedPath;
    expect(await syncFileSystem(dir)).toBe(true);
    expect(await syncFileSystem(join(dir, 'no-such-dir'))).toBe(false);
  });

  it("'syncfs' runs sync -f on the partial directory once, before the rename", async () => {
    const fake = await fakeSync(0);
    process.env['PATH'] = `${fake.bin}:${savedPath}`;
    try {
      const { partial } = await packThree('syncfs');
      expect((await fsp.readFile(fake.log, 'utf8')).trim().split('\n')).toEqual([`-f -- ${partial}`]);
    } finally {
      process.env['PATH'] = savedPath;
    }
  });

  it("'syncfs' still commits a whole bundle when sync -f fails: the per-file flushes do the work", async () => {
    const fake = await fakeSync(1);
    process.env['PATH'] = `${fake.bin}:${savedPath}`;
    try {
      await packThree('syncfs');
      expect((await fsp.readFile(fake.log, 'utf8')).trim().split('\n')).toHaveLength(1);
    } finally {
      process.env['PATH'] = savedPath;
    }
  });

  // syncfs alone would not say which file failed to reach the disk: each file's own flush must still run, and a
  // failed one must stop the commit before the rename. A written file that has gone makes that flush fail.
  for (const mode of ['syncfs', 'files'] as const) {
    it(`'${mode}': a file whose flush fails stops the commit, and no bundle appears`, async () => {
      const partial = join(dir, `partial${n++}`);
      const target = join(dir, `bundle${n++}`);
      await fsp.mkdir(partial);
      const sink = directorySink(partial, target, target, mode);
      await sink.add('data/a.txt', new TextEncoder().encode('kept'), 4);
      await sink.add('data/b.txt', new TextEncoder().encode('lost'), 4);
      await fsp.rm(join(partial, 'data', 'b.txt'));
      // ioError's code for ENOENT; what matters is that the commit rejects and renames nothing.
      await expect(sink.commit()).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
      await expect(fsp.lstat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  }

  it("'files' never runs sync: the portable path", async () => {
    const fake = await fakeSync(0);
    process.env['PATH'] = `${fake.bin}:${savedPath}`;
    try {
      await packThree('files');
      await expect(fsp.lstat(fake.log)).rejects.toThrow();
    } finally {
      process.env['PATH'] = savedPath;
    }
  });
});

describe('directory sink flush paths (any system)', () => {
  it("'files' commits a whole bundle", async () => {
    await packThree('files');
  });
});
