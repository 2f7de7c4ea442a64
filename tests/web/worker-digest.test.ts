// The page's hashing worker (src/web/hash-worker.ts) and the sources that use it (src/web/worker-digest.ts),
// outside the browser: both sides of the worker's conversation over a Node MessageChannel, each result against
// @noble/hashes and against the page's sources without the worker.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHMS } from '../../src/entries/digest.js';
import { EvidenceBundleError, openZipSource, verifyBundle, type BagSource } from '../../src/index.js';
import { packBundle } from '../../src/node/index.js';
import { blobReader } from '../../src/web/blob-reader.js';
import { folderSource } from '../../src/web/folder-source.js';
import { connectSha256Worker, IN_FLIGHT_BYTES, serveSha256, type HashPort, type WorkerSha256 } from '../../src/web/hash-worker.js';
import { createSha256Wasm } from '../../src/web/sha256-wasm.js';
import { createWasmBackend } from '../../src/web/wasm-backend.js';
import { folderWithWorker, WORKER_MIN_BYTES, zipWithWorker } from '../../src/web/worker-digest.js';
import { demoCase, keyPair, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { readTree, zipTree } from '../helpers/forms.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const noble = (data: Uint8Array): string => {
  const h = DIGEST_ALGORITHMS.sha256.noble();
  h.update(data);
  return toHex(h.digest());
};
const bytesOf = (length: number, seed: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length }, (_, i) => (i * 31 + (i >> 9) + seed) & 0xff);

/** The worker's side and the page's side over a MessageChannel, as a Worker and its global scope would be. */
async function channel(): Promise<{ sha256: WorkerSha256; close(): void }> {
  const { port1, port2 } = new MessageChannel();
  serveSha256(port2 as unknown as HashPort, await createSha256Wasm());
  const sha256 = await connectSha256Worker(port1 as unknown as HashPort);
  return { sha256, close: () => (port1.close(), port2.close()) };
}

describe('the hashing worker', () => {
  let open: { sha256: WorkerSha256; close(): void };
  beforeAll(async () => {
    open = await channel();
  });
  afterAll(() => open.close());

  it('gives the SHA-256 of @noble/hashes for any chunking, of several jobs at once, whole buffers or views', async () => {
    const data = bytesOf(3 * 1024 * 1024 + 17, 1);
    // The small chunkings over the first 40,001 bytes only: a message per byte of megabytes is no test of more.
    const chunkings = [7, 63, 65, 4096, 1024 * 1024, data.length];
    const hashed = chunkings.map(() => 0);
    const jobs = chunkings.map((_, i) => open.sha256.start((n) => (hashed[i]! += n)));
    // Interleaved: every job gets its next chunk in turn; odd jobs get copies (whole buffers, transferred),
    // even ones views into `data` (copied, so `data` is untouched).
    const at = chunkings.map(() => 0);
    const end = (size: number): number => (size < 4096 ? 40_001 : data.length);
    for (let busy = true; busy; ) {
      busy = false;
      for (const [i, size] of chunkings.entries()) {
        if (at[i]! >= end(size)) continue;
        busy = true;
        const view = data.subarray(at[i]!, Math.min(at[i]! + size, end(size)));
        await jobs[i]!.update(i % 2 === 1 ? view.slice() : view);
        at[i]! += size;
      }
    }
    const digests = await Promise.all(jobs.map((j) => j.digest()));
    for (const [i, d] of digests.entries()) expect(toHex(d), `chunks of ${chunkings[i]}`).toBe(noble(data.subarray(0, end(chunkings[i]!))));
    expect(hashed).toEqual(chunkings.map(end));
    // The views were copied, never detached.
    expect(data.length).toBe(3 * 1024 * 1024 + 17);
  });

  it('hashes the empty input, and refuses a second digest and an update after it', async () => {
    const job = open.sha256.start();
    await job.update(new Uint8Array(0));
    expect(toHex(await job.digest())).toBe(noble(new Uint8Array(0)));
    await expect(job.digest()).rejects.toThrow(TypeError);
    await expect(job.update(Uint8Array.of(1))).rejects.toThrow(TypeError);
  });

  it('holds the page back while more than its limit is in flight, and lets it go when the worker catches up', async () => {
    // A worker that answers only when told to.
    const sent: Array<{ t: string; id: number; bytes?: ArrayBuffer }> = [];
    const port: HashPort = { onmessage: null, postMessage: (m) => void sent.push(m as (typeof sent)[number]) };
    const connecting = connectSha256Worker(port);
    port.onmessage!({ data: { t: 'ready' } } as MessageEvent);
    const job = (await connecting).start();
    const mib = 1024 * 1024;
    let settled = 0;
    for (let i = 0; i < IN_FLIGHT_BYTES / mib; i++) await job.update(new Uint8Array(mib));
    const held = job.update(new Uint8Array(mib)).then(() => (settled += 1));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(0);
    const id = sent[0]!.id;
    port.onmessage!({ data: { t: 'hashed', id, bytes: mib } } as MessageEvent);
    await held;
    expect(settled).toBe(1);
    expect(sent.filter((m) => m.t === 'chunk')).toHaveLength(IN_FLIGHT_BYTES / mib + 1);
  });

  it('refuses to start when the worker cannot hash or never answers, and fails the jobs of a worker that dies', async () => {
    const { port1, port2 } = new MessageChannel();
    serveSha256(port2 as unknown as HashPort, new Error('no WebAssembly SIMD'));
    await expect(connectSha256Worker(port1 as unknown as HashPort)).rejects.toThrow(/cannot hash: no WebAssembly SIMD/);
    port1.close();
    const silent: HashPort = { onmessage: null, postMessage: () => undefined };
    await expect(connectSha256Worker(silent, 20)).rejects.toThrow(/did not start/);
    const dying: HashPort & { onerror: ((e: ErrorEvent) => void) | null } = { onmessage: null, onerror: null, postMessage: () => undefined };
    const connecting = connectSha256Worker(dying);
    dying.onmessage!({ data: { t: 'ready' } } as MessageEvent);
    const job = (await connecting).start();
    await job.update(Uint8Array.of(1));
    const digest = job.digest();
    dying.onerror!({} as ErrorEvent);
    await expect(digest).rejects.toThrow(/worker failed/);
    await expect((await connecting).start().update(Uint8Array.of(1))).rejects.toThrow(/worker failed/);
  });
});

describe('folder and ZIP sources with the hashing worker', () => {
  let dir: string;
  let packager: KeyPair;
  let open: { sha256: WorkerSha256; close(): void };
  const currentDate = new Date('2026-11-01T00:00:00Z');
  beforeAll(async () => {
    dir = await tempDir('evb-worker-digest-');
    packager = await keyPair();
    open = await channel();
    const { metadata, items } = await demoCase();
    // Two items over the worker's threshold, one of them not a whole number of chunks.
    for (const [name, size] of [['big.bin', 3 * 1024 * 1024 + 5], ['edge.bin', WORKER_MIN_BYTES]] as const) {
      await fsp.writeFile(join(dir, name), bytesOf(size, name.length));
      items.push({ ...items[0]!, id: name.replace('.bin', ''), path: name, mediaType: 'application/octet-stream', source: join(dir, name) } as (typeof items)[number]);
    }
    for (const name of ['ok', 'bad']) {
      await packBundle(join(dir, name), { metadata, items, signers: [{ signer: packager.signer, role: 'packager' }], algorithms: ['sha512', 'blake3'], createdAt: new Date('2026-10-06T09:00:00Z') });
    }
    const big = join(dir, 'bad', 'data', 'big.bin');
    await fsp.chmod(big, 0o644);
    const bytes = await fsp.readFile(big);
    bytes[2 * 1024 * 1024] = bytes[2 * 1024 * 1024]! ^ 1;
    await fsp.writeFile(big, bytes);
    for (const name of ['ok', 'bad']) await zipTree(join(dir, name), join(dir, `${name}.zip`));
  });
  afterAll(async () => {
    open.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('verifies a folder and a ZIP to the same report as without the worker, VALID and INVALID, the progress told and taken back', async () => {
    const backend = await createWasmBackend();
    for (const name of ['ok', 'bad']) {
      const files = new Map([...(await readTree(join(dir, name)))].map(([p, b]) => [p, new Blob([b as Uint8Array<ArrayBuffer>])]));
      const zip = new Blob([new Uint8Array(await fsp.readFile(join(dir, `${name}.zip`)))]);
      let live = 0;
      let most = 0;
      const options = { sha256: open.sha256, backend, onHashing: (d: number) => ((live += d), (most = Math.max(most, live))) };
      const pairs: Array<[BagSource, BagSource]> = [
        [folderSource(files), folderWithWorker(folderSource(files), files, options)],
        [await openZipSource(blobReader(zip)), zipWithWorker(await openZipSource(blobReader(zip), { backend }), options)],
      ];
      for (const [plain, withWorker] of pairs) {
        const expected = await verifyBundle(plain, { trustedKeys: [packager.publicJwk], currentDate });
        const got = await verifyBundle(withWorker, { trustedKeys: [packager.publicJwk], currentDate, backend });
        expect(got).toEqual(expected);
        expect(got.outcome).toBe(name === 'ok' ? 'VALID' : 'INVALID');
      }
      expect(live).toBe(0);
      expect(most).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
    }
  });

  it("reports a ZIP entry's wrong CRC-32 as the ZIP reader does, with the digests of the bytes as they are", async () => {
    const bytes = new Uint8Array(await fsp.readFile(join(dir, 'ok.zip')));
    const source = await openZipSource(blobReader(new Blob([bytes])));
    const { offset } = source.entryData('data/big.bin');
    bytes[offset + 1000] = bytes[offset + 1000]! ^ 1;
    const plain = await openZipSource(blobReader(new Blob([bytes])));
    const withWorker = zipWithWorker(await openZipSource(blobReader(new Blob([bytes]))), { sha256: open.sha256 });
    const expected = await plain.digest('data/big.bin', ['sha256', 'sha512']);
    expect(expected.problems.map((p) => p.code)).toEqual(['zip.entry.crc-mismatch']);
    expect(await withWorker.digest('data/big.bin', ['sha256', 'sha512'])).toEqual(expected);
    await expect(withWorker.digest('data/none.bin', ['sha256'])).rejects.toThrow(EvidenceBundleError);
  });

  it('turns a hashing worker that fails into ERR_IO (the receiver cannot hash: no verdict), never a finding', async () => {
    const dying: HashPort & { onerror: ((e: ErrorEvent) => void) | null } = { onmessage: null, onerror: null, postMessage: () => undefined };
    const connecting = connectSha256Worker(dying);
    dying.onmessage!({ data: { t: 'ready' } } as MessageEvent);
    const sha256 = await connecting;
    dying.onerror!({} as ErrorEvent);
    const files = new Map([['data/a.bin', new Blob([bytesOf(2 * WORKER_MIN_BYTES, 4)])]]);
    let live = 0;
    const source = folderWithWorker(folderSource(files), files, { sha256, onHashing: (d) => (live += d) });
    await expect(source.digest!('data/a.bin', ['sha256'])).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(live).toBe(0);
  });

  it('gives the read error of a folder file the browser cannot read any more (ERR_IO), and takes its progress back', async () => {
    const good = bytesOf(2 * WORKER_MIN_BYTES, 3);
    let pulls = 0;
    // A File whose stream fails after its first chunk, as Chromium's does when the file changed on disk.
    const failing = Object.assign(new Blob([good]), {
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulls++ === 0) controller.enqueue(good.slice(0, WORKER_MIN_BYTES));
            else controller.error(new DOMException('changed', 'NotReadableError'));
          },
        }),
    });
    const files = new Map([['data/a.bin', failing as Blob]]);
    let live = 0;
    const source = folderWithWorker(folderSource(files), files, { sha256: open.sha256, onHashing: (d) => (live += d) });
    await expect(source.digest!('data/a.bin', ['sha256'])).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(live).toBe(0);
  });
});
