// Runs inside Chromium for bench/browser-hash.ts: each contender hashes the same pseudo-random bytes in 1 MiB
// chunks, the way the verifier page feeds a file (File.stream() gives chunks of about that size), `runs` times
// interleaved with the others; the median is reported.
import { sha256 } from '@noble/hashes/sha2.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { createBLAKE3, createSHA256, createSHA512 } from 'hash-wasm';
import { sha512 } from '@noble/hashes/sha2.js';
import { crc32 } from '../src/zip/crc32.js';
import { createSha256Wasm } from '../src/web/sha256-wasm.js';

interface Hasher {
  update(chunk: Uint8Array): unknown;
  digest(): unknown;
}

async function run(totalMiB: number, runs: number): Promise<Array<{ label: string; gbPerSecond: number; all: number[] }>> {
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
  const seen = new Map<string, number[]>(contenders.map(([label]) => [label, []]));
  const oneShotLabel = 'SHA-256 WebCrypto (one-shot, 64 MiB)';
  seen.set(oneShotLabel, []);
  // WebCrypto for reference: one-shot only (no streaming), so it cannot hash an item larger than memory.
  const oneShot = new Uint8Array(64 * 1024 * 1024);
  for (let i = 0; i < 64; i++) oneShot.set(chunk, i * chunk.length);
  for (let r = 0; r < runs; r++) {
    for (const [label, make] of contenders) {
      const h = await make();
      h.update(chunk.subarray(0, 4096)); // warm the JIT before timing
      const started = performance.now();
      for (let i = 0; i < totalMiB; i++) h.update(chunk);
      h.digest();
      const seconds = (performance.now() - started) / 1000;
      seen.get(label)!.push((totalMiB * 1024 * 1024) / seconds / 1e9);
    }
    const started = performance.now();
    await crypto.subtle.digest('SHA-256', oneShot);
    seen.get(oneShotLabel)!.push(oneShot.length / ((performance.now() - started) / 1000) / 1e9);
  }
  // The page's pipeline, not just the hash: a Blob (as a picked File is) read through stream() as the folder
  // source reads an item, or in 8 MiB slice().arrayBuffer() reads, into the page's SHA-256.
  const blob = new Blob(Array.from({ length: totalMiB }, () => chunk));
  const make = pageSha256;
  const pipelines: Array<[string, () => Promise<void>]> = [
    ['SHA-256 page: Blob.stream() -> wasm', async () => {
      const h = make();
      const reader = blob.stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) h.update(r.value);
      h.digest();
    }],
    ['SHA-256 page: Blob.slice(8 MiB) -> wasm', async () => {
      const h = make();
      for (let at = 0; at < blob.size; at += 8 << 20) h.update(new Uint8Array(await blob.slice(at, at + (8 << 20)).arrayBuffer()));
      h.digest();
    }],
  ];
  for (const [label] of pipelines) seen.set(label, []);
  for (let r = 0; r < runs; r++) {
    for (const [label, pipeline] of pipelines) {
      const started = performance.now();
      await pipeline();
      seen.get(label)!.push(blob.size / ((performance.now() - started) / 1000) / 1e9);
    }
  }
  const results = [...seen].map(([label, all]) => {
    const sorted = [...all].sort((a, b) => a - b);
    return { label, gbPerSecond: sorted[Math.floor(sorted.length / 2)]!, all };
  });
  return results;
}

(globalThis as unknown as { runBench: typeof run }).runBench = run;
