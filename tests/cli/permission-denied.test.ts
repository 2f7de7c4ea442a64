// A bundle that cannot be read for want of permission is an I/O error (ERR_IO, exit 74, "permission denied"),
// never "not found" (exit 66). Root reads everything whatever the modes, so evb runs as `nobody` through
// setpriv: a real kernel refusal, not a mock.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const run = promisify(execFile);
const EVB = join(REPO_ROOT, 'src', 'cli', 'evb.ts');
const CAN_DROP = process.getuid?.() === 0 && (await run('setpriv', ['--version']).then(() => true, () => false));

async function evbAsNobody(...args: string[]): Promise<{ code: number; err: string }> {
  try {
    await run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx', EVB, ...args], { cwd: REPO_ROOT });
    return { code: 0, err: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, err: e.stderr };
  }
}

describe.skipIf(!CAN_DROP)('evb on a bundle it may not read', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = await tempDir('evb-perm-');
    await fsp.chmod(dir, 0o755);
    bundle = await packDemo(dir, { name: 'b' });
    await run('chmod', ['-R', 'a+rX', bundle]);
  });
  afterAll(async () => {
    await run('chmod', ['-R', 'u+rwX', dir]);
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const denied = (r: { code: number; err: string }) => {
    expect(r.code, r.err).toBe(74);
    expect(r.err).toMatch(/ERR_IO/);
    expect(r.err).toMatch(/permission denied/);
    expect(r.err).not.toMatch(/ERR_SOURCE_NOT_FOUND/);
  };

  it('reads it when permitted (the control)', async () => {
    const r = await evbAsNobody('check', bundle, '--quiet');
    expect(r.code, r.err).toBe(0);
  }, 60_000);

  // inspect reads tag files only, so a payload file it never opens cannot deny it anything.
  const ALL = ['check', 'verify', 'inspect'];
  it.each([
    ['the bundle directory unreadable', (b: string) => b, 0o000, ALL],
    ['the bundle directory listable but not searchable', (b: string) => b, 0o444, ALL],
    ['its parent not searchable', (b: string) => join(b, '..'), 0o700, ALL],
    ['its tag directory unreadable', (b: string) => join(b, 'evidence'), 0o000, ALL],
    ['the manifest unreadable', (b: string) => join(b, 'evidence', 'manifest.json'), 0o000, ALL],
    ['a payload directory unreadable', (b: string) => join(b, 'data', 'logs'), 0o000, ['check', 'verify']],
    ['a payload file unreadable', (b: string) => join(b, 'data', 'logs', 'access.log'), 0o000, ['check', 'verify']],
  ])('is ERR_IO with %s', async (_, target, mode, commands) => {
    const path = target(bundle);
    const before = (await fsp.stat(path)).mode & 0o777;
    await fsp.chmod(path, mode);
    try {
      for (const command of commands) denied(await evbAsNobody(command, bundle, ...(command === 'inspect' ? [] : ['--quiet'])));
    } finally {
      await fsp.chmod(path, before);
    }
  }, 120_000);
});
