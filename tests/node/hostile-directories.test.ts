// Security rules of docs/DESIGN.md that packing, verifying and appending to bundle directories must keep, each
// tried by a test that attempts to break it: nothing written outside the target, no partial bundle left, no
// symbolic link or special file followed, evidence bytes never modified.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { appendCustodyEvent, createDigestPool, type CustodyEventInput, packBundle, verifyBundleDirectory } from '../../src/node/index.js';
import { demoCase, keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

let dir: string;
let outside: string;
let packager: KeyPair;
beforeAll(async () => {
  dir = await tempDir();
  outside = await fsp.mkdtemp(join(tmpdir(), 'evb-outside-'));
  packager = await keyPair();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.rm(outside, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);
const EVENT: CustodyEventInput = {
  type: 'accessed',
  actor: { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' },
  items: ['chat-export'],
  place: 'Lyon lab',
  purpose: 'review the export',
};

/** Every name in a directory tree, relative, for before/after comparisons. */
async function tree(root: string): Promise<string[]> {
  return (await fsp.readdir(root, { recursive: true })).map(String).sort();
}

describe('packBundle never writes outside its target nor leaves a partial bundle', () => {
  it.each([
    ['..', (work: string) => ({ bad: '../escape.txt', landing: join(work, 'escape.txt') })],
    ['.. deeper', (work: string) => ({ bad: 'a/../../escape.txt', landing: join(work, 'escape.txt') })],
    ['.. up to the parent of the target', (work: string) => ({ bad: '../../escape.txt', landing: join(work, '..', 'escape.txt') })],
    ['an absolute path', (work: string) => ({ bad: join(work, 'escape.txt'), landing: join(work, 'escape.txt') })],
  ])('an item path with %s', async (_, make) => {
    const { metadata, items } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'escape-'));
    const { bad, landing } = make(work);
    const before = await tree(dir);
    await expect(packBundle(join(work, 'out'), { metadata, items: [...items, { ...items[0]!, id: 'x', path: bad }] })).rejects.toSatisfy(
      hasCode('ERR_PATH_UNSAFE'),
    );
    expect(await tree(dir)).toEqual(before);
    expect(await fsp.readdir(work)).toEqual([]);
    await expect(fsp.lstat(landing)).rejects.toThrow();
  });

  it('two item paths that collide after case folding', async () => {
    const { metadata, items } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'collide-'));
    const twins = [
      { ...items[0]!, id: 'a', path: 'Logs/Access.log' },
      { ...items[1]!, id: 'b', path: 'logs/access.LOG' },
    ];
    await expect(packBundle(join(work, 'out'), { metadata, items: twins })).rejects.toSatisfy(hasCode('ERR_PATH_COLLISION'));
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it.each([
    ['a file and a directory equal after case folding', ['A', 'a/b']],
    ['a file that is the directory of another', ['a', 'a/b']],
    ['the same, the other way round', ['a/b', 'a']],
  ])('%s (a bundle its own verifier would refuse)', async (_, paths) => {
    const { metadata, items } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'tree-collide-'));
    const clash = paths.map((path, i) => ({ ...items[i]!, path }));
    await expect(packBundle(join(work, 'out'), { metadata, items: clash })).rejects.toSatisfy(hasCode('ERR_PATH_COLLISION'));
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('a FIFO as a source: refused without blocking', async (context) => {
    const { metadata, items } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'fifo-'));
    const fifo = join(outside, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      context.skip('mkfifo is not available');
    }
    await expect(packBundle(join(work, 'out'), { metadata, items: [...items, { ...items[0]!, id: 'x', path: 'x.bin', source: fifo }] })).rejects.toSatisfy(
      hasCode('ERR_SOURCE_NOT_REGULAR_FILE'),
    );
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('a source whose parent directory is a symbolic link is copied as named, and the link is not packed', async () => {
    // The caller names the source; only the final component must not be a link (O_NOFOLLOW). What lands in the
    // bundle is a regular file with the same bytes, never a link.
    const { metadata, items } = await demoCase();
    await fsp.symlink(join(items[0]!.source as string, '..'), join(outside, 'linked-dir'));
    const source = join(outside, 'linked-dir', 'export.json');
    const { path } = await packBundle(join(dir, 'via-linked-dir'), { metadata, items: [{ ...items[0]!, source }] });
    const stat = await fsp.lstat(join(path, 'data', items[0]!.path));
    expect(stat.isFile()).toBe(true);
    expect(Buffer.compare(await fsp.readFile(join(path, 'data', items[0]!.path)), await fsp.readFile(items[0]!.source as string))).toBe(0);
  });
});

describe('evidence bytes are never modified', () => {
  it('packing leaves every source file as it was, and copies its bytes exactly, read-only', async () => {
    const { metadata, items } = await demoCase();
    const copies = await fsp.mkdtemp(join(dir, 'sources-'));
    const sources = [];
    for (const item of items) {
      const copy = join(copies, item.id);
      await fsp.copyFile(item.source as string, copy);
      sources.push({ ...item, source: copy });
    }
    const before = await Promise.all(sources.map(async (s) => ({ bytes: await fsp.readFile(s.source), stat: await fsp.lstat(s.source) })));
    const { path } = await packBundle(join(dir, 'untouched'), { metadata, items: sources });
    for (const [i, s] of sources.entries()) {
      const after = await fsp.lstat(s.source);
      expect(Buffer.compare(await fsp.readFile(s.source), before[i]!.bytes)).toBe(0);
      expect([after.mode, after.size, after.mtimeMs, after.ino]).toEqual([before[i]!.stat.mode, before[i]!.stat.size, before[i]!.stat.mtimeMs, before[i]!.stat.ino]);
      const packed = join(path, 'data', s.path);
      expect(Buffer.compare(await fsp.readFile(packed), before[i]!.bytes)).toBe(0);
      expect((await fsp.lstat(packed)).mode & 0o222).toBe(0);
    }
  });

  it('appending a custody event and verifying leave every payload byte as it was', async () => {
    const b = await packDemo(dir, { name: 'payload-kept', packager });
    const payload = async () => {
      const out = new Map<string, Buffer>();
      for (const name of await tree(join(b, 'data'))) {
        const full = join(b, 'data', name);
        if ((await fsp.lstat(full)).isFile()) out.set(name, await fsp.readFile(full));
      }
      return out;
    };
    const before = await payload();
    await appendCustodyEvent(b, EVENT, packager.signer);
    await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(await payload()).toEqual(before);
  });
});

describe('a bundle directory with symbolic links in it', () => {
  it('a payload directory that is a link to a copy outside: verify never follows it, with or without a pool', async () => {
    const b = await packDemo(dir, { name: 'linked-payload-dir', packager });
    const copy = join(outside, 'chat-copy');
    await fsp.cp(join(b, 'data', 'chat'), copy, { recursive: true });
    await fsp.rm(join(b, 'data', 'chat'), { recursive: true, force: true });
    await fsp.symlink(copy, join(b, 'data', 'chat'));
    const pool = createDigestPool({ size: 2 });
    try {
      for (const options of [{}, { pool }]) {
        const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk], ...options });
        expect(report.outcome).toBe('INVALID');
        expect(report.findings).toContainEqual(expect.objectContaining({ code: 'bag.entry.symlink', path: 'data/chat' }));
        expect(report.items.find((i) => i.path === 'chat/export.json')?.status).not.toBe('valid');
      }
    } finally {
      await pool.close();
    }
  });

  it('a custody log that is a link: appending refuses it rather than start a new log over it', async () => {
    const b = await packDemo(dir, { name: 'linked-log', packager });
    await appendCustodyEvent(b, EVENT, packager.signer);
    const target = join(outside, 'custody-copy.jsonl');
    await fsp.rename(join(b, 'evidence', 'custody.jsonl'), target);
    await fsp.symlink(target, join(b, 'evidence', 'custody.jsonl'));
    const before = await fsp.readFile(target);
    const bundleBefore = await tree(b);
    await expect(appendCustodyEvent(b, EVENT, packager.signer)).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
    expect(await fsp.readFile(target)).toEqual(before);
    expect(await tree(b)).toEqual(bundleBefore);
    expect((await fsp.lstat(join(b, 'evidence', 'custody.jsonl'))).isSymbolicLink()).toBe(true);
  });

  it('a tag directory that is a link: verify refuses it, appending writes nothing outside', async () => {
    const b = await packDemo(dir, { name: 'linked-tag-dir', packager });
    const target = join(outside, 'evidence-copy');
    await fsp.rename(join(b, 'evidence'), target);
    await fsp.symlink(target, join(b, 'evidence'));
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'bag.entry.symlink', path: 'evidence' }));
    const before = await tree(target);
    const bundleBefore = await tree(b);
    await expect(
      appendCustodyEvent(b, EVENT, packager.signer),
    ).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
    expect(await tree(target)).toEqual(before);
    expect(await tree(b)).toEqual(bundleBefore);
  });
});
