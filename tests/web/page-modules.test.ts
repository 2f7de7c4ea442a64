// The page's modules outside the browser (Node 20 has Blob and File): the reader over a Blob, the folder source,
// the trust files, the bundle opener and the WebAssembly digest backend, each against the core's own result.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CBOR_BUNDLE_MAGIC, CBOR_BUNDLE_MAX_BYTES } from '../../src/entries/cbor.js';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type DigestBackend } from '../../src/entries/digest.js';
import { generateSigningKey, openZipSource, verifyBundle } from '../../src/index.js';
import { verifyBundleAt } from '../../src/node/index.js';
import { blobReader } from '../../src/web/blob-reader.js';
import { filesOfFolder, folderSource } from '../../src/web/folder-source.js';
import { openBundleFile, openBundleFolder, readTrustFiles } from '../../src/web/open-input.js';
import { createWasmBackend } from '../../src/web/wasm-backend.js';
import { flipByte, keyPair, packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { cborTree, errorCode, readTree, zipTree } from '../helpers/forms.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const json = (name: string, value: unknown): File => new File([JSON.stringify(value)], name);

let dir: string;
let pub: JsonWebKey;
beforeAll(async () => {
  dir = await tempDir('evb-page-modules-');
  const packager = await keyPair();
  pub = packager.publicJwk;
  await packDemo(dir, { name: 'ok', packager, algorithms: ['sha512', 'blake3'] });
  await packDemo(dir, { name: 'bad', packager });
  await flipByte(join(dir, 'bad', 'data', 'logs', 'access.log'), 7);
  await zipTree(join(dir, 'ok'), join(dir, 'ok.zip'));
  await cborTree(join(dir, 'ok'), join(dir, 'ok.cbor'));
});
afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

const folderOf = async (path: string): Promise<Map<string, Blob>> => new Map([...(await readTree(path))].map(([p, b]) => [p, new Blob([b as BlobPart])]));

describe('blobReader', () => {
  it('refuses what is no Blob, and a range outside the blob', async () => {
    expect(() => blobReader(new Uint8Array(4) as unknown as Blob)).toThrow(TypeError);
    const reader = blobReader(new Blob([new Uint8Array(10)]));
    for (const [offset, length] of [[-1, 1], [0, 11], [10, 1], [1.5, 1], [0, Number.NaN]] as const) {
      await expect(reader.read(offset, length), `${offset},${length}`).rejects.toThrow(RangeError);
    }
  });

  it('gives exactly the bytes asked for, at any offset', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const reader = blobReader(new Blob([bytes.subarray(0, 100), bytes.subarray(100)]));
    expect(reader.size).toBe(300);
    for (const [offset, length] of [[0, 0], [0, 300], [99, 2], [299, 1], [150, 0]] as const) {
      expect(await reader.read(offset, length)).toEqual(bytes.subarray(offset, offset + length));
    }
  });
});

describe('folderSource and filesOfFolder', () => {
  it('refuses a path it does not hold, a file over maxBytes, a value that is no Blob, and files of two folders', async () => {
    expect(() => folderSource(new Map([['a', 'text' as unknown as Blob]]))).toThrow(TypeError);
    const source = folderSource(new Map([['bagit.txt', new Blob(['0123456789'])]]));
    const drain = async (path: string, maxBytes?: number): Promise<void> => {
      for await (const _ of source.read(path, maxBytes === undefined ? {} : { maxBytes })) void _;
    };
    expect(await errorCode(drain('missing.txt'))).toBe('ERR_SOURCE_NOT_FOUND');
    expect(await errorCode(drain('bagit.txt', 9))).toBe('ERR_LIMIT_EXCEEDED');
    expect(await errorCode(drain('bagit.txt', 10))).toBe('no error');
    const file = (relative: string): File => Object.defineProperty(new File(['x'], relative.split('/').pop()!), 'webkitRelativePath', { value: relative });
    expect(() => filesOfFolder([file('one/bagit.txt'), file('two/bagit.txt')])).toThrow(TypeError);
    expect([...filesOfFolder([file('case/bagit.txt'), file('case/data/a/b.log')]).keys()]).toEqual(['bagit.txt', 'data/a/b.log']);
  });

  it('turns a file the browser cannot read any more into ERR_IO: the receiver cannot read, no verdict', async () => {
    class Vanished extends Blob {
      override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
        return new ReadableStream({ pull: (c) => c.error(new DOMException('gone', 'NotReadableError')) });
      }
    }
    const files = await folderOf(join(dir, 'ok'));
    files.set('data/logs/access.log', new Vanished([new Uint8Array(files.get('data/logs/access.log')!.size)]));
    expect(await errorCode(verifyBundle(folderSource(files), { trustedKeys: [pub] }))).toBe('ERR_IO');
  });

  it('lists each parent directory once, and verifies a folder as the directory form verifies', async () => {
    const source = folderSource(await folderOf(join(dir, 'ok')));
    const entries = [];
    for await (const e of source.list()) entries.push(e);
    const dirs = entries.filter((e) => e.kind === 'directory').map((e) => e.path);
    expect(new Set(dirs).size).toBe(dirs.length);
    expect(dirs).toContain('data/logs');
    for (const name of ['ok', 'bad']) {
      const expected = await verifyBundleAt(join(dir, name), { trustedKeys: [pub] });
      const got = await verifyBundle(openBundleFolder(name, await folderOf(join(dir, name))).source, { trustedKeys: [pub], currentDate: new Date(expected.checkedAt) });
      expect(got).toEqual(expected);
    }
  });
});

describe('openBundleFile', () => {
  it('refuses a file that is neither ZIP nor CBOR, an empty file, an empty folder, a CBOR bundle over its limit', async () => {
    expect(await errorCode(openBundleFile(new File(['{"not": "a bundle"}'], 'x.zip')))).toBe('ERR_BAG_INVALID');
    expect(await errorCode(openBundleFile(new File([], 'empty.cbor')))).toBe('ERR_BAG_INVALID');
    expect(() => openBundleFolder('empty', new Map())).toThrow(expect.objectContaining({ code: 'ERR_BAG_INVALID' }));
    const huge = new File([CBOR_BUNDLE_MAGIC as BlobPart, new Uint8Array(CBOR_BUNDLE_MAX_BYTES)], 'huge.cbor');
    expect(await errorCode(openBundleFile(huge))).toBe('ERR_LIMIT_EXCEEDED');
    expect(await errorCode(openBundleFile(new File([CBOR_BUNDLE_MAGIC as BlobPart, Uint8Array.of(0xff)], 'bad.cbor')))).not.toBe('no error');
  });

  it('recognises ZIP and CBOR by content, whatever the name, and verifies them as evb verify does', async () => {
    for (const [path, form] of [['ok.zip', 'zip'], ['ok.cbor', 'cbor']] as const) {
      const file = new File([await fsp.readFile(join(dir, path))], 'misnamed.txt');
      const opened = await openBundleFile(file);
      expect(opened.form).toBe(form);
      const expected = await verifyBundleAt(join(dir, path), { trustedKeys: [pub] });
      expect(await verifyBundle(opened.source, { trustedKeys: [pub], currentDate: new Date(expected.checkedAt) })).toEqual(expected);
    }
  });
});

describe('readTrustFiles', () => {
  it('refuses no file, a policy with other files, no JSON, a huge file, a private or symmetric key, a bad policy', async () => {
    const secret = await generateSigningKey('EdDSA');
    const policy = { version: 1 };
    const cases: Array<[File[], string]> = [
      [[], 'ERR_POLICY_INVALID'],
      [[new File(['{"kty": '], 'cut.jwk')], 'ERR_JSON_SYNTAX'],
      [[new File([new Uint8Array(16 * 1024 * 1024 + 1)], 'huge.json')], 'ERR_LIMIT_EXCEEDED'],
      [[json('private.jwk', secret.privateJwk)], 'ERR_KEY_INVALID'],
      [[json('hmac.jwk', { kty: 'oct', k: 'AAAA' })], 'ERR_KEY_INVALID'],
      [[json('set.json', { keys: [pub, secret.privateJwk] })], 'ERR_KEY_INVALID'],
      [[json('policy.json', policy)], 'ERR_POLICY_INVALID'],
      [[json('policy.json', policy), json('k.jwk', pub)], 'ERR_POLICY_INVALID'],
      [[json('list.json', [pub])], 'ERR_POLICY_INVALID'],
    ];
    for (const [files, code] of cases) expect(await errorCode(readTrustFiles(files)), files.map((f) => f.name).join()).toBe(code);
  });

  it('takes JWK and JWKS files as keys trusted in every role, and names the file in an error', async () => {
    const other = await keyPair('ES256');
    const trust = await readTrustFiles([json('a.jwk', pub), json('b.json', { keys: [other.publicJwk] })]);
    expect(trust.description).toBe('2 trusted public keys');
    expect(trust.from).toEqual({ keys: 2 });
    expect(trust.policy.authorities).toHaveLength(2);
    await expect(readTrustFiles([json('private.jwk', other.privateJwk)])).rejects.toThrow(/^private\.jwk: /);
  });
});

describe('openBundleFile with a backend', () => {
  it("hands the page's backend to the ZIP reader, which hashes every entry with it, to the same report", async () => {
    const zip = join(dir, 'ok-backend.zip');
    await zipTree(join(dir, 'ok'), zip);
    const file = new File([await fsp.readFile(zip)], 'ok.zip');
    const asked: DigestAlgorithm[] = [];
    const wasm = await createWasmBackend();
    const counting: DigestBackend = { name: 'counting', create: (algorithm) => (asked.push(algorithm), wasm.create(algorithm)) };
    const currentDate = new Date('2026-11-01T00:00:00Z');
    const { source, form } = await openBundleFile(file, counting);
    expect(form).toBe('zip');
    const fast = await verifyBundle(source, { trustedKeys: [pub], currentDate });
    const payload = [...(await readTree(join(dir, 'ok'))).keys()].filter((p) => p.startsWith('data/')).length;
    // At least one SHA-256 per payload file: the items are hashed by the ZIP source, with the backend given.
    expect(payload).toBeGreaterThan(0);
    expect(asked.filter((a) => a === 'sha256').length).toBeGreaterThanOrEqual(payload);
    const portable = await verifyBundle((await openBundleFile(file)).source, { trustedKeys: [pub], currentDate });
    expect(fast).toEqual(portable);
    expect(fast.outcome).toBe('VALID');
  });
});

describe('createWasmBackend', () => {
  let backend: DigestBackend;
  beforeAll(async () => {
    backend = await createWasmBackend(2);
  });

  it('refuses a pool size that is no positive integer', async () => {
    for (const n of [0, -1, 1.5, Number.NaN]) await expect(createWasmBackend(n), String(n)).rejects.toThrow(RangeError);
  });

  it('gives the digests @noble/hashes gives, for any chunking, and declines the algorithms it does not carry', () => {
    const data = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 31 + (i >> 7)) & 0xff);
    for (const algorithm of ['sha256', 'sha512'] as DigestAlgorithm[]) {
      for (const chunk of [1, 63, 64, 65, 4096, 200_003]) {
        const h = backend.create(algorithm)!;
        for (let at = 0; at < data.length; at += chunk) h.update(data.subarray(at, at + chunk));
        const n = DIGEST_ALGORITHMS[algorithm].noble();
        n.update(data);
        expect(toHex(h.digest()), `${algorithm}/${chunk}`).toBe(toHex(n.digest()));
      }
    }
    expect(backend.create('blake3')).toBeUndefined();
    expect(backend.create('sha3-256')).toBeUndefined();
  });

  it('declines SHA-512 when every hasher is busy, reuses one once its digest is taken, and refuses a second digest', () => {
    const a = backend.create('sha512')!;
    const b = backend.create('sha512')!;
    expect(backend.create('sha512')).toBeUndefined();
    a.update(Uint8Array.of(1));
    const first = toHex(a.digest());
    expect(() => a.digest()).toThrow(TypeError);
    expect(() => a.update(Uint8Array.of(1))).toThrow(TypeError);
    const c = backend.create('sha512')!;
    // A reused hasher starts afresh: the same input gives the same digest.
    c.update(Uint8Array.of(1));
    expect(toHex(c.digest())).toBe(first);
    b.digest();
  });

  it('never declines SHA-256 (one module instance serves any number of hashes)', () => {
    const many = Array.from({ length: 10 }, () => backend.create('sha256'));
    expect(many.every((h) => h !== undefined)).toBe(true);
    for (const [i, h] of many.entries()) h!.update(Uint8Array.of(i));
    const n = DIGEST_ALGORITHMS.sha256.noble();
    n.update(Uint8Array.of(3));
    expect(toHex(many[3]!.digest())).toBe(toHex(n.digest()));
  });

  it('verifies a bundle to the same report as the portable hashes, including the altered one', async () => {
    for (const name of ['ok', 'bad']) {
      const zip = join(dir, `${name}-wasm.zip`);
      await zipTree(join(dir, name), zip);
      const bytes = new Blob([await fsp.readFile(zip)]);
      const currentDate = new Date('2026-11-01T00:00:00Z');
      const portable = await verifyBundle(await openZipSource(blobReader(bytes)), { trustedKeys: [pub], currentDate });
      const fast = await verifyBundle(await openZipSource(blobReader(bytes)), { trustedKeys: [pub], currentDate, backend: await createWasmBackend() });
      expect(fast).toEqual(portable);
      expect(fast.outcome).toBe(name === 'ok' ? 'VALID' : 'INVALID');
    }
  });
});
