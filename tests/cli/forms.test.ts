import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { appendCustodyEvent } from '../../src/node/index.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { CUSTODY_FILE, SIGNATURES_FILE } from '../../src/model/layout.js';
import { openBundle } from '../../src/node/index.js';
import { cborTree, zipTree } from '../helpers/forms.js';

let dir: string;
let bundle: string;
let packager: KeyPair;

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
  const code = await main(args, io);
  return { code, out, err };
}

beforeAll(async () => {
  dir = await tempDir('evb-cli-forms-');
  packager = await keyPair();
  bundle = await packDemo(dir, { packager });
  await appendCustodyEvent(
    bundle,
    { type: 'accessed', actor: { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' }, items: 'all', place: 'Lyon', purpose: 'review' },
    packager.signer,
  );
  await fsp.writeFile(join(dir, 'packager.jwk'), JSON.stringify(packager.publicJwk));
  await zipTree(bundle, join(dir, 'case.zip'));
  await cborTree(bundle, join(dir, 'case.cbor'));
  await fsp.copyFile(join(dir, 'case.zip'), join(dir, 'zip-named.cbor'));
  await fsp.copyFile(join(dir, 'case.cbor'), join(dir, 'cbor-no-extension'));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const FORMS = ['bundle', 'case.zip', 'case.cbor', 'zip-named.cbor', 'cbor-no-extension'];

describe('every reading command takes any form', () => {
  it('exits 65 for a file that is neither a ZIP nor a CBOR bundle, in every reading command', async () => {
    await fsp.writeFile(join(dir, 'notes.zip'), 'not a bundle\n');
    for (const args of [['verify', '--trust', 'packager.jwk'], ['check'], ['inspect'], ['custody', 'log']]) {
      const r = await evb(...args, 'notes.zip');
      expect(r.code, args.join(' ')).toBe(65);
      expect(r.err, args.join(' ')).toMatch(/ERR_BAG_INVALID/);
    }
  });

  it('verify, check, inspect and custody log accept the directory, the ZIP and the CBOR form under any name', async () => {
    for (const form of FORMS) {
      const verified = await evb('verify', '--trust', 'packager.jwk', '--json', '--quiet', form);
      expect(verified.code, form).toBe(0);
      expect(JSON.parse(verified.out).outcome, form).toBe('VALID');
      expect((await evb('check', '--quiet', form)).code, form).toBe(0);
      const inspected = await evb('inspect', '--json', form);
      expect(inspected.code, form).toBe(0);
      expect(JSON.parse(inspected.out).manifest.items.length, form).toBe(4);
      const log = await evb('custody', 'log', '--trust', 'packager.jwk', '--json', form);
      expect(log.code, form).toBe(0);
      expect(JSON.parse(log.out).events, form).toHaveLength(1);
    }
  });

  it('exits 1 for a ZIP with one altered payload byte, naming the item', async () => {
    const bytes = await fsp.readFile(join(dir, 'case.zip'));
    const item = await fsp.readFile(join(bundle, 'data/logs/access.log'));
    const at = bytes.indexOf(item.subarray(0, 32));
    expect(at).toBeGreaterThan(0);
    bytes[at + 3]! ^= 0x20;
    await fsp.writeFile(join(dir, 'altered.zip'), bytes);
    const verified = await evb('verify', '--trust', 'packager.jwk', '--quiet', 'altered.zip');
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/data\/logs\/access\.log/);
    expect((await evb('check', '--quiet', 'altered.zip')).code).toBe(1);
  });
});

describe('a single file that starts as a bundle but is broken gets a report, in both single-file forms', () => {
  // A receiving authority is told INVALID and why (exit 1 and a finding), not handed an error: the same for a
  // CBOR bundle that does not decode as for a ZIP that does not parse. Writers refuse both (65).
  it('verify and check exit 1 with the finding; inspect reports it; convert refuses with 65 and writes nothing', async () => {
    const cbor = await fsp.readFile(join(dir, 'case.cbor'));
    const zip = await fsp.readFile(join(dir, 'case.zip'));
    const magic = cbor.subarray(0, 3);
    const cases: Array<[string, Uint8Array, string]> = [
      ['garbage.cbor', Buffer.concat([magic, Buffer.from([0xff, 0x00])]), 'bundle.cbor.malformed'],
      ['not-a-map.cbor', Buffer.concat([magic, Buffer.from([0x01])]), 'bundle.cbor.malformed'],
      ['trailing.cbor', Buffer.concat([cbor, Buffer.from([0x00])]), 'bundle.cbor.malformed'],
      ['cut.cbor', cbor.subarray(0, cbor.length - 1), 'bundle.cbor.malformed'],
      ['indefinite.cbor', Buffer.concat([magic, Buffer.from([0xbf, 0xff])]), 'bundle.cbor.malformed'],
      ['cut.zip', zip.subarray(0, Math.floor(zip.length / 2)), 'zip.archive.truncated'],
    ];
    for (const [name, bytes, code] of cases) {
      await fsp.writeFile(join(dir, name), bytes);
      const verified = await evb('verify', '--trust', 'packager.jwk', '--json', '--quiet', name);
      expect(verified.code, name).toBe(1);
      const report = JSON.parse(verified.out) as { outcome: string; findings: Array<{ code: string }> };
      expect(report.outcome, name).toBe('INVALID');
      expect(report.findings.map((f) => f.code), name).toContain(code);
      expect((await evb('check', '--quiet', name)).code, name).toBe(1);
      const converted = await evb('convert', name, `${name}-out`);
      expect(converted.code, name).toBe(65);
      expect(converted.err, name).toMatch(/ERR_BAG_INVALID/);
      expect((await fsp.readdir(dir)).filter((n) => n.includes(`${name}-out`)), name).toEqual([]);
    }
  });

  it('reports a CBOR bundle over the size limit as bundle.cbor.too-large without reading it', async () => {
    const big = join(dir, 'big.cbor');
    const handle = await fsp.open(big, 'w');
    await handle.write(Buffer.from([0xd9, 0xd9, 0xf7]));
    await handle.truncate(64 * 1024 * 1024 + 1);
    await handle.close();
    const verified = await evb('verify', '--trust', 'packager.jwk', '--json', '--quiet', 'big.cbor');
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out).findings.map((f: { code: string }) => f.code)).toContain('bundle.cbor.too-large');
    await fsp.rm(big);
  });
});

describe('evb convert and evb extract', () => {
  it('answer misuse with 64, an existing output with 73, an input that is no bundle with 65, and write nothing', async () => {
    const before = (await fsp.readdir(dir)).sort();
    expect((await evb('convert', 'case.zip')).code).toBe(64);
    expect((await evb('extract', 'case.zip', 'a', 'b')).code).toBe(64);
    for (const command of ['convert', 'extract']) {
      expect((await evb(command, 'case.zip', 'case.cbor')).code, command).toBe(73);
      expect((await evb(command, 'case.cbor', 'bundle')).code, command).toBe(73);
      expect((await evb(command, 'missing.zip', 'new-out')).code, command).toBe(66);
      await fsp.writeFile(join(dir, 'notes.txt'), 'not a bundle\n');
      const r = await evb(command, 'notes.txt', 'new-out');
      expect(r.code, command).toBe(65);
      expect(r.err, command).toMatch(/ERR_BAG_INVALID/);
    }
    expect((await fsp.readdir(dir)).sort()).toEqual([...new Set([...before, 'notes.txt'])].sort());
  });

  it('refuses an altered ZIP with 65 and writes nothing', async () => {
    const r = await evb('extract', 'altered.zip', 'from-altered');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/ERR_BAG_INVALID/);
    expect((await fsp.readdir(dir)).filter((n) => n.includes('from-altered'))).toEqual([]);
  });

  it('converts dir -> zip -> cbor -> dir and extracts a ZIP, each output verifying VALID', async () => {
    for (const [args, out] of [
      [['convert', 'bundle', 'conv.zip'], 'conv.zip'],
      [['convert', 'conv.zip', 'conv.cbor'], 'conv.cbor'],
      [['convert', 'conv.cbor', 'conv-dir'], 'conv-dir'],
      [['extract', 'conv.zip', 'extracted.zip'], 'extracted.zip'],
      [['extract', 'case.cbor', 'extracted-cbor'], 'extracted-cbor'],
    ] as const) {
      const r = await evb(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect((await evb('verify', '--trust', 'packager.jwk', '--quiet', out)).code, out).toBe(0);
    }
    // extract writes a directory whatever the name says.
    expect((await fsp.stat(join(dir, 'extracted.zip'))).isDirectory()).toBe(true);
    expect(await fsp.readFile(join(dir, 'conv-dir', 'evidence/custody.jsonl'))).toEqual(await fsp.readFile(join(bundle, 'evidence/custody.jsonl')));
  });
});

/** One tag file of a bundle in any form. */
async function tagFile(path: string, name: string): Promise<string> {
  const opened = await openBundle(join(dir, path));
  try {
    const chunks: Uint8Array[] = [];
    for await (const c of opened.source.read(name)) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await opened.close();
  }
}

describe('evb sign, custody and timestamp on the single-file forms', () => {
  it('refuse a file that is no bundle (65) and an altered ZIP (65), leaving each unchanged', async () => {
    await fsp.writeFile(join(dir, 'notes-w.zip'), 'not a bundle\n');
    await fsp.writeFile(join(dir, 'private.jwk'), JSON.stringify(packager.privateJwk));
    // Exit codes of sign, custody append, timestamp: a damaged bundle is never signed (1, as for a directory).
    for (const [file, codes] of [['notes-w.zip', [65, 65, 65]], ['altered.zip', [1, 65, 65]]] as const) {
      const before = await fsp.readFile(join(dir, file));
      for (const [i, args] of [
        ['sign', file, '--key', 'private.jwk', '--role', 'certifier'],
        ['custody', 'append', file, 'accessed', '--key', 'private.jwk', '--name', 'A', '--role', 'examiner', '--organisation', 'Lab', '--country', 'FR', '--place', 'Lyon', '--purpose', 'x'],
        ['timestamp', file, '--tsa', 'http://127.0.0.1:9/'],
      ].entries()) {
        const r = await evb(...args);
        expect(r.code, `${args[0]} ${file}: ${r.err}`).toBe(codes[i]);
        expect(await fsp.readFile(join(dir, file)), `${args[0]} ${file}`).toEqual(before);
      }
    }
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('sign, transfer and receive on a ZIP and a CBOR file, each still VALID and still of its form', async () => {
    const bob = await keyPair();
    await fsp.writeFile(join(dir, 'private.jwk'), JSON.stringify(packager.privateJwk));
    await fsp.writeFile(join(dir, 'bob.jwk'), JSON.stringify(bob.privateJwk));
    await fsp.writeFile(join(dir, 'bob.pub.jwk'), JSON.stringify(bob.publicJwk));
    await fsp.writeFile(join(dir, 'bob.party.json'), JSON.stringify({ name: 'Bob', organisation: 'BKA', country: 'DE', kid: bob.kid }));
    const as = (key: string, name: string) => ['--key', key, '--name', name, '--role', 'investigator', '--organisation', 'Agency', '--country', 'FR', '--place', 'Lyon', '--purpose', 'case 42'];
    for (const form of ['zip', 'cbor']) {
      const file = `writable.${form}`;
      await fsp.copyFile(join(dir, `case.${form}`), join(dir, file));
      expect((await evb('sign', file, '--key', 'bob.jwk', '--role', 'certifier')).code, form).toBe(0);
      expect(JSON.parse(await tagFile(file, SIGNATURES_FILE)).signatures, form).toHaveLength(2);
      expect((await evb('custody', 'transfer', file, ...as('private.jwk', 'Alice'), '--to', 'bob.party.json')).code, form).toBe(0);
      const received = await evb('custody', 'receive', file, ...as('bob.jwk', 'Bob'));
      expect(received.code, received.out + received.err).toBe(0);
      expect((await tagFile(file, CUSTODY_FILE)).trim().split('\n'), form).toHaveLength(3);
      const verified = await evb('verify', '--trust', 'packager.jwk', '--trust', 'bob.pub.jwk', '--json', '--quiet', file);
      expect(JSON.parse(verified.out).outcome, form).toBe('VALID');
      const opened = await openBundle(join(dir, file));
      await opened.close();
      expect(opened.form).toBe(form);
    }
  });
});
