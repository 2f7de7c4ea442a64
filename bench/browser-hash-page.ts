// Runs inside Chromium for bench/browser-hash.ts. Two parts, each `runs` times interleaved, medians reported:
// - the hashes alone: each contender hashes the same pseudo-random bytes from memory in 1 MiB chunks;
// - what the page does with a large item: a real File on disk (picked through an <input>, as the user picks it),
//   read and hashed by the page's own modules: a folder item and a ZIP entry, each the way the page did it before
//   the hashing worker (everything on the page's thread: what the validator does without a source `digest`, and
//   the ZIP reader's own `digest`) and the way it does it now (SHA-256 in the page's worker while this thread
//   reads, and checks the CRC-32: worker-digest.ts); and the read alone, for what reading costs.
import { sha256 } from '@noble/hashes/sha2.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { createBLAKE3, createSHA256, createSHA512 } from 'hash-wasm';
import { sha512 } from '@noble/hashes/sha2.js';
import { createMultiDigest } from '../src/entries/digest.js';
import { openZipSource } from '../src/index.js';
import { crc32 } from '../src/zip/crc32.js';
import { blobReader } from '../src/web/blob-reader.js';
import { folderSource } from '../src/web/folder-source.js';
import { connectSha256Worker } from '../src/web/hash-worker.js';
import { createSha256Wasm } from '../src/web/sha256-wasm.js';
import { createWasmBackend } from '../src/web/wasm-backend.js';
import { folderWithWorker, zipWithWorker } from '../src/web/worker-digest.js';

interface Hasher {
  update(chunk: Uint8Array): unknown;
  digest(): unknown;
}
type Result = { label: string; gbPerSecond: number; all: number[]; digest?: string };

async function run(totalMiB: number, runs: number, parts: string): Promise<Result[]> {
  const seen = new Map<string, number[]>();
  const digests = new Map<string, string>();
  const time = async (label: string, bytes: number, work: () => Promise<unknown>): Promise<void> => {
    const started = performance.now();
    const out = await work();
    const seconds = (performance.now() - started) / 1000;
    if (!seen.has(label)) seen.set(label, []);
    seen.get(label)!.push(bytes / seconds / 1e9);
    if (typeof out === 'string') digests.set(label, out);
  };

  if (parts.includes('hash')) {
    const chunk = new Uint8Array(1024 * 1024);
    let x = 0x9e3779b9;
    for (let i = 0; i < chunk.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk[i] = x & 0xff;
    }
    const pageSha256 = await createSha256Wasm();
    const contenders: Array<[string, () => Promise<Hasher>]> = [
      ['SHA-256 @noble/hashes', async () => sha256.create()],
      ['SHA-256 hash-wasm', async () => { const h = await createSHA256(); return { update: (c) => h.update(c), digest: () => h.digest('binary') }; }],
      // Compiled once, as the page compiles it when it opens (hash-wasm caches its compiled module likewise).
      ['SHA-256 evidence-bundle wasm (the page)', async () => pageSha256()],
      ['SHA-512 @noble/hashes', async () => sha512.create()],
      ['SHA-512 hash-wasm', async () => { const h = await createSHA512(); return { update: (c) => h.update(c), digest: () => h.digest('binary') }; }],
      ['BLAKE3 @noble/hashes', async () => blake3.create()],
      ['BLAKE3 hash-wasm', async () => { const h = await createBLAKE3(); return { update: (c) => h.update(c), digest: () => h.digest('binary') }; }],
      ['CRC-32 (core, ZIP entries)', async () => { let c = 0; return { update: (b) => (c = crc32(b, c)), digest: () => c }; }],
    ];
    // WebCrypto for reference: one-shot only (no streaming), so it cannot hash an item larger than memory.
    const oneShot = new Uint8Array(64 * 1024 * 1024);
    for (let i = 0; i < 64; i++) oneShot.set(chunk, i * chunk.length);
    for (let r = 0; r < runs; r++) {
      for (const [label, make] of contenders) {
        const h = await make();
        h.update(chunk.subarray(0, 4096)); // warm the JIT before timing
        await time(label, totalMiB * chunk.length, async () => {
          for (let i = 0; i < totalMiB; i++) h.update(chunk);
          h.digest();
        });
      }
      await time('SHA-256 WebCrypto (one-shot, 64 MiB)', oneShot.length, () => crypto.subtle.digest('SHA-256', oneShot));
    }
  }

  if (parts.includes('page')) {
    const input = document.getElementById('item') as HTMLInputElement;
    const zipInput = document.getElementById('zip') as HTMLInputElement;
    const file = input.files![0]!;
    const zipFile = zipInput.files![0]!;
    const workerCode = document.getElementById('worker')!.textContent!;
    const url = URL.createObjectURL(new Blob([workerCode], { type: 'text/javascript' }));
    const sha256Worker = await connectSha256Worker(new Worker(url));
    const backend = await createWasmBackend();
    const files = new Map([['data/item.bin', file]]);
    const zipPath = 'data/item.bin';
    const hex = (d: { sha256: string }): string => d.sha256;
    const pipelines: Array<[string, Blob, () => Promise<string | undefined>]> = [
      ['read only: File.stream()', file, async () => {
        const reader = file.stream().getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) void r.value;
        return undefined;
      }],
      ['page before: folder item, one thread', file, async () => {
        const multi = createMultiDigest(['sha256'], { backend });
        for await (const chunk of folderSource(files).read('data/item.bin')) multi.update(chunk);
        return hex(multi.digest());
      }],
      ['page now: folder item, SHA-256 in worker', file, async () => hex((await folderWithWorker(folderSource(files), files, { sha256: sha256Worker, backend }).digest!('data/item.bin', ['sha256'])).digests)],
      ['page before: ZIP entry + CRC-32, one thread', zipFile, async () => hex((await (await openZipSource(blobReader(zipFile), { backend })).digest(zipPath, ['sha256'])).digests)],
      ['page now: ZIP entry + CRC-32, SHA-256 in worker', zipFile, async () => {
        const out = await zipWithWorker(await openZipSource(blobReader(zipFile), { backend }), { sha256: sha256Worker, backend }).digest(zipPath, ['sha256']);
        if (out.problems.length > 0) throw new Error('CRC-32 mismatch');
        return hex(out.digests);
      }],
    ];
    for (let r = 0; r < runs; r++) for (const [label, blob, work] of pipelines) await time(label, blob === zipFile ? file.size : blob.size, work);
  }
  return [...seen].map(([label, all]) => {
    const sorted = [...all].sort((a, b) => a - b);
    const digest = digests.get(label);
    return { label, gbPerSecond: sorted[Math.floor(sorted.length / 2)]!, all, ...(digest === undefined ? {} : { digest }) };
  });
}

(globalThis as unknown as { runBench: typeof run }).runBench = run;
