import { describe, expect, it } from 'vitest';
import type { BagSource } from '../../src/bagit/bag-source.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../../src/errors.js';
import { readTagFile } from '../../src/verify/read-tag-file.js';

/** A source whose one file is read as `chunks`, then fails with `error` when one is given. */
function source(chunks: Uint8Array[], error?: unknown): BagSource & { pulled: number } {
  const s = {
    pulled: 0,
    async *list() {},
    async *read() {
      for (const chunk of chunks) {
        s.pulled++;
        yield chunk;
      }
      if (error !== undefined) throw error;
    },
  };
  return s;
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('readTagFile', () => {
  it('reads a file whole', async () => {
    expect(await readTagFile(source([bytes(1, 2), bytes(3)]), 'evidence/x', 3)).toEqual(bytes(1, 2, 3));
  });

  it('gives undefined for a file not in `present`, without reading it', async () => {
    const s = source([bytes(1)]);
    expect(await readTagFile(s, 'evidence/x', 10, new Set(['evidence/y']))).toBeUndefined();
    expect(s.pulled).toBe(0);
  });

  it('gives undefined for a file the source does not find', async () => {
    expect(await readTagFile(source([], new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', 'no such file')), 'evidence/x', 10)).toBeUndefined();
  });

  // A link, a directory or a FIFO where a tag file should be is not a missing file: a writer must not start
  // the file afresh over it.
  it.each([
    ['not a regular file', new EvidenceBundleError('ERR_SOURCE_NOT_REGULAR_FILE', 'a link')],
    ['a source of another library', new Error('no such file')],
  ])('throws what the source throws for a file it refuses as %s', async (_why, error) => {
    await expect(readTagFile(source([], error), 'evidence/x', 10)).rejects.toBe(error);
  });

  it('stops at the limit: too-large, and no chunk pulled past it', async () => {
    const s = source([bytes(1, 2), bytes(3, 4), bytes(5, 6), bytes(7, 8)]);
    expect(await readTagFile(s, 'evidence/x', 3)).toBe('too-large');
    expect(s.pulled).toBe(2);
  });

  // A file that is there but cannot be read is not a missing one: a writer taking it for absent would start
  // the custody log or the signature file afresh and drop what was in it.
  it('throws ERR_IO when the file is there but cannot be read, even after some bytes', async () => {
    const failure = new EvidenceBundleError('ERR_IO', 'evidence/custody.jsonl: EACCES');
    await expect(readTagFile(source([], failure), 'evidence/custody.jsonl', 10)).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_IO'));
    await expect(readTagFile(source([bytes(1)], failure), 'evidence/custody.jsonl', 10)).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_IO'));
  });

  it('joins more chunks than a call takes arguments', async () => {
    const chunks = Array.from({ length: 300_000 }, (_, i) => bytes(i & 0xff));
    const read = await readTagFile(source(chunks), 'evidence/x', chunks.length);
    expect(read).toHaveLength(chunks.length);
    expect((read as Uint8Array)[299_999]).toBe(299_999 & 0xff);
  });
});
