import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { joinChunks } from '../../src/internal/bytes.js';
import { openBundle } from '../../src/node/open-bundle.js';
import { DEMO_DIR, keyPair, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
  const code = await main(args, io);
  return { code, out, err };
}

/** Every file of a bundle in any form, with its bytes (the forms' sources list directories differently). */
async function contents(path: string): Promise<Map<string, Uint8Array>> {
  const opened = await openBundle(path);
  try {
    const out = new Map<string, Uint8Array>();
    for await (const entry of opened.source.list()) {
      if (entry.kind !== 'file') continue;
      const chunks: Uint8Array[] = [];
      for await (const c of opened.source.read(entry.path)) chunks.push(c);
      out.set(entry.path, joinChunks(chunks));
    }
    return out;
  } finally {
    await opened.close();
  }
}

const SPEC = (): string => join(DEMO_DIR, 'case.json');

beforeAll(async () => {
  dir = await tempDir('evb-cli-pack-file-');
  const key = await keyPair();
  await fsp.writeFile(join(dir, 'packager.jwk'), JSON.stringify(key.privateJwk));
  await fsp.writeFile(join(dir, 'trust.jwk'), JSON.stringify(key.publicJwk));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('evb pack --out FILE.zip | FILE.cbor', () => {
  it('refuses an existing output file and leaves it untouched, in either form', async () => {
    for (const name of ['taken.zip', 'taken.cbor']) {
      await fsp.writeFile(join(dir, name), 'mine\n');
      const r = await evb('pack', '--spec', SPEC(), '--out', name, '--quiet');
      expect(r.code, name).toBe(73);
      expect(r.err).toMatch(/ERR_TARGET_EXISTS/);
      expect(await fsp.readFile(join(dir, name), 'utf8')).toBe('mine\n');
    }
  });

  it.each(['case.zip', 'case.cbor', 'UPPER.ZIP'])('writes %s directly: VALID through evb verify, no directory or partial left beside it', async (name) => {
    const before = new Set(await fsp.readdir(dir));
    const r = await evb('pack', '--spec', SPEC(), '--out', name, '--alg', 'blake3', '--sign', 'packager=packager.jwk', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect((await fsp.stat(join(dir, name))).isFile()).toBe(true);
    expect((await fsp.readdir(dir)).filter((f) => !before.has(f))).toEqual([name]);
    const verified = await evb('verify', '--trust', 'trust.jwk', '--json', '--quiet', name);
    expect(verified.code, verified.out).toBe(0);
    expect(JSON.parse(verified.out).outcome).toBe('VALID');
  });

  it('writes a ZIP that unzip -t accepts', async () => {
    await evb('pack', '--spec', SPEC(), '--out', 'tested.zip', '--quiet');
    const out = execFileSync('unzip', ['-t', join(dir, 'tested.zip')], { encoding: 'utf8' });
    expect(out).toMatch(/No errors detected/);
  });

  it('gives the same bag as packing a directory and converting it: same files, same payload and BagIt declaration', async () => {
    expect((await evb('pack', '--spec', SPEC(), '--out', 'as-dir', '--alg', 'sha512', '--quiet')).code).toBe(0);
    expect((await evb('convert', 'as-dir', 'converted.zip')).code).toBe(0);
    for (const name of ['direct.zip', 'direct.cbor']) {
      expect((await evb('pack', '--spec', SPEC(), '--out', name, '--alg', 'sha512', '--quiet')).code).toBe(0);
      const direct = await contents(join(dir, name));
      const converted = await contents(join(dir, 'converted.zip'));
      expect([...direct.keys()].sort(), name).toEqual([...converted.keys()].sort());
      for (const [path, value] of converted) {
        // The manifest (bundleId, createdAt) and what hashes or signs it differ between two packs.
        if (path.startsWith('data/') || path === 'bagit.txt' || /^manifest-/.test(path)) expect(direct.get(path), path).toEqual(value);
      }
    }
  });
});
