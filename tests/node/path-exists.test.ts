import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../src/node/path-exists.js';

describe('pathExists', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'evb-exists-'));
    await fsp.writeFile(join(dir, 'file'), 'x');
    await fsp.symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
  });
  afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

  it('refuses to answer "free" when it cannot tell: a path through a regular file is an error, not false', async () => {
    await expect(pathExists(join(dir, 'file', 'out.zip'))).rejects.toMatchObject({ code: 'ERR_SOURCE_NOT_FOUND' });
  });

  it('counts a dangling symbolic link as taken (never followed), and a missing name as free', async () => {
    expect(await pathExists(join(dir, 'dangling'))).toBe(true);
    expect(await pathExists(join(dir, 'file'))).toBe(true);
    expect(await pathExists(join(dir, 'missing'))).toBe(false);
  });
});
