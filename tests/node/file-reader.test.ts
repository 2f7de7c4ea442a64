import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { isEvidenceBundleError, type ErrorCode } from '../../src/index.js';
import { fileReader } from '../../src/node/index.js';
import { openZipSource } from '../../src/zip/open-zip-source.js';
import { buildBag } from '../bagit/bags.js';
import { tempDir } from '../helpers/bundle-fixture.js';
import { zipFiles } from '../zip/zip-helpers.js';

let dir: string;
let fifo: string | undefined;
beforeAll(async () => {
  dir = await tempDir('evb-file-reader-');
  await fsp.writeFile(join(dir, 'bag.zip'), await zipFiles(buildBag()));
  await fsp.symlink(join(dir, 'bag.zip'), join(dir, 'link.zip'));
  await fsp.mkdir(join(dir, 'dir.zip'));
  try {
    execFileSync('mkfifo', [join(dir, 'fifo.zip')]);
    fifo = join(dir, 'fifo.zip');
  } catch {
    // Without mkfifo the FIFO case is skipped.
  }
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const code = (c: ErrorCode) => (e: unknown) => isEvidenceBundleError(e, c);

describe('fileReader', () => {
  it.each([
    ['a symbolic link', 'link.zip', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a directory', 'dir.zip', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['nothing', 'missing.zip', 'ERR_SOURCE_NOT_FOUND'],
  ] as const)('refuses %s', async (_, name, expected) => {
    await expect(fileReader(join(dir, name))).rejects.toSatisfy(code(expected));
  });

  it('refuses a FIFO without blocking', { timeout: 5_000 }, async () => {
    if (fifo === undefined) return;
    await expect(fileReader(fifo)).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it('reads exact ranges, and fewer bytes when the file shrank', async () => {
    const path = join(dir, 'ten');
    await fsp.writeFile(path, '0123456789');
    const reader = await fileReader(path);
    try {
      expect(reader.size).toBe(10);
      expect(new TextDecoder().decode(await reader.read(3, 4))).toBe('3456');
      await fsp.truncate(path, 5);
      expect(new TextDecoder().decode(await reader.read(3, 4))).toBe('34');
    } finally {
      await reader.close();
    }
  });

  it('reads into a buffer it is given: all of it, or what is left where the file ends', async () => {
    const path = join(dir, 'ten-into');
    await fsp.writeFile(path, '0123456789');
    const reader = await fileReader(path);
    try {
      const target = new Uint8Array(4).fill(0x2d);
      expect(await reader.readInto!(target, 2)).toBe(4);
      expect(new TextDecoder().decode(target)).toBe('2345');
      target.fill(0x2d);
      expect(await reader.readInto!(target, 8)).toBe(2);
      expect(new TextDecoder().decode(target)).toBe('89--');
    } finally {
      await reader.close();
    }
  });

  it('validateBag over openZipSource of a zipped valid bag on disk is valid', async () => {
    const reader = await fileReader(join(dir, 'bag.zip'));
    try {
      const result = await validateBag(await openZipSource(reader));
      expect(result.findings).toEqual([]);
      expect(result.valid).toBe(true);
    } finally {
      await reader.close();
    }
  });
});
