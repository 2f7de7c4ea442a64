import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError, type ErrorCode } from '../../src/index.js';
import { readRegularFile } from '../../src/node/index.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
let fifo: string | undefined;
beforeAll(async () => {
  dir = await tempDir('evb-read-regular-');
  await fsp.writeFile(join(dir, 'ten'), '0123456789');
  await fsp.symlink(join(dir, 'ten'), join(dir, 'link-to-ten'));
  await fsp.symlink('/dev/zero', join(dir, 'zero'));
  await fsp.symlink('/dev/urandom', join(dir, 'urandom'));
  await fsp.mkdir(join(dir, 'dir'));
  await fsp.writeFile(join(dir, 'sparse'), '');
  await fsp.truncate(join(dir, 'sparse'), 100 * 1024 ** 3);
  try {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    fifo = join(dir, 'fifo');
  } catch {
    // Without mkfifo the FIFO cases are skipped.
  }
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const code = (c: ErrorCode) => (e: unknown) => isEvidenceBundleError(e, c);

describe('readRegularFile', () => {
  it.each([
    ['a symbolic link to a file', 'link-to-ten', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a symbolic link to /dev/zero', 'zero', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a symbolic link to /dev/urandom', 'urandom', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a directory', 'dir', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['nothing', 'missing', 'ERR_SOURCE_NOT_FOUND'],
    ['a path through a file', 'ten/x', 'ERR_SOURCE_NOT_FOUND'],
  ] as const)('refuses %s with %s', async (_what, name, expected) => {
    await expect(readRegularFile(join(dir, name), 1024)).rejects.toSatisfy(code(expected));
  });

  it('refuses a FIFO with no writer without blocking', async (context) => {
    if (fifo === undefined) return context.skip();
    await expect(readRegularFile(fifo, 1024)).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
    await expect(readRegularFile(fifo, 1024, { followLinks: true })).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it('follows a link only when asked, and still refuses a device behind it', async () => {
    expect(Buffer.from((await readRegularFile(join(dir, 'link-to-ten'), 10, { followLinks: true })) as Uint8Array).toString()).toBe('0123456789');
    await expect(readRegularFile(join(dir, 'zero'), 1024, { followLinks: true })).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
    await expect(readRegularFile(join(dir, 'urandom'), 1024, { followLinks: true })).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it('judges the size before reading: a 100 GB sparse file is too large at once', async () => {
    expect(await readRegularFile(join(dir, 'sparse'), 64 * 1024)).toBe('too-large');
  });

  it('reads a file of exactly the limit and refuses one byte more', async () => {
    expect(Buffer.from((await readRegularFile(join(dir, 'ten'), 10)) as Uint8Array).toString()).toBe('0123456789');
    expect(await readRegularFile(join(dir, 'ten'), 9)).toBe('too-large');
    expect(await readRegularFile(join(dir, 'ten'), 0)).toBe('too-large');
  });

  it('refuses a limit that is not a number of bytes', async () => {
    await expect(readRegularFile(join(dir, 'ten'), -1)).rejects.toThrow(RangeError);
    await expect(readRegularFile(join(dir, 'ten'), Number.NaN)).rejects.toThrow(RangeError);
  });
});
