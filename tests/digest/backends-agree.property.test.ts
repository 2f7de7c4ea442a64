import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHM_NAMES, nobleBackend } from '../../src/digest/algorithms.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { nodeBackend } from '../../src/node/digest-backend.js';

/** Cuts `bytes` at the given offsets (taken modulo its length), giving chunks that may be empty. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

// Lengths around block sizes (64 and 128 for SHA-2, 136 for SHA3-256's rate, 1024 for a BLAKE3 chunk) are where
// padding and tree bugs live, so they are drawn on purpose alongside arbitrary ones.
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.uint8Array({ minLength: 1000, maxLength: 5000 }),
  fc.constantFrom(63, 64, 65, 127, 128, 129, 135, 136, 137, 1023, 1024, 1025, 2048, 3073).chain((n) =>
    fc.uint8Array({ minLength: n, maxLength: n }),
  ),
);

describe('noble and node:crypto backends', () => {
  it('give the same DigestSet for every algorithm, whatever the chunking on either side', () => {
    fc.assert(
      fc.property(payload, fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (bytes, cutsA, cutsB) => {
        const noble = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend: nobleBackend });
        const node = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend: nodeBackend });
        for (const c of chunk(bytes, cutsA)) noble.update(c);
        for (const c of chunk(bytes, cutsB)) node.update(c);
        expect(node.size).toBe(bytes.length);
        expect(node.digest()).toEqual(noble.digest());
      }),
      { numRuns: 300 },
    );
  });

  it("node:crypto's one-shot gives what noble's incremental hash gives, as a plain Uint8Array, or declines", () => {
    fc.assert(
      fc.property(payload, (bytes) => {
        for (const algorithm of DIGEST_ALGORITHM_NAMES) {
          const once = nodeBackend.digestOnce!(algorithm, bytes);
          const hash = nobleBackend.create(algorithm)!;
          hash.update(bytes);
          if (algorithm === 'blake3') {
            expect(once).toBeUndefined();
            continue;
          }
          expect(once, algorithm).toBeInstanceOf(Uint8Array);
          expect(Buffer.isBuffer(once), algorithm).toBe(false);
          expect(Buffer.from(once!).toString('hex'), algorithm).toBe(Buffer.from(hash.digest()).toString('hex'));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('differ when one byte differs (the comparison above can fail)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.nat(), (bytes, at) => {
        const flipped = bytes.slice();
        flipped[at % bytes.length]! ^= 1;
        const noble = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend: nobleBackend });
        const node = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend: nodeBackend });
        noble.update(bytes);
        node.update(flipped);
        const a = noble.digest();
        const b = node.digest();
        for (const algorithm of DIGEST_ALGORITHM_NAMES) expect(b[algorithm]).not.toBe(a[algorithm]);
      }),
      { numRuns: 50 },
    );
  });
});
