import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { openBundleDirectory, signBundleDirectory, verifyBundleDirectory } from '../../src/node/index.js';
import { COMMIT_JOURNAL, commitTagFiles, PENDING_SUFFIX, recoverInterruptedCommit } from '../../src/node/commit-tag-files.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

let dir: string;
let packager: KeyPair;
let certifier: KeyPair;
beforeAll(async () => {
  dir = await tempDir();
  [packager, certifier] = await Promise.all([keyPair(), keyPair('ES384')]);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function read(source: Awaited<ReturnType<typeof openBundleDirectory>>, path: string): Promise<string> {
  let text = '';
  for await (const c of source.read(path)) text += Buffer.from(c).toString('utf8');
  return text;
}

describe('atomic tag-file updates', () => {
  it('adds a signature without touching earlier ones or the payload', async () => {
    const b = await packDemo(dir, { name: 'sign', packager });
    const before = await fsp.readFile(join(b, 'evidence', 'signatures.json'), 'utf8');
    const payloadBefore = await fsp.readFile(join(b, 'manifest-sha256.txt'), 'utf8');
    const { index } = await signBundleDirectory(b, { signer: certifier.signer, role: 'certifier' });
    expect(index).toBe(1);
    const after = JSON.parse(await fsp.readFile(join(b, 'evidence', 'signatures.json'), 'utf8')) as { signatures: unknown[] };
    expect(after.signatures[0]).toEqual((JSON.parse(before) as { signatures: unknown[] }).signatures[0]);
    expect(await fsp.readFile(join(b, 'manifest-sha256.txt'), 'utf8')).toBe(payloadBefore);
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk, certifier.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(report.signatures.map((s) => s.role)).toEqual(['packager', 'certifier']);
    expect((await fsp.readdir(b)).filter((n) => n.startsWith('.evb'))).toEqual([]);
  });

  it('refuses to replace payload files or protocol files', async () => {
    const b = await packDemo(dir, { name: 'refuse' });
    const names = ['data/chat/export.json', 'DATA/chat/export.json', 'data', COMMIT_JOURNAL, `${COMMIT_JOURNAL}.tmp`, `evidence/x${PENDING_SUFFIX}`, '../outside'];
    for (const name of names) {
      await expect(commitTagFiles(b, new Map([[name, new Uint8Array(1)]]))).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_PATH_UNSAFE'));
    }
  });

  it('shows readers the old state when a crash came before the commit point', async () => {
    const b = await packDemo(dir, { name: 'before-commit', packager });
    await fsp.writeFile(join(b, `evidence/signatures.json${PENDING_SUFFIX}`), 'half-written');
    const source = await openBundleDirectory(b);
    expect(await read(source, 'evidence/signatures.json')).not.toBe('half-written');
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(await recoverInterruptedCommit(b)).toBe('discarded');
    await expect(fsp.stat(join(b, `evidence/signatures.json${PENDING_SUFFIX}`))).rejects.toThrow();
  });

  it('shows readers the new state when a crash came after the commit point, and completes it', async () => {
    const b = await packDemo(dir, { name: 'after-commit', packager });
    const reference = await packDemo(dir, { name: 'after-commit-ref', packager });
    await signBundleDirectory(reference, { signer: certifier.signer, role: 'certifier' });
    // Reproduce the state right after the journal rename: new versions beside the old, journal present.
    const changed = ['evidence/signatures.json', 'tagmanifest-sha256.txt'];
    for (const name of changed) await fsp.copyFile(join(reference, name), join(b, name + PENDING_SUFFIX));
    // The bundles differ in id and time; give b the reference's manifest so the signatures apply.
    for (const name of ['evidence/manifest.json', 'bag-info.txt', 'manifest-sha256.txt']) {
      await fsp.rm(join(b, name), { force: true });
      await fsp.copyFile(join(reference, name), join(b, name));
    }
    await fsp.writeFile(join(b, COMMIT_JOURNAL), JSON.stringify({ files: changed }));
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk, certifier.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(report.signatures).toHaveLength(2);
    expect(await recoverInterruptedCommit(b)).toBe('completed');
    expect((await fsp.readdir(b)).filter((n) => n.startsWith('.evb'))).toEqual([]);
    expect((await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk, certifier.publicJwk] })).signatures).toHaveLength(2);
  });
});

describe('tag-file updates in a bundle someone else made', () => {
  const hasCode = (code: string) => (e: unknown) => isEvidenceBundleError(e, code as never);
  let outside: string;
  beforeAll(async () => {
    outside = await fsp.mkdtemp(join(tmpdir(), 'evb-outside-'));
  });
  afterAll(async () => {
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it('never lets a journal in the bundle replace a payload file', async () => {
    const b = await packDemo(dir, { name: 'hostile-journal', packager });
    const payload = join(b, 'data', 'chat', 'export.json');
    const original = await fsp.readFile(payload);
    await fsp.writeFile(`${payload}${PENDING_SUFFIX}`, 'forged evidence');
    await fsp.writeFile(join(b, COMMIT_JOURNAL), JSON.stringify({ files: ['data/chat/export.json'] }));
    // Readers ignore such a journal: they see the payload as it is.
    expect(await read(await openBundleDirectory(b), 'data/chat/export.json')).toBe(original.toString('utf8'));
    await expect(recoverInterruptedCommit(b)).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
    await expect(commitTagFiles(b, new Map([['evidence/note.txt', new Uint8Array(1)]]))).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
    expect(Buffer.compare(await fsp.readFile(payload), original)).toBe(0);
    await expect(fsp.stat(join(b, 'evidence', 'note.txt'))).rejects.toThrow();
  });

  it.each([['not json'], ['null'], ['{"files":"x"}'], ['{"files":["../x"]}'], ['{"files":["Data/x"]}']])(
    'refuses the malformed journal %s with ERR_BAG_INVALID',
    async (journal) => {
      const b = await packDemo(dir, { name: `bad-journal-${Math.random().toString(36).slice(2)}` });
      await fsp.writeFile(join(b, COMMIT_JOURNAL), journal);
      await expect(recoverInterruptedCommit(b)).rejects.toSatisfy(hasCode('ERR_BAG_INVALID'));
    },
  );

  it('never renames through a symbolic link the journal points into', async () => {
    const b = await packDemo(dir, { name: 'journal-through-link' });
    await fsp.writeFile(join(outside, 'victim'), 'keep');
    await fsp.writeFile(join(outside, `victim${PENDING_SUFFIX}`), 'planted');
    await fsp.symlink(outside, join(b, 'ext'));
    await fsp.writeFile(join(b, COMMIT_JOURNAL), JSON.stringify({ files: ['ext/victim'] }));
    await expect(recoverInterruptedCommit(b)).rejects.toSatisfy(hasCode('ERR_PATH_UNSAFE'));
    expect(await fsp.readFile(join(outside, 'victim'), 'utf8')).toBe('keep');
    expect(await fsp.readFile(join(outside, `victim${PENDING_SUFFIX}`), 'utf8')).toBe('planted');
  });

  it('never writes through a tag directory that is a symbolic link', async () => {
    const b = await packDemo(dir, { name: 'tag-dir-link' });
    const target = join(outside, 'evidence-elsewhere');
    await fsp.rename(join(b, 'evidence'), target);
    await fsp.symlink(target, join(b, 'evidence'));
    const before = (await fsp.readdir(target)).sort();
    await expect(commitTagFiles(b, new Map([['evidence/signatures.json', new Uint8Array(1)]]))).rejects.toSatisfy(hasCode('ERR_PATH_UNSAFE'));
    await expect(commitTagFiles(b, new Map([['evidence/sub/new.txt', new Uint8Array(1)]]))).rejects.toSatisfy(hasCode('ERR_PATH_UNSAFE'));
    expect((await fsp.readdir(target)).sort()).toEqual(before);
    expect((await fsp.readdir(b)).filter((n) => n.startsWith('.evb'))).toEqual([]);
  });
});
