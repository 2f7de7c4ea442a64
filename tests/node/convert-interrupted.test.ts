// Conversion is atomic like pack (docs/DESIGN.md): `evb convert` killed at any moment leaves no bundle under the
// target name, only a hidden partial beside it, and the next conversion to the same target removes that partial
// (src/node/partial-path.ts), whichever form the target has.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertBundle, packBundle, verifyBundleAt } from '../../src/node/index.js';
import { demoCase, keyPair, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

const EVB = join(import.meta.dirname, '..', '..', 'src', 'cli', 'evb.ts');
let dir: string;
let bundle: string;
let packager: KeyPair;

beforeAll(async () => {
  dir = await tempDir('evb-convert-kill-');
  packager = await keyPair();
  // Sparse: 256 MiB that take no disk, but long enough to convert that a kill lands while the partial is written.
  const huge = join(dir, 'huge.bin');
  await fsp.writeFile(huge, '');
  await fsp.truncate(huge, 256 * 1024 * 1024);
  const { metadata, items } = await demoCase();
  bundle = join(dir, 'bundle');
  const all = [...items, { ...items[0]!, id: 'huge', path: 'huge.bin', source: huge, mediaType: 'application/octet-stream' }];
  await packBundle(bundle, { metadata, items: all, signers: [{ signer: packager.signer, role: 'packager' }] });
}, 120_000);
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Bytes written so far into a partial (a file, or a directory's copy of the large item). */
async function written(partial: string): Promise<number> {
  const stat = await fsp.stat(partial).catch(() => undefined);
  if (stat === undefined) return 0;
  if (stat.isFile()) return stat.size;
  return fsp.stat(join(partial, 'data', 'huge.bin')).then((s) => s.size, () => 0);
}

/** Starts `evb convert bundle work/name`, kills it with SIGKILL once its partial holds bytes, returns the partial. */
async function killMidway(work: string, name: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', EVB, 'convert', bundle, join(work, name)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<string | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  try {
    for (let i = 0; i < 6000; i++) {
      const [partial] = (await fsp.readdir(work)).filter((n) => n.startsWith(`.${name}.partial-`));
      if (partial !== undefined && (await written(join(work, partial))) > 0) {
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        return partial;
      }
      if (child.exitCode !== null) throw new Error(`evb convert ended before it wrote: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('evb convert did not start writing');
  } finally {
    child.kill('SIGKILL');
  }
}

describe('evb convert killed', () => {
  it.each(['out.zip', 'out'])('into %s: only a partial beside the target, which the next conversion removes', async (name) => {
    const work = await fsp.mkdtemp(join(dir, 'kill-'));
    const stale = await killMidway(work, name);
    expect(await fsp.readdir(work)).toEqual([stale]);

    await convertBundle(bundle, join(work, name));
    expect(await fsp.readdir(work)).toEqual([name]);
    const report = await verifyBundleAt(join(work, name), { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('VALID');
  }, 180_000);

  it('a partial whose conversion still runs is left alone by another conversion to the same target', async () => {
    const work = await fsp.mkdtemp(join(dir, 'live-'));
    // A partial named after this very process, which is running.
    const live = `.out.zip.partial-${process.pid}-000000000000`;
    await fsp.writeFile(join(work, live), 'being written');
    await convertBundle(bundle, join(work, 'out.zip'));
    expect((await fsp.readdir(work)).sort()).toEqual([live, 'out.zip'].sort());
  }, 180_000);
});
