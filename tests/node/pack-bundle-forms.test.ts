import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CBOR_BUNDLE_MAX_BYTES } from '../../src/entries/cbor.js';
import { packBundle, verifyBundleAt } from '../../src/node/index.js';
import { demoCase, keyPair, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('evb-pack-forms-');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
const stream = (chunks: Uint8Array[]) => () => chunks;

describe('packBundle into a single file', () => {
  it.each(['zip', 'cbor'] as const)('%s: a stream giving more or fewer bytes than its size is ERR_SOURCE_CHANGED, nothing left behind', async (form) => {
    const { metadata } = await demoCase();
    for (const [i, size] of [bytes.length - 1, bytes.length + 1].entries()) {
      const work = await fsp.mkdtemp(join(dir, `changed-${form}-${i}-`));
      const item = { id: 's', path: 's.bin', source: stream([bytes.subarray(0, 1000), bytes.subarray(1000)]), size };
      await expect(packBundle(join(work, `out.${form}`), { metadata, items: [item] })).rejects.toMatchObject({ code: 'ERR_SOURCE_CHANGED' });
      expect(await fsp.readdir(work)).toEqual([]);
    }
  });

  it.each(['zip', 'cbor'] as const)('%s: a stream without a size is refused (TypeError), nothing left behind', async (form) => {
    const { metadata } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, `nosize-${form}-`));
    await expect(packBundle(join(work, 'out'), { metadata, form, items: [{ id: 's', path: 's.bin', source: stream([bytes]) }] })).rejects.toBeInstanceOf(TypeError);
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it('refuses a CBOR bundle over its limit before reading a byte', async () => {
    const { metadata } = await demoCase();
    const work = await fsp.mkdtemp(join(dir, 'cbor-limit-'));
    const source = (): never => {
      throw new Error('read');
    };
    const items = [{ id: 'big', path: 'big.bin', source, size: CBOR_BUNDLE_MAX_BYTES + 1 }];
    await expect(packBundle(join(work, 'big.cbor'), { metadata, items })).rejects.toMatchObject({ code: 'ERR_LIMIT_EXCEEDED' });
    expect(await fsp.readdir(work)).toEqual([]);
  });

  it.each([
    ['by name', 'x.zip', undefined],
    ['by form, whatever the name', 'x.bundle', 'zip'],
    ['cbor by form', 'y.data', 'cbor'],
  ] as const)('picks the form %s and writes a signed, VALID bundle from files and a stream', async (_how, name, form) => {
    const { metadata, items } = await demoCase();
    const key = await keyPair('ES256');
    const all = [...items, { id: 'stream', path: 'capture/stream.bin', source: stream([bytes]), size: bytes.length }];
    const { path } = await packBundle(join(dir, name), { metadata, items: all, signers: [{ signer: key.signer, role: 'packager' }], ...(form ? { form } : {}) });
    expect((await fsp.stat(path)).isFile()).toBe(true);
    const report = await verifyBundleAt(path, { trustedKeys: [key.publicJwk] });
    expect(report.outcome).toBe('VALID');
  });
});
