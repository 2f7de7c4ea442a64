// evb refuses to write what evb verify would reject: unknown roles, a --cert chain that is not the key's or
// not in order. Nothing is written when it refuses.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { handMadeBundle } from '../custody/hand-made-bundle.js';
import { DEMO_DIR, keyPair, packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/cli/cli-writers');

let dir: string;
const evb = async (...args: string[]) => {
  let out = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), stderrIsTTY: false, cwd: dir };
  return { code: await main(args, io), out };
};
const exists = (path: string) => fsp.stat(join(dir, path)).then(() => true, () => false);
const signatures = async (bundle: string) => fsp.readFile(join(bundle, 'evidence', 'signatures.json')).catch(() => undefined);

beforeAll(async () => {
  dir = await tempDir('evb-cli-writers-');
  expect((await evb('keygen', '--out', 'k.jwk')).code).toBe(0);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('evb sign --role and evb pack --sign ROLE=...', () => {
  it.each(['custodian', 'Certifier', 'notary', ''])('refuses the role %j with exit 64, and writes nothing', async (role) => {
    const bundle = await packDemo(dir, { name: `r-${role || 'empty'}` });
    const before = await signatures(bundle);
    const r = await evb('sign', bundle, '--key', 'k.jwk', '--role', role);
    expect(r.code).toBe(64);
    expect(await signatures(bundle)).toEqual(before);
    const packed = await evb('pack', '--spec', join(DEMO_DIR, 'case.json'), '--out', `p-${role || 'empty'}`, '--sign', `${role}=k.jwk`);
    expect(packed.code).toBe(64);
    expect(await exists(`p-${role || 'empty'}`)).toBe(false);
  });

  it.each(['packager', 'certifier'])('signs as %s', async (role) => {
    const bundle = await packDemo(dir, { name: `ok-${role}` });
    expect((await evb('sign', bundle, '--key', 'k.jwk', '--role', role)).code).toBe(0);
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('evb sign --cert', () => {
  let pki: OpensslPki;
  beforeAll(async () => {
    pki = await createOpensslPki();
    await fsp.writeFile(join(dir, 'leaf.jwk'), JSON.stringify(pki.leaf.privateJwk));
    await fsp.writeFile(join(dir, 'leaf.pem'), pki.leaf.pem);
    await fsp.writeFile(join(dir, 'ca.pem'), pki.intermediates[0]!.pem);
    await fsp.writeFile(join(dir, 'root.pem'), pki.root.pem);
  });
  afterAll(async () => {
    await pki?.dispose();
  });

  it.each([
    ['a chain for another key', ['k.jwk', 'leaf.pem', 'ca.pem'], 'ERR_X509_KEY_MISMATCH'],
    ['issuer before leaf', ['leaf.jwk', 'ca.pem', 'leaf.pem'], 'ERR_X509_KEY_MISMATCH'],
    ['an issuer left out', ['leaf.jwk', 'leaf.pem', 'root.pem'], 'ERR_X509_CHAIN_INVALID'],
  ])('refuses %s and leaves the bundle as it was', async (_name, [key, ...certs], code) => {
    const bundle = await packDemo(dir, { name: `c-${code}-${certs.join('')}` });
    const before = await signatures(bundle);
    const r = await evb('sign', bundle, '--key', key!, '--role', 'certifier', ...certs.flatMap((c) => ['--cert', c]));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(code);
    expect(await signatures(bundle)).toEqual(before);
  });

  it('signs with the chain in order', async () => {
    const bundle = await packDemo(dir, { name: 'c-good' });
    expect((await evb('sign', bundle, '--key', 'leaf.jwk', '--role', 'certifier', '--cert', 'leaf.pem', '--cert', 'ca.pem')).code).toBe(0);
  });
});

describe('evb pack FOLDER: item ids from any file names', () => {
  it('gives Arabic, Chinese, emoji and long deep names distinct valid ids, beside the spec\'s own ids; the bundle verifies', async () => {
    const folder = join(dir, 'scripts');
    const deep = join(folder, ...new Array<string>(12).fill('evidence-folder'));
    await fsp.mkdir(deep, { recursive: true });
    const names = ['رسالة.txt', 'صورة.txt', 'تقرير.txt', '照片.jpg', '😀.png', '!!!', 'item'];
    for (const name of names) await fsp.writeFile(join(folder, name), name);
    await fsp.writeFile(join(deep, `${'a'.repeat(60)}.bin`), 'a');
    await fsp.writeFile(join(deep, `${'a'.repeat(59)}b.bin`), 'b');
    const spec = JSON.parse(await fsp.readFile(join(DEMO_DIR, 'case.json'), 'utf8')) as { metadata: unknown };
    // The spec names one file with the id another would derive: the spec's id wins, the other gets a suffix.
    await fsp.writeFile(join(dir, 'scripts-spec.json'), JSON.stringify({ metadata: spec.metadata, items: [{ path: '😀.png', id: 'item' }] }));
    const r = await evb('pack', folder, '--spec', 'scripts-spec.json', '--out', 'scripts-bundle', '--quiet');
    expect(r.code, r.out).toBe(0);
    const manifest = JSON.parse(await fsp.readFile(join(dir, 'scripts-bundle', 'evidence', 'manifest.json'), 'utf8')) as { items: Array<{ id: string; path: string }> };
    const ids = manifest.items.map((i) => i.id);
    expect(ids).toHaveLength(names.length + 2);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
    expect(manifest.items.find((i) => i.path === '😀.png')!.id).toBe('item');
    // Unsigned, so INDETERMINATE at best; never INVALID.
    expect((await evb('verify', 'scripts-bundle', '--quiet')).code).toBe(2);
  });
});

describe('evb custody transfer by someone who does not hold the items', () => {
  it('is refused with ERR_CUSTODY_RULE (exit 65) and leaves the log as it was', async () => {
    const bundle = await handMadeBundle(join(dir, 'custody-bundle'));
    for (const name of ['alice', 'bob', 'carol']) {
      const { privateJwk, kid } = await keyPair('EdDSA');
      await fsp.writeFile(join(dir, `${name}.jwk`), JSON.stringify(privateJwk));
      await fsp.writeFile(join(dir, `${name}.party.json`), JSON.stringify({ name, organisation: `${name} agency`, country: 'FR', kid }));
    }
    const as = (name: string) => ['--key', `${name}.jwk`, '--name', name, '--role', 'investigator', '--organisation', `${name} agency`, '--country', 'FR', '--place', 'Lyon', '--purpose', 'case 42'];
    expect((await evb('custody', 'append', bundle, 'acquired', ...as('alice'))).code).toBe(0);
    const log = join(bundle, 'evidence', 'custody.jsonl');
    const before = await fsp.readFile(log);
    const refused = await evb('custody', 'transfer', bundle, ...as('carol'), '--to', 'bob.party.json');
    expect(refused.code).toBe(65);
    expect(refused.out).toContain('ERR_CUSTODY_RULE');
    expect(refused.out).toContain('custody.handover.not-custodian');
    expect(await fsp.readFile(log)).toEqual(before);
    expect((await evb('custody', 'transfer', bundle, ...as('alice'), '--to', 'bob.party.json')).code).toBe(0);
  });
});
