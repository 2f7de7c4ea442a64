import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DEMO_DIR, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTTY: false, cwd: dir });
  return { code, out, err };
}
const spec = join(DEMO_DIR, 'case.json');

beforeAll(async () => {
  dir = await tempDir('evb-in-place-cli-');
  expect((await evb('keygen', '--out', 'k.jwk', '--public', 'k.pub.jwk')).code).toBe(0);
});

describe('evb pack --in-place', () => {
  it('makes the directory a signed bundle that verifies VALID', async () => {
    await fsp.mkdir(join(dir, 'prod', 'chats'), { recursive: true });
    await fsp.writeFile(join(dir, 'prod', 'chats', 'a.json'), '{"m":"hi"}');
    const ino = (await fsp.stat(join(dir, 'prod', 'chats', 'a.json'))).ino;
    const r = await evb('pack', '--in-place', 'prod', '--spec', spec, '--sign', 'packager=k.jwk', '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^packed 1 items into prod\n/);
    expect((await fsp.stat(join(dir, 'prod', 'data', 'chats', 'a.json'))).ino).toBe(ino);
    const v = await evb('verify', 'prod', '--trust', 'k.pub.jwk');
    expect(v.code).toBe(0);
    // Packing it again is refused: it is a bag already (exit 73, output exists).
    const again = await evb('pack', '--in-place', 'prod', '--spec', spec, '--quiet');
    expect(again.err).toMatch(/ERR_TARGET_EXISTS/);
    expect(again.code).toBe(73);
  });

  it('refuses --in-place with --out or inputs (usage, exit 64)', async () => {
    expect((await evb('pack', '--in-place', 'prod', '--out', 'x', '--spec', spec)).code).toBe(64);
    expect((await evb('pack', '--in-place', 'prod', 'file', '--spec', spec)).code).toBe(64);
  });
});
