import { execFileSync } from 'node:child_process';
import { appendFileSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { copyAndHash } from '../../src/node/copy-and-hash.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);

describe('copyAndHash', () => {
  it('refuses a FIFO without blocking on it and creates no target', async (context) => {
    const fifo = join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      context.skip('mkfifo is not available');
    }
    await expect(copyAndHash(fifo, join(dir, 'pipe-copy'), { algorithms: [] })).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
    await expect(fsp.lstat(join(dir, 'pipe-copy'))).rejects.toThrow();
  });

  it('refuses a symbolic link to a regular file', async () => {
    await fsp.writeFile(join(dir, 'real.txt'), 'evidence');
    await fsp.symlink(join(dir, 'real.txt'), join(dir, 'link.txt'));
    await expect(copyAndHash(join(dir, 'link.txt'), join(dir, 'link-copy'), { algorithms: [] })).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it.each([
    ['grows', (path: string) => appendFileSync(path, 'more')],
    ['is replaced', (path: string) => execFileSync('sh', ['-c', 'cp "$0" "$0.new" && mv "$0.new" "$0"', path])],
  ])('refuses a source that %s while it is copied', async (_, change) => {
    const source = join(dir, `changing-${Math.random().toString(36).slice(2)}.bin`);
    await fsp.writeFile(source, new Uint8Array(100_000).fill(7));
    let changed = false;
    const onProgress = (): void => {
      if (!changed) change(source);
      changed = true;
    };
    await expect(copyAndHash(source, `${source}.copy`, { algorithms: [], onProgress })).rejects.toSatisfy(hasCode('ERR_SOURCE_CHANGED'));
  });
});
