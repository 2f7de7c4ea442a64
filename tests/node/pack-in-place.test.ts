import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { packBundleInPlace, recoverInPlace, verifyBundleDirectory } from '../../src/node/index.js';
import { forgetRunningInPlace, packInPlace } from '../../src/node/pack-in-place.js';
import { demoCase, keyPair, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);

/** A fresh directory of evidence: nested files, one empty file. */
async function evidenceDir(): Promise<string> {
  const root = join(dir, `ev${n++}`);
  await fsp.mkdir(join(root, 'mail', 'inbox'), { recursive: true });
  await fsp.writeFile(join(root, 'mail', 'inbox', '1.eml'), 'From: a\n\nhello');
  await fsp.writeFile(join(root, 'mail', 'inbox', '2.eml'), 'From: b\n\nbye');
  await fsp.writeFile(join(root, 'log.txt'), 'line 1\nline 2\n');
  await fsp.writeFile(join(root, 'empty.bin'), '');
  return root;
}

/** Every path below root with its type, and each file's SHA-256 and inode: what "as it was" means. */
async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(root, { withFileTypes: true, recursive: true })) {
    const full = join(e.parentPath, e.name);
    const st = await fsp.lstat(full);
    const rel = full.slice(root.length);
    if (st.isFile()) out.push(`${rel} f ${st.ino} ${createHash('sha256').update(await fsp.readFile(full)).digest('hex')}`);
    else if (st.isSymbolicLink()) out.push(`${rel} l ${await fsp.readlink(full)}`);
    else out.push(`${rel} ${st.isDirectory() ? 'd' : 'o'}`);
  }
  return out.sort();
}

describe('packBundleInPlace', () => {
  it('moves the files under data/ without touching their bytes or inodes, and the result verifies VALID', async () => {
    const root = await evidenceDir();
    const before = await snapshot(root);
    const { metadata } = await demoCase();
    const key = await keyPair();
    const { manifest } = await packBundleInPlace(root, { metadata, signers: [{ signer: key.signer, role: 'packager' }], items: [{ id: 'first-mail', path: 'mail/inbox/1.eml' }] });
    expect(manifest.items.map((i) => i.path).sort()).toEqual(['empty.bin', 'log.txt', 'mail/inbox/1.eml', 'mail/inbox/2.eml']);
    expect(manifest.items.find((i) => i.path === 'mail/inbox/1.eml')!.id).toBe('first-mail');
    const names = (await fsp.readdir(root)).sort();
    expect(names).toEqual(['bag-info.txt', 'bagit.txt', 'data', 'evidence', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']);
    // Same inodes, same bytes, now under data/.
    const after = (await snapshot(join(root, 'data'))).map((line) => line);
    expect(after).toEqual(before);
    const report = await verifyBundleDirectory(root, { trustedKeys: [key.publicJwk] });
    expect(report.outcome).toBe('VALID');
  });

  it('hashes on the copy workers and, with BLAKE3 (which they lack), on this thread: the same digests, both VALID', async () => {
    const { metadata } = await demoCase();
    const key = await keyPair();
    const packed = [];
    for (const algorithms of [['sha512'], ['sha512', 'blake3']] as const) {
      const root = await evidenceDir();
      const { manifest } = await packBundleInPlace(root, { metadata, algorithms: [...algorithms], signers: [{ signer: key.signer, role: 'packager' }] });
      expect((await verifyBundleDirectory(root, { trustedKeys: [key.publicJwk] })).outcome).toBe('VALID');
      const log = manifest.items.find((i) => i.path === 'log.txt')!;
      expect(log.digests!.sha256).toBe(createHash('sha256').update('line 1\nline 2\n').digest('hex'));
      expect(log.digests!.sha512).toBe(createHash('sha512').update('line 1\nline 2\n').digest('hex'));
      packed.push(Object.fromEntries(manifest.items.map((i) => [i.path, [i.size, i.digests!.sha256, i.digests!.sha512]])));
    }
    expect(packed[1]).toEqual(packed[0]);
  });

  const refusals: Array<[string, (root: string) => Promise<void>, string]> = [
    ['a bag already (bagit.txt)', (r) => fsp.writeFile(join(r, 'bagit.txt'), 'BagIt-Version: 1.0\n'), 'ERR_TARGET_EXISTS'],
    ['a data directory', (r) => fsp.mkdir(join(r, 'data')), 'ERR_TARGET_EXISTS'],
    ['a DATA directory (case folded)', (r) => fsp.mkdir(join(r, 'DATA')), 'ERR_TARGET_EXISTS'],
    ['a symbolic link deep inside', (r) => fsp.symlink('/etc/passwd', join(r, 'mail', 'inbox', 'link')), 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a dangling symbolic link at the top', (r) => fsp.symlink('nowhere', join(r, 'dangling')), 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['a link to a directory', (r) => fsp.symlink(join(r, 'mail'), join(r, 'mail-link')), 'ERR_SOURCE_NOT_REGULAR_FILE'],
    ['an empty directory', (r) => fsp.mkdir(join(r, 'mail', 'empty')), 'ERR_PATH_UNSAFE'],
    ['a name the path rules refuse (backslash)', (r) => fsp.writeFile(join(r, 'a\\b'), 'x'), 'ERR_PATH_UNSAFE'],
    ['a name the path rules refuse (colon)', (r) => fsp.writeFile(join(r, 'mail', 'a:b'), 'x'), 'ERR_PATH_UNSAFE'],
    ['names that collide after case folding', (r) => fsp.writeFile(join(r, 'LOG.txt'), 'x'), 'ERR_PATH_COLLISION'],
    ['a name reserved for staging', (r) => fsp.mkdir(join(r, '.evb-in-place-mine')), 'ERR_PATH_UNSAFE'],
  ];
  for (const [what, spoil, code] of refusals) {
    it(`refuses ${what} with ${code}, leaving the directory exactly as it was`, async () => {
      const root = await evidenceDir();
      await spoil(root);
      const before = await snapshot(root);
      const { metadata } = await demoCase();
      await expect(packBundleInPlace(root, { metadata })).rejects.toSatisfy(hasCode(code));
      expect(await snapshot(root)).toEqual(before);
    });
  }

  it('refuses a FIFO, leaving the directory as it was', async () => {
    const root = await evidenceDir();
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(root, 'mail', 'pipe')]);
    const before = await snapshot(root);
    const { metadata } = await demoCase();
    await expect(packBundleInPlace(root, { metadata })).rejects.toSatisfy(hasCode('ERR_SOURCE_NOT_REGULAR_FILE'));
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses a bad signer role before anything changes', async () => {
    const root = await evidenceDir();
    const before = await snapshot(root);
    const { metadata } = await demoCase();
    const key = await keyPair();
    await expect(packBundleInPlace(root, { metadata, signers: [{ signer: key.signer, role: 'nobody' }] })).rejects.toThrow(TypeError);
    expect(await snapshot(root)).toEqual(before);
  });

  // Steps: stage, journal, rename:0 (data/), rename:1..3 (the three top-level entries), rename:4.. (tag files), commit.
  const steps = ['stage', 'journal', 'rename:0', 'rename:1', 'rename:2', 'rename:3', 'rename:4', 'rename:6', 'rename:8', 'commit'];
  for (const step of steps) {
    it(`a failure at ${step} is rolled back at once: the directory is as it was`, async () => {
      const root = await evidenceDir();
      const before = await snapshot(root);
      const { metadata } = await demoCase();
      const hooks = { step: (s: string) => { if (s === step) throw new Error(`injected at ${s}`); } };
      await expect(packInPlace(root, { metadata }, hooks)).rejects.toThrow(`injected at ${step}`);
      expect(await snapshot(root)).toEqual(before);
    });

    it(`a crash at ${step} (nothing cleaned up) is rolled back by the next run, which then packs`, async () => {
      const root = await evidenceDir();
      const before = await snapshot(root);
      const { metadata } = await demoCase();
      // A crash: the hook never returns, so no clean-up runs; the state on disk is what a kill leaves.
      let reached!: () => void;
      const atStep = new Promise<void>((r) => (reached = r));
      void packInPlace(root, { metadata }, { step: (s) => (s === step ? (reached(), new Promise<void>(() => undefined)) : undefined) });
      await atStep;
      // While it runs it is never rolled back.
      await expect(recoverInPlace(root)).rejects.toSatisfy(hasCode('ERR_TARGET_EXISTS'));
      forgetRunningInPlace();
      const found = await recoverInPlace(root);
      expect(found.length).toBe(1);
      expect(await snapshot(root)).toEqual(before);
      await packBundleInPlace(root, { metadata });
      expect((await verifyBundleDirectory(root)).findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }

  it('a staging directory left after the commit point is removed, and the bag stays whole', async () => {
    const root = await evidenceDir();
    const { metadata } = await demoCase();
    await packBundleInPlace(root, { metadata });
    await fsp.mkdir(join(root, '.evb-in-place-0123456789abcdef', 'tags'), { recursive: true });
    await fsp.writeFile(join(root, '.evb-in-place-0123456789abcdef', 'marker'), 'evidence-bundle in-place pack, process 999999999\n');
    const before = await snapshot(join(root, 'data'));
    await expect(packBundleInPlace(root, { metadata })).rejects.toSatisfy(hasCode('ERR_TARGET_EXISTS'));
    expect((await fsp.readdir(root)).some((x) => x.startsWith('.evb-in-place-'))).toBe(false);
    expect(await snapshot(join(root, 'data'))).toEqual(before);
    expect((await verifyBundleDirectory(root)).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it("leaves alone a directory of the user's with the staging name that evb did not make", async () => {
    for (const [marker, extra] of [['', undefined], ['12345', undefined], ['evidence-bundle in-place pack, process 999999999\n', 'notes.txt']] as const) {
      const root = await evidenceDir();
      const own = join(root, '.evb-in-place-0123456789abcdef');
      await fsp.mkdir(own);
      await fsp.writeFile(join(own, 'marker'), marker);
      if (extra !== undefined) await fsp.writeFile(join(own, extra), 'mine');
      const before = await snapshot(root);
      const { metadata } = await demoCase();
      await expect(packBundleInPlace(root, { metadata })).rejects.toSatisfy(hasCode('ERR_PATH_UNSAFE'));
      expect(await recoverInPlace(root)).toEqual([]);
      expect(await snapshot(root)).toEqual(before);
    }
  });

  it('refuses a journal it did not write, changing nothing', async () => {
    const root = await evidenceDir();
    const staging = join(root, '.evb-in-place-0123456789abcdef');
    await fsp.mkdir(staging);
    await fsp.writeFile(join(staging, 'marker'), 'evidence-bundle in-place pack, process 999999999\n');
    for (const bad of ['{', '{"entries":["../x"],"tags":[]}', '{"entries":["a/b"],"tags":[]}', '[]', '{"entries":[1],"tags":[]}']) {
      await fsp.writeFile(join(staging, 'journal.json'), bad);
      const before = await snapshot(root);
      const { metadata } = await demoCase();
      await expect(packBundleInPlace(root, { metadata })).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
      expect(await snapshot(root)).toEqual(before);
    }
  });

  for (const step of ['journal', 'rename:2', 'rename:6', 'commit']) {
    it(`a real SIGKILL of a child at ${step} is rolled back by the next run`, async () => {
      const root = await evidenceDir();
      const before = await snapshot(root);
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pack-in-place-child.ts'), root, step], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes(`at ${step}`)) resolve();
        });
        child.on('exit', () => reject(new Error(`child ended early: ${out}`)));
      });
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect((await fsp.readdir(root)).some((x) => x.startsWith('.evb-in-place-'))).toBe(true);
      expect(await recoverInPlace(root)).toHaveLength(1);
      expect(await snapshot(root)).toEqual(before);
    }, 60_000);
  }

  it('rolls back correctly when top-level names equal the tag files\' own names', async () => {
    const root = await evidenceDir();
    await fsp.writeFile(join(root, 'manifest-sha256.txt'), 'mine');
    await fsp.mkdir(join(root, 'evidence'));
    await fsp.writeFile(join(root, 'evidence', 'manifest.json'), '{}');
    const before = await snapshot(root);
    const { metadata } = await demoCase();
    for (let k = 0; k < 11; k++) {
      await expect(packInPlace(root, { metadata }, { step: (s) => { if (s === `rename:${k}`) throw new Error('injected'); } })).rejects.toThrow('injected');
      expect(await snapshot(root)).toEqual(before);
    }
    await packBundleInPlace(root, { metadata });
    expect(await fsp.readFile(join(root, 'data', 'manifest-sha256.txt'), 'utf8')).toBe('mine');
    expect((await verifyBundleDirectory(root)).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
