import { describe, expect, it } from 'vitest';
import { filesSource } from '../../src/bundle/files-source.js';
import { isEvidenceBundleError } from '../../src/index.js';
import { utf8Encode } from '../../src/internal/bytes.js';

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of iterable) out.push(...chunk);
  return out;
}

async function codeOf(iterable: AsyncIterable<Uint8Array>): Promise<string> {
  try {
    await collect(iterable);
  } catch (error) {
    if (isEvidenceBundleError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('filesSource', () => {
  it('refuses a read of a path that is no file, and a file over maxBytes, before yielding a byte', async () => {
    const source = filesSource(new Map([['data/a/b.txt', utf8Encode('12345')]]));
    for (const path of ['data/a', 'data', 'data/a/c.txt', 'data/a/b.txt/', '']) expect(await codeOf(source.read(path)), path).toBe('ERR_SOURCE_NOT_FOUND');
    expect(await codeOf(source.read('data/a/b.txt', { maxBytes: 4 }))).toBe('ERR_LIMIT_EXCEEDED');
    expect(await collect(source.read('data/a/b.txt', { maxBytes: 5 }))).toEqual([...utf8Encode('12345')]);
  });

  it('refuses content that is not bytes', () => {
    expect(() => filesSource(new Map([['a', 'text' as never]]))).toThrow(TypeError);
  });

  it('lists every file with its size and each parent directory once', async () => {
    const source = filesSource(new Map([['bagit.txt', utf8Encode('x')], ['data/a/b.txt', new Uint8Array(3)], ['data/a/c.txt', new Uint8Array(0)]]));
    const listed = [];
    for await (const entry of source.list()) listed.push(entry);
    expect(listed).toEqual(
      expect.arrayContaining([
        { path: 'bagit.txt', kind: 'file', size: 1 },
        { path: 'data', kind: 'directory', size: 0 },
        { path: 'data/a', kind: 'directory', size: 0 },
        { path: 'data/a/b.txt', kind: 'file', size: 3 },
        { path: 'data/a/c.txt', kind: 'file', size: 0 },
      ]),
    );
    expect(listed).toHaveLength(5);
    expect(await collect(source.read('data/a/c.txt'))).toEqual([]);
  });

  it('yields a large file in several chunks, all its bytes in order', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251);
    const chunks = [];
    for await (const chunk of filesSource(new Map([['data/big', big]])).read('data/big')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.from(big))).toBe(true);
  });
});
