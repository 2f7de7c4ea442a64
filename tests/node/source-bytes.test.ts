import { execFileSync } from 'node:child_process';
import { appendFileSync, promises as fsp, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { packBundle } from '../../src/node/index.js';
import { sourceBytes, statSource } from '../../src/node/source-bytes.js';
import { demoCase, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);

async function drain(chunks: AsyncIterable<Uint8Array>, onChunk: () => void = () => undefined): Promise<number> {
  let n = 0;
  for await (const chunk of chunks) {
    n += chunk.length;
    onChunk();
  }
  return n;
}

const fresh = async (size: number): Promise<string> => {
  const source = join(dir, `source-${Math.random().toString(36).slice(2)}.bin`);
  await fsp.writeFile(source, new Uint8Array(size).fill(7));
  return source;
};

const CHANGES: Array<[string, (path: string) => void]> = [
  ['grows', (path) => appendFileSync(path, 'more')],
  ['shrinks', (path) => truncateSync(path, 10)],
  ['is replaced', (path) => execFileSync('sh', ['-c', 'cp "$0" "$0.new" && mv "$0.new" "$0"', path])],
];

describe('sourceBytes', () => {
  it('refuses a FIFO without blocking on it', async (context) => {
    const fifo = join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      context.skip('mkfifo is not available');
    }
    await expect(statSource(fifo)).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
    const regular = await statSource(await fresh(1));
    await expect(drain(sourceBytes(fifo, regular))).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it('refuses a symbolic link to a regular file, and a missing file', async () => {
    await fsp.writeFile(join(dir, 'real.txt'), 'evidence');
    await fsp.symlink(join(dir, 'real.txt'), join(dir, 'link.txt'));
    await expect(statSource(join(dir, 'link.txt'))).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
    const stat = await statSource(join(dir, 'real.txt'));
    await expect(drain(sourceBytes(join(dir, 'link.txt'), stat))).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
    await expect(statSource(join(dir, 'absent.txt'))).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_FOUND'));
  });

  it('gives every byte of an unchanged file, in fresh buffers', async () => {
    const source = await fresh(9 * 1024 * 1024 + 3);
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for await (const chunk of sourceBytes(source, await statSource(source))) {
      expect(seen.has(chunk.buffer)).toBe(false);
      seen.add(chunk.buffer);
      n += chunk.length;
    }
    expect(n).toBe(9 * 1024 * 1024 + 3);
  });

  it.each(CHANGES)('refuses a source that %s while it is read', async (_, change) => {
    const source = await fresh(100_000);
    const stat = await statSource(source);
    let changed = false;
    await expect(drain(sourceBytes(source, stat), () => void (changed || (change(source), (changed = true))))).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
  });

  it.each(CHANGES)('refuses a source that %s between its check and its read', async (_, change) => {
    const source = await fresh(100_000);
    const stat = await statSource(source);
    change(source);
    await expect(drain(sourceBytes(source, stat))).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
  });

  // A directory copies small files on worker threads, and a ZIP reads them whole there, both reporting progress
  // only once a file is done: there the bytes stream through this thread when an algorithm (BLAKE3) is one the
  // workers lack, and the workers' own checks are tested in copy-pool.test.ts and pack-zip-copy.test.ts.
  it.each(CHANGES)('packBundle refuses a source that %s while packed, in every form, leaving nothing', async (_, change) => {
    const { metadata } = await demoCase();
    for (const [name, algorithms] of [['dir', ['blake3']], ['x.zip', ['blake3']], ['x.cbor', []]] as const) {
      const work = await fsp.mkdtemp(join(dir, 'pack-'));
      const source = await fresh(100_000);
      let changed = false;
      const onProgress = (): void => void (changed || (change(source), (changed = true)));
      await expect(packBundle(join(work, name), { metadata, items: [{ id: 's', path: 's.bin', source }], onProgress, algorithms })).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
      expect(await fsp.readdir(work)).toEqual([]);
    }
  });
});
