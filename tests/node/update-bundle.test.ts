// Signing, custody append and timestamping on the single-file forms (ZIP, CBOR): the file is rewritten beside
// the old one and renamed over it, every payload byte kept, and every check of the directory path still applies.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/index.js';
import { CUSTODY_FILE, SIGNATURES_FILE } from '../../src/model/layout.js';
import { appendCustodyEvent, openBundle, signBundleDirectory, timestampBundleDirectory, verifyBundleAt } from '../../src/node/index.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { cborTree, readTree, zipTree } from '../helpers/forms.js';
import { OPENSSL_AVAILABLE } from '../helpers/openssl-pki.js';
import { startOpensslTsa } from '../helpers/openssl-tsa.js';

const FORMS = ['zip', 'cbor'] as const;
type Form = (typeof FORMS)[number];
const actor = { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' as const };
const accessed = { type: 'accessed' as const, actor, items: 'all' as const, place: 'Lyon', purpose: 'review' };

let root: string;
let directory: string;
let original: Map<string, Uint8Array>;
let packager: KeyPair;
let certifier: KeyPair;
let counter = 0;

beforeAll(async () => {
  root = await tempDir('evb-update-forms-');
  [packager, certifier] = await Promise.all([keyPair(), keyPair('ES256')]);
  directory = await packDemo(root, { packager });
  original = await readTree(directory);
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

/** A fresh copy of the packed bundle in the given form, alone in its own directory. */
async function single(form: Form, from = directory): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await fsp.mkdir(dir);
  const path = join(dir, `case.${form}`);
  await (form === 'zip' ? zipTree(from, path) : cborTree(from, path));
  return path;
}

/** Every file of a bundle in any form, read through openBundle. */
async function filesOf(path: string): Promise<Map<string, Uint8Array>> {
  const opened = await openBundle(path);
  try {
    const files = new Map<string, Uint8Array>();
    for await (const entry of opened.source.list()) {
      if (entry.kind !== 'file') continue;
      const chunks: Uint8Array[] = [];
      for await (const c of opened.source.read(entry.path)) chunks.push(c);
      files.set(entry.path, new Uint8Array(Buffer.concat(chunks)));
    }
    return files;
  } finally {
    await opened.close();
  }
}

const payloadOf = (files: Map<string, Uint8Array>) => new Map([...files].filter(([p]) => p.startsWith('data/')).map(([p, b]) => [p, Buffer.from(b).toString('hex')]));
const partialsBeside = async (path: string) => (await fsp.readdir(dirname(path))).filter((n) => n.startsWith(`.${basename(path)}.partial-`));

async function expectRefused(path: string, run: () => Promise<unknown>, code: Parameters<typeof isEvidenceBundleError>[1]): Promise<void> {
  const before = await fsp.readFile(path);
  await expect(run()).rejects.toSatisfy((e) => isEvidenceBundleError(e, code));
  expect((await fsp.readFile(path)).equals(before), 'the file is unchanged').toBe(true);
  expect(await partialsBeside(path)).toEqual([]);
}

describe('writers on files that are no good bundle', () => {
  it('refuse a file that only looks like a ZIP or CBOR bundle, leaving it unchanged', async () => {
    // [name, bytes, the codes of sign, append, timestamp]
    const cases = [
      ['truncated.zip', Buffer.from('PK\x03\x04 truncated after the signature'), ['ERR_VERIFY_INVALID', 'ERR_BAG_INVALID', 'ERR_BAG_INVALID']],
      // Judged like a broken ZIP: the bundle is INVALID (bundle.cbor.malformed), and nothing is written.
      ['garbage.cbor', Buffer.from([0xd9, 0xd9, 0xf7, 0xff, 0x00]), ['ERR_VERIFY_INVALID', 'ERR_BAG_INVALID', 'ERR_BAG_INVALID']],
      ['text.zip', Buffer.from('not a bundle\n'), ['ERR_BAG_INVALID', 'ERR_BAG_INVALID', 'ERR_BAG_INVALID']],
    ] as const;
    for (const [name, bytes, codes] of cases) {
      const path = join(root, name);
      await fsp.writeFile(path, bytes);
      await expectRefused(path, () => signBundleDirectory(path, { signer: certifier.signer, role: 'certifier' }), codes[0]);
      await expectRefused(path, () => appendCustodyEvent(path, accessed, packager.signer), codes[1]);
      const neverAsked = () => Promise.reject(new Error('the TSA must not be asked'));
      await expectRefused(path, () => timestampBundleDirectory(path, { tsaUrl: 'http://127.0.0.1:9/', fetch: neverAsked }), codes[2]);
    }
  });

  it('refuse a ZIP with bytes hidden before or after the archive (zip.archive.*), leaving it unchanged', async () => {
    const valid = await fsp.readFile(await single('zip'));
    for (const [name, bytes] of [
      ['prefix.zip', Buffer.concat([Buffer.from('PK\x03\x04'), valid])],
      ['trailing.zip', Buffer.concat([valid, Buffer.from('hidden after the end record')])],
    ] as const) {
      const path = join(root, name);
      await fsp.writeFile(path, bytes);
      await expectRefused(path, () => signBundleDirectory(path, { signer: certifier.signer, role: 'certifier' }), 'ERR_VERIFY_INVALID');
      await expectRefused(path, () => appendCustodyEvent(path, accessed, packager.signer), 'ERR_BAG_INVALID');
    }
  });
});

describe.each(FORMS)('writers on a %s bundle', (form) => {
  it('refuse a bundle whose payload was altered: sign says ERR_VERIFY_INVALID, append ERR_BAG_INVALID, nothing changes', async () => {
    const altered = join(root, `altered-${form}`);
    await fsp.cp(directory, altered, { recursive: true });
    const file = join(altered, 'data/logs/access.log');
    await fsp.chmod(file, 0o644);
    const bytes = await fsp.readFile(file);
    bytes[3]! ^= 0x20;
    await fsp.writeFile(file, bytes);
    const path = await single(form, altered);
    await expectRefused(path, () => signBundleDirectory(path, { signer: certifier.signer, role: 'certifier' }), 'ERR_VERIFY_INVALID');
    await expectRefused(path, () => appendCustodyEvent(path, accessed, packager.signer), 'ERR_BAG_INVALID');
  });

  it('refuse an event the custody rules flag and a signer that fails, before anything is written', async () => {
    const path = await single(form);
    await expectRefused(path, () => appendCustodyEvent(path, { ...accessed, items: ['no-such-item'] }, packager.signer), 'ERR_CUSTODY_RULE');
    const failing = { ...certifier.signer, sign: () => Promise.resolve(new Uint8Array(3)) };
    await expectRefused(path, () => signBundleDirectory(path, { signer: failing, role: 'certifier' }), 'ERR_SIGNER_OUTPUT');
  });

  it('sign adds a second signature: VALID, the first signature and every payload byte unchanged', async () => {
    const path = await single(form);
    expect(await signBundleDirectory(path, { signer: certifier.signer, role: 'certifier' })).toEqual({ index: 1 });
    expect((await openBundle(path).then(async (b) => (await b.close(), b.form)))).toBe(form);
    const after = await filesOf(path);
    expect(payloadOf(after)).toEqual(payloadOf(original));
    const signatures = JSON.parse(Buffer.from(after.get(SIGNATURES_FILE)!).toString('utf8')).signatures;
    expect(signatures).toHaveLength(2);
    expect(signatures[0]).toEqual(JSON.parse(Buffer.from(original.get(SIGNATURES_FILE)!).toString('utf8')).signatures[0]);
    const report = await verifyBundleAt(path, { trustedKeys: [packager.publicJwk, certifier.publicJwk] });
    expect(report.outcome).toBe('VALID');
    expect(await partialsBeside(path)).toEqual([]);
  });

  it('custody append extends the log twice, VALID, earlier bytes kept, payload unchanged', async () => {
    const path = await single(form);
    expect(await appendCustodyEvent(path, accessed, packager.signer)).toEqual({ seq: 1 });
    const first = (await filesOf(path)).get(CUSTODY_FILE)!;
    expect(await appendCustodyEvent(path, accessed, packager.signer)).toEqual({ seq: 2 });
    const after = await filesOf(path);
    const log = after.get(CUSTODY_FILE)!;
    expect(log.length).toBeGreaterThan(first.length);
    expect(Buffer.from(log.subarray(0, first.length)).equals(Buffer.from(first))).toBe(true);
    expect(payloadOf(after)).toEqual(payloadOf(original));
    expect((await verifyBundleAt(path, { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
  });

  it('a TSA that fails leaves the file unchanged (ERR_TSA_FAILED)', async () => {
    const path = await single(form);
    const down = () => Promise.resolve(new Response('down', { status: 500 }));
    await expectRefused(path, () => timestampBundleDirectory(path, { tsaUrl: 'http://127.0.0.1:9/', fetch: down }), 'ERR_TSA_FAILED');
  });

  it.skipIf(!OPENSSL_AVAILABLE)('timestamp stores a token from a loopback openssl TSA; the signature is untouched', async () => {
    const tsa = await startOpensslTsa();
    try {
      const path = await single(form);
      expect(await timestampBundleDirectory(path, { tsaUrl: tsa.url })).toEqual({ stamped: [0] });
      const after = await filesOf(path);
      const [signature] = JSON.parse(Buffer.from(after.get(SIGNATURES_FILE)!).toString('utf8')).signatures;
      const [before] = JSON.parse(Buffer.from(original.get(SIGNATURES_FILE)!).toString('utf8')).signatures;
      expect(signature.protected).toBe(before.protected);
      expect(signature.signature).toBe(before.signature);
      expect(signature.header.tst).toHaveLength(1);
      expect(payloadOf(after)).toEqual(payloadOf(original));
      expect((await verifyBundleAt(path, { trustedKeys: [packager.publicJwk] })).outcome).not.toBe('INVALID');
    } finally {
      await tsa.close();
    }
  }, 60_000);

  it('replace the file a link names, keep the link and the file mode', async () => {
    const path = await single(form);
    await fsp.chmod(path, 0o600);
    const link = join(dirname(path), `link.${form}`);
    await fsp.symlink(basename(path), link);
    await appendCustodyEvent(link, accessed, packager.signer);
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
    expect((await fsp.stat(path)).mode & 0o777).toBe(0o600);
    expect((await filesOf(path)).has(CUSTODY_FILE)).toBe(true);
  });

  it('remove partials of writers that are gone, never those of a running process or without a pid', async () => {
    const path = await single(form);
    const dead = `.${basename(path)}.partial-999999999-0123456789ab`;
    const running = `.${basename(path)}.partial-${process.ppid}-0123456789ab`;
    const noPid = `.${basename(path)}.partial-by-hand`;
    for (const name of [dead, running, noPid]) await fsp.writeFile(join(dirname(path), name), 'left over');
    await appendCustodyEvent(path, accessed, packager.signer);
    expect((await partialsBeside(path)).sort()).toEqual([noPid, running].sort());
  });
});
