import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';
import type { DigestAlgorithm, DigestBackend, IncrementalHash } from '../entries/digest.js';

// SHA-2 only: every bundle has SHA-256 and SHA-512 is the usual extra. SHA3-256 and BLAKE3 stay on
// @noble/hashes, each WebAssembly binary costing about 5-10 KB gzipped of the page.
const MAKERS: Partial<Record<DigestAlgorithm, () => Promise<IHasher>>> = {
  sha256: () => createSHA256(),
  sha512: () => createSHA512(),
};

/**
 * A {@link DigestBackend} on WebAssembly (hash-wasm): about twice as fast as @noble/hashes for SHA-256 in
 * Chromium (bench/browser-hash.ts). A WebAssembly instance is made asynchronously and `create` is synchronous,
 * so a few hashers per algorithm are made up front and reused; when all are busy, `create` declines and the
 * core falls back to @noble/hashes for that file, so the result is the same either way, only slower.
 * @param perAlgorithm hashers made up front for each algorithm (default 4, the bag validator's concurrency).
 * @throws RangeError when `perAlgorithm` is not a positive integer; rejects when WebAssembly is unavailable.
 * @example const report = await verifyBundle(source, { policy, backend: await createWasmBackend() });
 */
export async function createWasmBackend(perAlgorithm = 4): Promise<DigestBackend> {
  if (!Number.isSafeInteger(perAlgorithm) || perAlgorithm < 1) throw new RangeError('perAlgorithm must be a positive integer');
  const idle = new Map<DigestAlgorithm, IHasher[]>();
  for (const [algorithm, make] of Object.entries(MAKERS) as Array<[DigestAlgorithm, () => Promise<IHasher>]>) {
    idle.set(algorithm, await Promise.all(Array.from({ length: perAlgorithm }, make)));
  }
  return {
    name: 'hash-wasm',
    create(algorithm): IncrementalHash | undefined {
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
