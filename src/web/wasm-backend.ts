import { createSHA512, type IHasher } from 'hash-wasm';
import type { DigestAlgorithm, DigestBackend, IncrementalHash } from '../entries/digest.js';
import { createSha256Wasm } from './sha256-wasm.js';

// SHA-2 only: every bundle has SHA-256 (our own module, sha256-wasm.ts) and SHA-512 is the usual extra
// (hash-wasm). SHA3-256 and BLAKE3 stay on @noble/hashes, each WebAssembly binary costing about 5-10 KB gzipped.
const MAKERS: Partial<Record<DigestAlgorithm, () => Promise<IHasher>>> = {
  sha512: () => createSHA512(),
};

/**
 * A {@link DigestBackend} on WebAssembly: SHA-256 from this package's own module (sha256-wasm.ts, any number of
 * hashes at once), SHA-512 from hash-wasm; about four times as fast as @noble/hashes in Chromium
 * (bench/browser-hash.ts). A hash-wasm instance is made asynchronously and `create` is synchronous, so a few
 * SHA-512 hashers are made up front and reused; when all are busy, `create` declines and the core falls back to
 * @noble/hashes for that file, so the result is the same either way, only slower.
 * @param perAlgorithm SHA-512 hashers made up front (default 4, the bag validator's concurrency).
 * @throws RangeError when `perAlgorithm` is not a positive integer; rejects when WebAssembly is unavailable.
 * @example const report = await verifyBundle(source, { policy, backend: await createWasmBackend() });
 */
export async function createWasmBackend(perAlgorithm = 4): Promise<DigestBackend> {
  if (!Number.isSafeInteger(perAlgorithm) || perAlgorithm < 1) throw new RangeError('perAlgorithm must be a positive integer');
  // A browser with WebAssembly but not its SIMD (Safari before 16.4) keeps hash-wasm's SHA-512; its SHA-256 is
  // then declined, and hashed by @noble/hashes.
  const sha256 = await createSha256Wasm().catch(() => undefined);
  const idle = new Map<DigestAlgorithm, IHasher[]>();
  for (const [algorithm, make] of Object.entries(MAKERS) as Array<[DigestAlgorithm, () => Promise<IHasher>]>) {
    idle.set(algorithm, await Promise.all(Array.from({ length: perAlgorithm }, make)));
  }
  return {
    name: 'wasm',
    create(algorithm): IncrementalHash | undefined {
      if (algorithm === 'sha256') return sha256?.();
      const hasher = idle.get(algorithm)?.pop();
      if (hasher === undefined) return undefined;
      hasher.init();
      let done = false;
      return {
        update(chunk) {
          if (done) throw new TypeError('digest already taken');
          hasher.update(chunk);
        },
        digest() {
          if (done) throw new TypeError('digest already taken');
          done = true;
          const out = hasher.digest('binary');
          idle.get(algorithm)!.push(hasher);
          return out;
        },
      };
    },
  };
}
