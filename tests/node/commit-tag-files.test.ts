import { promises as fsp } from 'node:fs';
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
    for (const name of ['data/chat/export.json', COMMIT_JOURNAL, `evidence/x${PENDING_SUFFIX}`, '../outside']) {
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
