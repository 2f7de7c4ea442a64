import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BagEntry, BagSource } from '../../src/bagit/bag-source.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { openDirectorySource } from '../../src/node/directory-source.js';
import { buildBag } from './bags.js';

let root: string;
let outside: string;

beforeEach(async () => {
  root = await fsp.mkdtemp(join(tmpdir(), 'evb-dirsource-'));
  outside = await fsp.mkdtemp(join(tmpdir(), 'evb-outside-'));
  await fsp.writeFile(join(outside, 'secret.txt'), 'secret');
});
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true });
  await fsp.rm(outside, { recursive: true, force: true });
});

async function writeBag(files: Record<string, Uint8Array>): Promise<void> {
  for (const [path, bytes] of Object.entries(files)) {
    await fsp.mkdir(dirname(join(root, path)), { recursive: true });
    await fsp.writeFile(join(root, path), bytes);
  }
}

async function list(source: BagSource): Promise<BagEntry[]> {
  const out: BagEntry[] = [];
  for await (const entry of source.list()) out.push(entry);
  return out;
}

async function readAll(source: BagSource, path: string): Promise<{ bytes: Uint8Array; chunks: number[] }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(path)) chunks.push(chunk);
  return { bytes: Buffer.concat(chunks), chunks: chunks.map((c) => c.length) };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : `not an EvidenceBundleError: ${String(error)}`;
  }
  return undefined;
}

describe('openDirectorySource', () => {
  it('lists every entry in name order with kinds and sizes, and a packed bag validates', async () => {
    const files = buildBag();
    await writeBag(files);
    const source = openDirectorySource(root);
    const entries = await list(source);
    expect(entries.filter((e) => e.kind === 'file').map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
    expect(entries).toContainEqual({ path: 'data', kind: 'directory', size: 0 });
    // Payload files are listed without a stat (their size is the one read); tag files with theirs.
    expect(entries).toContainEqual({ path: 'data/chat/export.json', kind: 'file', size: -1 });
    expect(entries).toContainEqual({ path: 'bagit.txt', kind: 'file', size: files['bagit.txt']!.length });
    const result = await validateBag(source);
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('a flipped payload byte on disk gives the digest mismatch at its path', async () => {
    const files = buildBag();
    const bytes = files['data/chat/export.json']!;
    bytes[0] = bytes[0]! ^ 0x01;
    await writeBag(files);
    const result = await validateBag(openDirectorySource(root));
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'bag.payload.digest-mismatch', path: 'data/chat/export.json' }),
    ]);
  });

  it('never follows a symbolic link, to a file or to a directory', async () => {
    await writeBag(buildBag());
    await fsp.symlink(join(outside, 'secret.txt'), join(root, 'data', 'link.txt'));
    await fsp.symlink(outside, join(root, 'data', 'linkdir'));
    const source = openDirectorySource(root);
    const entries = await list(source);
    expect(entries).toContainEqual({ path: 'data/link.txt', kind: 'symlink', size: 0 });
    expect(entries).toContainEqual({ path: 'data/linkdir', kind: 'symlink', size: 0 });
    expect(entries.some((e) => e.path.startsWith('data/linkdir/'))).toBe(false);
    expect(await codeOf(readAll(source, 'data/link.txt'))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    expect(await codeOf(readAll(source, 'data/linkdir/secret.txt'))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    expect(await codeOf(source.digest!('data/link.txt', ['sha256']))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    expect(await codeOf(source.digest!('data/linkdir/secret.txt', ['sha256']))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    const result = await validateBag(source);
    expect(result.findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.path])).toEqual([
      ['bag.entry.symlink', 'data/link.txt'],
      ['bag.entry.symlink', 'data/linkdir'],
    ]);
  });

  it('a caller-given digest gets the same containment checks', async () => {
    await writeBag(buildBag());
    await fsp.symlink(outside, join(root, 'evidence', 'linkdir'));
    let called = 0;
    const source = openDirectorySource(root, {
      digest: async () => {
        called += 1;
        return { digests: { sha256: '' }, size: 0 };
      },
    });
    expect(await codeOf(source.digest!('evidence/linkdir/secret.txt', ['sha256']))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    expect(await codeOf(source.digest!('../secret.txt', ['sha256']))).toBe('ERR_PATH_UNSAFE');
    expect(called).toBe(0);
  });

  it('lists a FIFO as other and never blocks on it', async (context) => {
    await writeBag(buildBag());
    try {
      execFileSync('mkfifo', [join(root, 'data', 'pipe')]);
    } catch {
      context.skip('mkfifo is not available');
    }
    const source = openDirectorySource(root);
    expect(await list(source)).toContainEqual({ path: 'data/pipe', kind: 'other', size: 0 });
    expect(await codeOf(readAll(source, 'data/pipe'))).toBe('ERR_SOURCE_NOT_REGULAR_FILE');
    const result = await validateBag(source);
    expect(result.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['bag.entry.special']);
  });

  it('refuses paths that leave the root', async () => {
    await writeBag(buildBag());
    const source = openDirectorySource(root);
    for (const path of ['../x', 'data/../../x', '', 'data//x', './bagit.txt', 'a\u0000b']) {
      expect(await codeOf(readAll(source, path))).toBe('ERR_PATH_UNSAFE');
    }
    expect(await codeOf(readAll(source, 'data/none.txt'))).toBe('ERR_SOURCE_NOT_FOUND');
  });

  it('reads in chunks of at most chunkSize, and digests like a streamed read', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251);
    await writeBag({ 'data/big.bin': big });
    const source = openDirectorySource(root, { chunkSize: 1024 * 1024 });
    const { bytes, chunks } = await readAll(source, 'data/big.bin');
    // Buffer.equals: a deep toEqual over megabytes is slow.
    expect(Buffer.from(bytes).equals(big)).toBe(true);
    expect(chunks).toEqual([1048576, 1048576, 1048576, 5]);
    const multi = createMultiDigest(['sha512']);
    multi.update(big);
    expect(await source.digest!('data/big.bin', ['sha512'])).toEqual({ digests: multi.digest(), size: big.length });
    expect(openDirectorySource(root, { digest: false }).digest).toBeUndefined();
  });

  it('refuses a chunk size outside 1 byte to 4 MiB', () => {
    expect(() => openDirectorySource(root, { chunkSize: 0 })).toThrow(RangeError);
    expect(() => openDirectorySource(root, { chunkSize: 4 * 1024 * 1024 + 1 })).toThrow(RangeError);
  });

  it('lists a name that is not UTF-8 so that validation refuses it, and can still read it', async () => {
    await writeBag(buildBag());
    const name = Buffer.concat([Buffer.from(join(root, 'data') + '/'), Buffer.from([0x66, 0xff, 0x2e, 0x74])]);
    await fsp.writeFile(name, 'x');
    const source = openDirectorySource(root);
    const odd = (await list(source)).find((e) => e.path.startsWith('data/f'));
    expect(odd?.path).toBe('data/f\udcff.t');
    expect((await readAll(source, odd!.path)).bytes).toEqual(Buffer.from('x'));
    const result = await validateBag(source);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.path.unsafe', path: 'data/f\udcff.t' }));
    expect(result.valid).toBe(false);
  });

  it('digests a name with an astral character whose low surrogate is U+DC80-U+DCFF (not a non-UTF-8 name)', async () => {
    // U+1F480 is D83D DC80 in UTF-16; only a lone DC80-DCFF stands for a byte that is not UTF-8.
    await writeBag(buildBag({ 'data/\u{1F480}.txt': 'skull', 'data/plain.txt': 'plain' }));
    expect((await openDirectorySource(root).digest!('data/\u{1F480}.txt', ['sha256'])).size).toBe(5);
    const result = await validateBag(openDirectorySource(root));
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.payload.get('data/\u{1F480}.txt')?.size).toBe(5);
  });

  it('refuses to digest a name that is not UTF-8, with the default digest and a caller-given one', async () => {
    let called = 0;
    const given = async () => {
      called += 1;
      return { digests: { sha256: '0'.repeat(64) }, size: 0 };
    };
    await writeBag(buildBag());
    for (const source of [openDirectorySource(root), openDirectorySource(root, { digest: given })]) {
      expect(await codeOf(source.digest!('data/f\udcff.t', ['sha256']))).toBe('ERR_PATH_UNSAFE');
    }
    expect(called).toBe(0);
  });

  it('never takes a lone surrogate a listing cannot give for another name (U+FFFD on disk)', async () => {
    await writeBag(buildBag({ 'data/\uFFFD.txt': 'replacement', 'data/plain.txt': 'plain' }));
    const source = openDirectorySource(root);
    for (const path of ['data/\uD800.txt', 'data/\uDC00.txt', 'data/\uDFFF.txt']) {
      expect(await codeOf(readAll(source, path))).toBe('ERR_PATH_UNSAFE');
      expect(await codeOf(source.digest!(path, ['sha256']))).toBe('ERR_PATH_UNSAFE');
    }
    expect((await readAll(source, 'data/\uFFFD.txt')).bytes).toEqual(Buffer.from('replacement'));
  });

  it('an unreadable root is a finding, not an exception', async () => {
    const result = await validateBag(openDirectorySource(join(root, 'absent')));
    expect(result.findings.map((f) => f.code)).toEqual(['bag.entry.unreadable']);
  });
});

describe('openDirectorySource: read with maxBytes', () => {
  const limitCode = (e: unknown) => isEvidenceBundleError(e, 'ERR_LIMIT_EXCEEDED');
  const collect = async (source: BagSource, path: string, maxBytes: number): Promise<number> => {
    let total = 0;
    for await (const chunk of source.read(path, { maxBytes })) total += chunk.length;
    return total;
  };

  it('refuses a longer file on its descriptor before reading a byte, whatever its size', async () => {
    await fsp.writeFile(join(root, 'eleven'), '01234567890');
    await fsp.writeFile(join(root, 'sparse'), '');
    await fsp.truncate(join(root, 'sparse'), 100 * 1024 ** 3);
    const source = openDirectorySource(root);
    await expect(collect(source, 'eleven', 10)).rejects.toSatisfy(limitCode);
    await expect(collect(source, 'sparse', 64 * 1024 * 1024)).rejects.toSatisfy(limitCode);
    expect(await collect(source, 'eleven', 11)).toBe(11);
  });

  it('reads a file that grows while read only to one byte past the limit', async () => {
    await fsp.writeFile(join(root, 'growing'), '0123456789');
    const source = openDirectorySource(root, { chunkSize: 4 });
    let total = 0;
    for await (const chunk of source.read('growing', { maxBytes: 10 })) {
      if (total === 0) await fsp.appendFile(join(root, 'growing'), 'x'.repeat(1000));
      total += chunk.length;
    }
    expect(total).toBe(11);
  });
});
