import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectBundle } from '../../src/index.js';
import { CBOR_BUNDLE_MAGIC } from '../../src/entries/cbor.js';
import { appendCustodyEvent, createDigestPool, openBundle, verifyBundleAt, type CustodyEventInput } from '../../src/node/index.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { crc32 } from '../../src/zip/crc32.js';
import { cborTree, errorCode, HAS_INFO_ZIP, zipTree } from '../helpers/forms.js';

const EVENT: CustodyEventInput = {
  type: 'accessed',
  actor: { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' },
  items: ['chat-export'],
  place: 'Lyon lab',
  purpose: 'review the export',
};

let dir: string;
let bundle: string;
let packager: KeyPair;

beforeAll(async () => {
  dir = await tempDir('evb-open-');
  packager = await keyPair();
  bundle = await packDemo(dir, { packager });
  await appendCustodyEvent(bundle, EVENT, packager.signer);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});


describe('openBundle', () => {
  it('refuses a file that is neither ZIP nor CBOR, whatever its name, with ERR_BAG_INVALID', async () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty.zip', new Uint8Array(0)],
      ['short.cbor', CBOR_BUNDLE_MAGIC.subarray(0, 2)],
      ['text.zip', new TextEncoder().encode('BagIt-Version: 1.0\n')],
      ['pk-other', Uint8Array.of(0x50, 0x4b, 0x01, 0x02, 0, 0, 0, 0)],
      ['tar.cbor', new Uint8Array(512)],
    ];
    for (const [name, bytes] of cases) {
      await fsp.writeFile(join(dir, name), bytes);
      expect(await errorCode(openBundle(join(dir, name))), name).toBe('ERR_BAG_INVALID');
    }
  });

  it('refuses a missing path; opens a CBOR bundle that does not decode with its problem, listing nothing', async () => {
    expect(await errorCode(openBundle(join(dir, 'missing')))).toBe('ERR_SOURCE_NOT_FOUND');
    const bad = join(dir, 'bad-body');
    await fsp.writeFile(bad, Uint8Array.of(...CBOR_BUNDLE_MAGIC, 0xa1, 0x61));
    const opened = await openBundle(bad);
    expect(opened.form).toBe('cbor');
    expect((await opened.source.problems?.())?.map((p) => p.code)).toEqual(['bundle.cbor.malformed']);
    const listed = [];
    for await (const entry of opened.source.list()) listed.push(entry);
    expect(listed).toEqual([]);
    await opened.close();
    const report = await verifyBundleAt(bad, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings.map((f) => f.code)).toContain('bundle.cbor.malformed');
  });

  it('recognises the form by content: ZIP and CBOR under any name verify VALID', async () => {
    const zip = join(dir, 'case.zip');
    const cbor = join(dir, 'case.cbor');
    await zipTree(bundle, zip);
    await cborTree(bundle, cbor);
    const named = { [zip]: 'zip', [cbor]: 'cbor', [join(dir, 'zip-named.cbor')]: 'zip', [join(dir, 'noext')]: 'cbor' } as const;
    await fsp.copyFile(zip, join(dir, 'zip-named.cbor'));
    await fsp.copyFile(cbor, join(dir, 'noext'));
    const expected = await verifyBundleAt(bundle, { trustedKeys: [packager.publicJwk] });
    expect(expected.outcome).toBe('VALID');
    expect(expected.custody?.events).toHaveLength(1);
    for (const [path, form] of Object.entries(named)) {
      const opened = await openBundle(path);
      expect(opened.form, path).toBe(form);
      await opened.close();
      const report = await verifyBundleAt(path, { trustedKeys: [packager.publicJwk] });
      expect(report.outcome, path).toBe('VALID');
      expect(report.findings.map((f) => f.code), path).toEqual(expected.findings.map((f) => f.code));
      expect(report.signatures.map((s) => s.status), path).toEqual(['valid']);
      expect(report.custody?.events, path).toHaveLength(1);
      const inspected = await openBundle(path);
      expect((await inspectBundle(inspected.source)).manifest?.bundleId, path).toBe(expected.bundle?.bundleId);
      await inspected.close();
    }
  });

  // An altered entry is an altered item, never a missing one: a plain flip meets the ZIP's own CRC-32 (a zip.*
  // finding naming the file) and the manifest's digest; an attacker who fixes the CRC too meets the digest; a
  // CRC-32 changed over intact bytes is still INVALID. The same with the worker pool and without it.
  it('makes one altered payload byte inside a ZIP INVALID, naming the item as altered, whether or not the CRC-32 was fixed', async () => {
    const item = new Uint8Array(await fsp.readFile(join(bundle, 'data/chat/export.json')));
    const original = new Uint8Array(await fsp.readFile(join(dir, 'case.zip')));
    const at = Buffer.from(original).indexOf(Buffer.from(item.subarray(0, 64)));
    expect(at).toBeGreaterThan(0);
    const pool = createDigestPool({ size: 2 });
    try {
      for (const offset of [0, 10, item.length - 1]) {
        const plain = original.slice();
        plain[at + offset]! ^= 0x01;
        const altered = item.slice();
        altered[offset]! ^= 0x01;
        const fixed = replaceAll(plain, le32(crc32(item)), le32(crc32(altered)));
        const crcOnly = replaceAll(original, le32(crc32(item)), le32(crc32(altered)));
        const cases = [
          ['plain', plain, ['zip.entry.crc-mismatch', 'bag.payload.digest-mismatch', 'item.digest-mismatch']],
          ['crc-fixed', fixed, ['bag.payload.digest-mismatch', 'item.digest-mismatch']],
          ['crc-only', crcOnly, ['zip.entry.crc-mismatch']],
        ] as const;
        for (const [name, bytes, codes] of cases) {
          const zip = join(dir, `altered-${name}-${offset}.zip`);
          await fsp.writeFile(zip, bytes);
          for (const options of [{}, { pool }]) {
            const where = `${zip} ${'pool' in options ? 'pool' : 'core'}`;
            const report = await verifyBundleAt(zip, { trustedKeys: [packager.publicJwk], ...options });
            expect(report.outcome, where).toBe('INVALID');
            const errors = report.findings.filter((f) => f.severity === 'error');
            expect(errors.map((f) => f.code).sort(), where).toEqual([...codes].sort());
            expect(new Set(errors.map((f) => f.path)), where).toEqual(new Set(['data/chat/export.json']));
            expect(report.items.filter((i) => i.status !== 'intact').map((i) => [i.id, i.status]), where).toEqual([['chat-export', 'altered']]);
          }
        }
      }
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!HAS_INFO_ZIP)('verifies a ZIP of the directory made by Info-ZIP (zip -0 -X -r)', async () => {
    const zip = join(dir, 'infozip.zip');
    execFileSync('zip', ['-q', '-0', '-X', '-r', zip, '.'], { cwd: bundle });
    const report = await verifyBundleAt(zip, { trustedKeys: [packager.publicJwk] });
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('VALID');
  });
  if (!HAS_INFO_ZIP) it.todo('Info-ZIP (zip) is not installed: its archives were not tried');
});

function le32(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
}

/** Every occurrence of `from` replaced by `to` (same length): the CRC-32 in the data descriptor and the central record. */
function replaceAll(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = bytes.slice();
  let found = 0;
  for (let i = 0; i + from.length <= out.length; i++) {
    if (from.every((b, j) => out[i + j] === b)) {
      out.set(to, i);
      found++;
    }
  }
  expect(found).toBe(2);
  return out;
}
