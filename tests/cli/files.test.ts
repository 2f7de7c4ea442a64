import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile, readJsonFile } from '../../src/cli/commands/files.js';
import { isEvidenceBundleError, type ErrorCode } from '../../src/index.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
let fifo = true;
beforeAll(async () => {
  dir = await tempDir('evb-cli-files-');
  await fsp.writeFile(join(dir, 'key.jwk'), '{"kty":"OKP"}');
  await fsp.symlink(join(dir, 'key.jwk'), join(dir, 'link.jwk'));
  await fsp.symlink('/dev/zero', join(dir, 'zero.jwk'));
  await fsp.symlink('/dev/urandom', join(dir, 'urandom.jwk'));
  await fsp.writeFile(join(dir, 'sparse.jwk'), '');
  await fsp.truncate(join(dir, 'sparse.jwk'), 100 * 1024 ** 3);
  try {
    execFileSync('mkfifo', [join(dir, 'fifo.jwk')]);
  } catch {
    fifo = false;
  }
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const code = (c: ErrorCode) => (e: unknown) => isEvidenceBundleError(e, c);

describe("evb's own input files (keys, trust policies, certificates)", () => {
  it.each([
    ['a symbolic link to /dev/zero', 'zero.jwk', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a symbolic link to /dev/urandom', 'urandom.jwk', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a directory', '.', 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['nothing', 'missing.jwk', 'ERR_SOURCE_NOT_FOUND'],
  ] as const)('refuses %s', async (_what, name, expected) => {
    await expect(readJsonFile(join(dir, name))).rejects.toSatisfy(code(expected));
    await expect(readInputFile(join(dir, name), 1024)).rejects.toSatisfy(code(expected));
  });

  it('refuses a FIFO with no writer without blocking', async (context) => {
    if (!fifo) return context.skip();
    await expect(readJsonFile(join(dir, 'fifo.jwk'))).rejects.toSatisfy(code('ERR_SOURCE_NOT_REGULAR_FILE'));
  });

  it('refuses a 100 GB sparse file by its size, before reading', async () => {
    await expect(readJsonFile(join(dir, 'sparse.jwk'))).rejects.toSatisfy(code('ERR_JSON_TOO_LARGE'));
    await expect(readInputFile(join(dir, 'sparse.jwk'), 1024 * 1024)).rejects.toSatisfy(code('ERR_LIMIT_EXCEEDED'));
  });

  it('follows a link the user gives to a regular file', async () => {
    expect(await readJsonFile(join(dir, 'link.jwk'))).toEqual({ kty: 'OKP' });
    await expect(readJsonFile(join(dir, 'key.jwk'), 12)).rejects.toSatisfy(code('ERR_JSON_TOO_LARGE'));
    expect(await readJsonFile(join(dir, 'key.jwk'), 13)).toEqual({ kty: 'OKP' });
  });
});
