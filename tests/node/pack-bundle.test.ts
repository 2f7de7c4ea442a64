import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { LIMITS } from '../../src/entries/bagit.js';
import { parseCanonicalJson } from '../../src/entries/encoding.js';
import { packBundle, verifyBundleDirectory } from '../../src/node/index.js';
import { demoCase, keyPair, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);

describe('packBundle', () => {
  it('refuses, before reading any source, items whose files and directories exceed what a reader accepts', async () => {
    const { metadata } = await demoCase();
    // Each item in two directories of its own: three entries an item.
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `i${i}`, path: `a${i}/b/f`, source: join(dir, 'no-such-source') }));
    const over = Math.ceil(LIMITS.bagEntries / 3);
    await expect(packBundle(join(dir, 'too-many-entries'), { metadata, items: many(over) })).rejects.toSatisfy(hasCode('ERR_LIMIT_EXCEEDED'));
    await expect(fsp.stat(join(dir, 'too-many-entries'))).rejects.toThrow();
    // Under the limit the same shape gets as far as the missing source.
    await expect(packBundle(join(dir, 'fewer-entries'), { metadata, items: many(10) })).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
  });

  it('writes a BagIt 1.0 bag whose data/ holds the evidence bytes exactly', async () => {
    const { metadata, items } = await demoCase();
    const { path, manifest } = await packBundle(join(dir, 'b'), { metadata, items, algorithms: ['sha512', 'sha3-256', 'blake3'] });
    const names = (await fsp.readdir(path)).sort();
    expect(names).toEqual(
      ['bag-info.txt', 'bagit.txt', 'data', 'evidence', 'manifest-blake3.txt', 'manifest-sha256.txt', 'manifest-sha3256.txt', 'manifest-sha512.txt', 'tagmanifest-blake3.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha3256.txt', 'tagmanifest-sha512.txt'].sort(),
    );
    expect(await fsp.readFile(join(path, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const info = await fsp.readFile(join(path, 'bag-info.txt'), 'utf8');
    expect(info).toContain(`External-Identifier: ${manifest.bundleId}`);
    let total = 0;
    for (const item of items) {
      const original = await fsp.readFile(item.source as string);
      const copied = await fsp.readFile(join(path, 'data', item.path));
      expect(Buffer.compare(original, copied)).toBe(0);
      total += original.length;
    }
    expect(info).toContain(`Payload-Oxum: ${total}.${items.length}`);
    const stored = parseCanonicalJson(await fsp.readFile(join(path, 'evidence', 'manifest.json')));
    expect(stored).toEqual(manifest);
    const chat = manifest.items.find((i) => i.id === 'chat-export')!;
    expect(chat.digests).toBeDefined();
    const { createHash } = await import('node:crypto');
    const bytes = await fsp.readFile(join(path, 'data', 'chat', 'export.json'));
    expect(chat.digests!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(chat.digests!.sha512).toBe(createHash('sha512').update(bytes).digest('hex'));
    expect(chat.digests!['sha3-256']).toBe(createHash('sha3-256').update(bytes).digest('hex'));
    expect(chat.digests!.blake3).toMatch(/^[0-9a-f]{64}$/);
    const report = await verifyBundleDirectory(path);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refuses an existing target, and leaves it untouched', async () => {
    const { metadata, items } = await demoCase();
    await fsp.mkdir(join(dir, 'exists'));
    await fsp.writeFile(join(dir, 'exists', 'keep.txt'), 'keep');
    await expect(packBundle(join(dir, 'exists'), { metadata, items })).rejects.toSatisfy(hasCode('ERR_TARGET_EXISTS'));
    expect(await fsp.readdir(join(dir, 'exists'))).toEqual(['keep.txt']);
  });

  it.each([
    ['../escape.txt', 'ERR_PATH_UNSAFE'],
    ['/abs.txt', 'ERR_PATH_UNSAFE'],
    ['a\\b.txt', 'ERR_PATH_UNSAFE'],
    ['a\0b', 'ERR_PATH_UNSAFE'],
    ['cafe\u0301.txt', 'ERR_PATH_UNSAFE'],
  ])('refuses the item path %j (%s) before writing anything', async (bad, code) => {
    const { metadata, items } = await demoCase();
    const target = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    await expect(packBundle(target, { metadata, items: [{ ...items[0]!, path: bad }] })).rejects.toSatisfy(hasCode(code));
    await expect(fsp.stat(target)).rejects.toThrow();
  });

  it('refuses two paths that collide after case folding', async () => {
    const { metadata, items } = await demoCase();
    const a = { ...items[0]!, id: 'a', path: 'Logs/Access.log' };
    const b = { ...items[0]!, id: 'b', path: 'logs/access.LOG' };
    await expect(packBundle(join(dir, 'collide'), { metadata, items: [a, b] })).rejects.toSatisfy(hasCode('ERR_PATH_COLLISION'));
  });

  it('refuses a missing source, a symbolic link and a directory as sources, leaving no partial bundle', async () => {
    const { metadata, items } = await demoCase();
    await fsp.symlink(items[0]!.source as string, join(dir, 'link'));
    const cases: Array<[string, string]> = [
      [join(dir, 'nothing-here'), 'ERR_SOURCE_NOT_FOUND'],
      // A path through a regular file names nothing, as digestFile says of it too.
      [join(items[0]!.source as string, 'x'), 'ERR_SOURCE_NOT_FOUND'],
      [join(dir, 'link'), 'ERR_SOURCE_NOT_REGULAR_FILE'],
      [dir, 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ];
    for (const [source, code] of cases) {
      await expect(packBundle(join(dir, 'never'), { metadata, items: [...items, { ...items[0]!, id: 'x', path: 'x.bin', source }] })).rejects.toSatisfy(hasCode(code));
    }
    const leftovers = (await fsp.readdir(dir)).filter((n) => n.includes('never'));
    expect(leftovers).toEqual([]);
  });

  it('rejects invalid metadata with ERR_MANIFEST_INVALID and cleans up', async () => {
    const { metadata, items } = await demoCase();
    const bad = { ...(metadata as object), creator: { name: 'x', country: 'XX' } } as never;
    await expect(packBundle(join(dir, 'invalid-meta'), { metadata: bad, items })).rejects.toSatisfy(hasCode('ERR_MANIFEST_INVALID'));
    expect((await fsp.readdir(dir)).filter((n) => n.includes('invalid-meta'))).toEqual([]);
  });

  it('packs bytes from a stream and signs them', async () => {
    const { metadata } = await demoCase();
    const key = await keyPair('ES256');
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 65536) c.enqueue(bytes.slice(i, i + 65536));
          c.close();
        },
      });
    const { path, manifest } = await packBundle(join(dir, 'streamed'), {
      metadata,
      items: [{ id: 'stream', path: 'capture/stream.bin', source: stream, mediaType: 'application/octet-stream' }],
      signers: [{ signer: key.signer, role: 'packager' }],
    });
    expect(manifest.items[0]!.size).toBe(bytes.length);
    expect(Buffer.compare(await fsp.readFile(join(path, 'data', 'capture', 'stream.bin')), bytes)).toBe(0);
    const report = await verifyBundleDirectory(path, { trustedKeys: [key.publicJwk] });
    expect(report.outcome).toBe('VALID');
  });

  it('declares a withheld item without bytes', async () => {
    const { metadata, items } = await demoCase();
    const { path, manifest } = await packBundle(join(dir, 'withheld'), {
      metadata,
      items: items.slice(0, 1),
      withheld: [{ id: 'mailbox', mediaType: 'application/mbox', withheld: { reason: 'privileged lawyer-client correspondence', legalBasis: 'Criminal Procedure Code, art. 179' } }],
    });
    expect(manifest.items.find((i) => i.id === 'mailbox')?.disclosure).toMatchObject({ status: 'withheld' });
    const report = await verifyBundleDirectory(path);
    expect(report.items.find((i) => i.id === 'mailbox')?.status).toBe('withheld');
    // The report says why, from the signed manifest (format 1.1: no custody event records a withholding at pack time).
    expect(report.items.find((i) => i.id === 'mailbox')?.withheld).toEqual({ reason: 'privileged lawyer-client correspondence', legalBasis: 'Criminal Procedure Code, art. 179' });
    expect(report.items.find((i) => i.id !== 'mailbox')?.withheld).toBeUndefined();
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
