// The page's own SHA-256 in WebAssembly (src/web/sha256-wasm.ts) against node:crypto: FIPS 180-4 vectors, every
// length around the padding boundaries, arbitrary chunkings, chunks larger than the module's input area, and
// hashes interleaved on the one instance.
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IncrementalHash } from '../../src/entries/digest.js';
import { createSha256Wasm, sha256WasmBytes } from '../../src/web/sha256-wasm.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const want = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('createSha256Wasm', () => {
  let make: () => IncrementalHash;
  beforeAll(async () => {
    make = await createSha256Wasm();
  });

  it('gives the FIPS 180-4 example digests', () => {
    const of = (text: string): string => {
      const h = make();
      h.update(new TextEncoder().encode(text));
      return hex(h.digest());
    };
    expect(of('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(of('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(of('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with node:crypto on every length from 0 to 300 bytes, fed whole and byte by byte', () => {
    const data = randomBytes(300);
    for (let n = 0; n <= 300; n++) {
      const whole = make();
      whole.update(data.subarray(0, n));
      const bytewise = make();
      for (let i = 0; i < n; i++) bytewise.update(data.subarray(i, i + 1));
      const expected = want(data.subarray(0, n));
      expect(hex(whole.digest()), `length ${n}`).toBe(expected);
      expect(hex(bytewise.digest()), `length ${n} bytewise`).toBe(expected);
    }
  });

  it('agrees on large inputs in uneven chunks, across the 64 KiB input area and with empty chunks', () => {
    const data = randomBytes(3 * 65536 + 1234);
    for (const chunk of [63, 65, 4096, 65535, 65536, 65537, 200_000, data.length]) {
      const h = make();
      for (let at = 0; at < data.length; at += chunk) {
        h.update(data.subarray(at, at + chunk));
        h.update(new Uint8Array(0));
      }
      expect(hex(h.digest()), `chunk ${chunk}`).toBe(want(data));
    }
  });

  it('keeps hashes interleaved on the one instance apart', () => {
    const a = randomBytes(100_000);
    const b = randomBytes(70_001);
    const ha = make();
    const hb = make();
    for (let i = 0; i * 777 < a.length || i * 555 < b.length; i++) {
      ha.update(a.subarray(i * 777, (i + 1) * 777));
      hb.update(b.subarray(i * 555, (i + 1) * 555));
    }
    expect(hex(hb.digest())).toBe(want(b));
    expect(hex(ha.digest())).toBe(want(a));
  });

  it('refuses a second digest, an update after it, and what is not bytes', () => {
    const h = make();
    expect(() => h.update('abc' as unknown as Uint8Array)).toThrow(TypeError);
    h.digest();
    expect(() => h.digest()).toThrow(TypeError);
    expect(() => h.update(Uint8Array.of(1))).toThrow(TypeError);
  });

  it('is generated the same way each time and validates as a module', () => {
    const bytes = sha256WasmBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(hex(sha256WasmBytes())).toBe(hex(bytes));
  });
});
