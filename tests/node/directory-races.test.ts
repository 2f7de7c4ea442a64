// A directory bundle that changes between its listing and its hashing: the listing takes kinds from readdir (no
// lstat per file) and the pool opens each file refusing links and judges it by fstat, so a file that became a
// link, a FIFO, a directory or nothing since it was listed is a finding, never a pass; even when what it now
// points to holds the very bytes the manifest records.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BagSource } from '../../src/bagit/bag-source.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { createDigestPool, type DigestPool } from '../../src/node/digest-pool.js';
import { openBundleDirectory } from '../../src/node/open-bundle-directory.js';
import { buildBag } from '../bagit/bags.js';

let root: string;
let outside: string;
let pool: DigestPool;
const PAYLOAD = { 'data/chat/export.json': '{"messages":["hello"]}\n', 'data/chat/b.txt': 'b\n', 'data/logs/access.log': 'GET /\n' };

beforeAll(() => {
  pool = createDigestPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
});
beforeEach(async () => {
  root = await fsp.mkdtemp(join(tmpdir(), 'evb-races-'));
  outside = await fsp.mkdtemp(join(tmpdir(), 'evb-races-outside-'));
  for (const [path, bytes] of Object.entries(buildBag(PAYLOAD))) {
    await fsp.mkdir(dirname(join(root, path)), { recursive: true });
    await fsp.writeFile(join(root, path), bytes);
  }
  // The same bytes outside the bag: a link followed to them would match the manifest.
  await fsp.mkdir(join(outside, 'chat'), { recursive: true });
  for (const [path, text] of Object.entries(PAYLOAD)) if (path.startsWith('data/chat/')) await fsp.writeFile(join(outside, 'chat', path.slice(10)), text);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fsp.rm(root, { recursive: true, force: true });
  await fsp.rm(outside, { recursive: true, force: true });
});

/** `base` whose listing, once complete, runs `swap` before the validator reads or hashes anything. */
function racing(base: BagSource, swap: () => Promise<void>): BagSource {
  return {
    async *list() {
      yield* base.list();
      await swap();
    },
    read: (path, options) => base.read(path, options),
    ...(base.digest ? { digest: base.digest.bind(base) } : {}),
    ...(base.digestFiles ? { digestFiles: base.digestFiles.bind(base) } : {}),
    ...(base.problems ? { problems: base.problems.bind(base) } : {}),
  };
}

async function validateWith(swap: () => Promise<void>) {
  const source = await openBundleDirectory(root, { pool });
  expect(source.digestFiles).toBeTypeOf('function');
  return validateBag(racing(source, swap));
}

const target = (): string => join(root, 'data', 'chat', 'export.json');
const codesAt = (findings: Array<{ code: string; path?: string }>, path: string) => findings.filter((f) => f.path === path).map((f) => f.code);

describe('a payload file whose type changes between listing and hashing', () => {
  it('nothing changed: the bag validates (the control)', async () => {
    const bag = await validateWith(async () => undefined);
    expect(bag.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(bag.valid).toBe(true);
    expect(bag.payload.get('data/chat/export.json')?.size).toBe(PAYLOAD['data/chat/export.json'].length);
  });

  const swaps: Array<[string, () => Promise<void>]> = [
    ['a link to a file with the same bytes', async () => {
      await fsp.rm(target());
      await fsp.symlink(join(outside, 'chat', 'export.json'), target());
    }],
    ['a FIFO (never waited on)', async () => {
      await fsp.rm(target());
      execFileSync('mkfifo', [target()]);
    }],
    ['a directory', async () => {
      await fsp.rm(target());
      await fsp.mkdir(target());
    }],
    ['nothing (removed)', () => fsp.rm(target())],
    ['a file under a parent directory that became a link to a directory with the same bytes', async () => {
      await fsp.rename(join(root, 'data', 'chat'), join(outside, 'moved'));
      await fsp.symlink(join(outside, 'chat'), join(root, 'data', 'chat'));
    }],
  ];
  for (const [name, swap] of swaps) {
    it(`now ${name}: bag.entry.unreadable, and the bag is invalid`, async () => {
      const bag = await validateWith(swap);
      expect(codesAt(bag.findings, 'data/chat/export.json')).toContain('bag.entry.unreadable');
      expect(bag.valid).toBe(false);
      expect(bag.payload.has('data/chat/export.json')).toBe(false);
      // The other files are still hashed and checked.
      expect(bag.payload.get('data/logs/access.log')?.size).toBe(PAYLOAD['data/logs/access.log'].length);
    });
  }

  it('a link already there when listed is listed as a link from the directory entry, and never hashed', async () => {
    await fsp.rm(target());
    await fsp.symlink(join(outside, 'chat', 'export.json'), target());
    const source = await openBundleDirectory(root, { pool });
    const bag = await validateBag(source);
    expect(codesAt(bag.findings, 'data/chat/export.json')).toContain('bag.entry.symlink');
    expect(bag.valid).toBe(false);
    expect(bag.payload.has('data/chat/export.json')).toBe(false);
  });
});

describe('the listing and path checks of a directory', () => {
  it('lstat no payload file, and each payload directory once, however many files it holds', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`data/${i % 2 === 0 ? 'a' : 'b/c'}/f${i}.txt`] = `file ${i}\n`;
    await fsp.rm(root, { recursive: true, force: true });
    await fsp.mkdir(root);
    for (const [path, bytes] of Object.entries(buildBag(many))) {
      await fsp.mkdir(dirname(join(root, path)), { recursive: true });
      await fsp.writeFile(join(root, path), bytes);
    }
    const lstat = vi.spyOn(fsp, 'lstat');
    const bag = await validateBag(await openBundleDirectory(root, { pool }));
    expect(bag.valid).toBe(true);
    expect(bag.payload.size).toBe(300);
    const underData = lstat.mock.calls.map(([p]) => String(p)).filter((p) => p.startsWith(join(root, 'data') + '/')).map((p) => p.slice(root.length + 1));
    expect(underData.sort()).toEqual(['data/a', 'data/b', 'data/b/c']);
  });
});
