import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/internal/bytes.js';
import { crc32 } from '../../src/zip/crc32.js';

describe('crc32', () => {
  it('the check value of CRC-32/ISO-HDLC, and 0 for no bytes', () => {
    expect(crc32(utf8Encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('continued over chunks equals the whole, and agrees with zlib', () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 2654435761) >>> 24);
    let running = 0;
    for (let i = 0; i < bytes.length; i += 333) running = crc32(bytes.subarray(i, i + 333), running);
    expect(running).toBe(crc32(bytes));
    const reference = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    if (reference !== undefined) expect(crc32(bytes)).toBe(reference(bytes));
  });

  it('agrees with zlib for every length and split, across the 16-byte slices', () => {
    const reference = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    if (reference === undefined) return;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, at) => {
        const split = Math.min(at, bytes.length);
        expect(crc32(bytes)).toBe(reference(bytes));
        expect(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split)))).toBe(reference(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
