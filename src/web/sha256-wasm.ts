// A SHA-256 (FIPS 180-4) compression function in WebAssembly, written out by this module as bytecode rather than
// compiled by a toolchain: the source is this generator, there is no binary to drift from it, and the page builds
// the module when it opens (a few microseconds). Faster than hash-wasm's SHA-256 because each 64-byte block is
// read straight from the input (no copy into a block buffer, no byte-by-byte gathering: four 16-byte loads and
// shuffles do the big-endian conversion), the message schedule is computed four words at a time with 128-bit
// SIMD with K added, each round takes its W + K from a vector lane (never through memory), and the 64 rounds are
// unrolled with the working variables renamed instead of moved. About a third fewer machine instructions than
// hash-wasm per block (callgrind, in Node); bench/browser-hash.ts measures both in Chromium.
import type { IncrementalHash } from '../entries/digest.js';

// Memory layout of the module (two 64 KiB pages): the state H0..H7, the constants K, and the input area that
// `update` copies chunks into.
const STATE = 0;
const K_AT = 512;
const INPUT = 1024;
const INPUT_BYTES = 64 * 1024;
const PAGES = 2;

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
// Section 5.3.3: the initial hash value.
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// The WebAssembly opcodes used (core specification 5.4, SIMD proposal as merged into 2.0).
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Store: 0x36, i32Const: 0x41, i32Eqz: 0x45,
  i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Xor: 0x73, i32Rotr: 0x78,
} as const;
const SIMD = { load: 0x00, store: 0x0b, shuffle: 0x0d, extractLane: 0x1b, or: 0x50, xor: 0x51, shl: 0xab, shrU: 0xad, add: 0xae } as const;
const I32 = 0x7f;
const V128 = 0x7b;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/** The body of `compress(ptr, blocks)`: hashes `blocks` 64-byte blocks at `ptr` into the state at address 0. */
function compressBody(): number[] {
  // Locals: 0 ptr, 1 blocks (parameters); 2..9 the working variables; 10 t1; 11, 12 a^b of this and the last
  // round; 13..16 the last four schedule vectors; 17..19 vector temporaries; 20 the group's W + K.
  const PTR = 0, BLOCKS = 1, VARS = 2, T1 = 10, AB = [11, 12], X = 13, VT = 17, WKV = 20;
  const c: number[] = [];
  const get = (l: number): void => void c.push(OP.localGet, ...uleb(l));
  const set = (l: number): void => void c.push(OP.localSet, ...uleb(l));
  const tee = (l: number): void => void c.push(OP.localTee, ...uleb(l));
  const i32 = (n: number): void => void c.push(OP.i32Const, ...sleb(n | 0));
  const op = (...codes: number[]): void => void c.push(...codes);
  const simd = (code: number, ...rest: number[]): void => void c.push(0xfd, ...uleb(code), ...rest);
  const load = (offset: number): void => void c.push(OP.i32Load, 2, ...uleb(offset));
  const store = (offset: number): void => void c.push(OP.i32Store, 2, ...uleb(offset));
  // Word lanes of two vectors as byte lanes of i8x16.shuffle: word j of the first is 4j.., of the second 16+4j..
  const shuffleWords = (...words: number[]): void => simd(SIMD.shuffle, ...words.flatMap((w) => [4 * w, 4 * w + 1, 4 * w + 2, 4 * w + 3]));
  // sigma0 / sigma1 of the vector on the stack (left there): rotations as shift pairs, whose bits never overlap.
  const smallSigma = (v: number, r1: number, r2: number, s: number): void => {
    tee(v);
    i32(r1); simd(SIMD.shrU);
    get(v); i32(32 - r1); simd(SIMD.shl); simd(SIMD.xor);
    get(v); i32(r2); simd(SIMD.shrU); simd(SIMD.xor);
    get(v); i32(32 - r2); simd(SIMD.shl); simd(SIMD.xor);
    get(v); i32(s); simd(SIMD.shrU); simd(SIMD.xor);
  };

  // Round t, the variables renamed instead of moved: variable i (a = 0 .. h = 7) lives in local VARS + (i - t) mod 8.
  const round = (t: number): void => {
    const v = (i: number): number => VARS + ((((i - t) % 8) + 8) % 8);
    const [a, b, , d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map(v) as [number, number, number, number, number, number, number, number];
    const ab = AB[t % 2]!, bc = AB[(t + 1) % 2]!;
    // t1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t], Ch = ((f ^ g) & e) ^ g
    get(h);
    get(e); i32(6); op(OP.i32Rotr); get(e); i32(11); op(OP.i32Rotr); op(OP.i32Xor); get(e); i32(25); op(OP.i32Rotr); op(OP.i32Xor);
    op(OP.i32Add);
    get(f); get(g); op(OP.i32Xor); get(e); op(OP.i32And); get(g); op(OP.i32Xor);
    op(OP.i32Add);
    get(WKV); simd(SIMD.extractLane, t % 4); op(OP.i32Add);
    tee(T1);
    get(d); op(OP.i32Add); set(d);
    // h = t1 + S0(a) + Maj(a, b, c), Maj = ((a ^ b) & (b ^ c)) ^ b, b ^ c being the last round's a ^ b
    get(T1);
    get(a); i32(2); op(OP.i32Rotr); get(a); i32(13); op(OP.i32Rotr); op(OP.i32Xor); get(a); i32(22); op(OP.i32Rotr); op(OP.i32Xor);
    op(OP.i32Add);
    get(a); get(b); op(OP.i32Xor); tee(ab); get(bc); op(OP.i32And); get(b); op(OP.i32Xor);
    op(OP.i32Add);
    set(h);
  };

  // The state is loaded into the working variables for each block and added back after it.
  op(OP.block, 0x40, OP.loop, 0x40);
  get(BLOCKS); op(OP.i32Eqz, OP.brIf, 1);
  for (let i = 0; i < 8; i++) {
    i32(0); load(STATE + 4 * i); set(VARS + i);
  }
  get(VARS + 1); get(VARS + 2); op(OP.i32Xor); set(AB[1]!); // b ^ c, the "last a ^ b" of round 0
  // Sixteen groups of four words: the group's W[t..t+3] (the block's own words byte-swapped by one shuffle for
  // t < 16, else from the schedule), K[t..t+3] added lane-wise, then the four rounds that use them, each taking
  // its W[t] + K[t] from a lane. Nothing goes through memory, so no load waits on a wider store before it.
  for (let g = 0; g < 16; g++) {
    const x = (k: number): number => X + ((g + k) % 4); // in the schedule, x(0) is the oldest and is replaced
    if (g < 4) {
      get(PTR); simd(SIMD.load, 4, ...uleb(16 * g));
      tee(VT);
      get(VT);
      simd(SIMD.shuffle, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    } else {
      // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]: lane-wise but for s1, taken for lanes 0-1 from x3's
      // lanes 2-3, then for lanes 2-3 from the two words just made.
      const partial = VT, half = VT + 1, tmp = VT + 2;
      get(x(0));
      get(x(0)); get(x(1)); shuffleWords(1, 2, 3, 4); smallSigma(tmp, 7, 18, 3); simd(SIMD.add);
      get(x(2)); get(x(3)); shuffleWords(1, 2, 3, 4); simd(SIMD.add);
      tee(partial);
      get(x(3)); get(x(3)); shuffleWords(2, 3, 2, 3); smallSigma(tmp, 17, 19, 10); simd(SIMD.add);
      tee(half);
      get(partial); get(half); get(half); shuffleWords(0, 1, 0, 1); smallSigma(tmp, 17, 19, 10); simd(SIMD.add);
      shuffleWords(0, 1, 6, 7);
    }
    tee(g < 4 ? X + g : x(0));
    i32(0); simd(SIMD.load, 4, ...uleb(K_AT + 16 * g)); simd(SIMD.add);
    set(WKV);
    for (let j = 0; j < 4; j++) round(4 * g + j);
  }
  // After 64 rounds (a multiple of 8) the names are back in place: H[i] += variable i.
  for (let i = 0; i < 8; i++) {
    i32(0); i32(0); load(STATE + 4 * i); get(VARS + i); op(OP.i32Add); store(STATE + 4 * i);
  }
  get(PTR); i32(64); op(OP.i32Add); set(PTR);
  get(BLOCKS); i32(1); op(OP.i32Sub); set(BLOCKS);
  op(OP.br, 0, OP.end, OP.end, OP.end);
  const locals = vec([[...uleb(11), I32], [...uleb(8), V128]]);
  return [...locals, ...c];
}

/** The module's bytes: exports `memory` and `compress(ptr, blocks)`; K is in a data segment. */
export function sha256WasmBytes(): Uint8Array<ArrayBuffer> {
  const body = compressBody();
  const kBytes = K.flatMap((k) => [k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, k >>> 24]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), 0x00]])),
    ...section(3, vec([[0x00]])),
    ...section(5, vec([[0x00, ...uleb(PAGES)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0x00], [...name('compress'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
    ...section(11, vec([[0x00, OP.i32Const, ...sleb(K_AT), OP.end, ...uleb(kBytes.length), ...kBytes]])),
  ]);
}

/**
 * Compiles the module and returns a maker of SHA-256 hashes on it. One instance serves every hash: each keeps its
 * own state and partial block in JavaScript and puts them into the instance's memory only for the duration of an
 * `update`, which is synchronous, so hashes of several files in flight never share state.
 * @throws (rejects) when the browser has no WebAssembly or no 128-bit SIMD, or a CSP forbids compiling it.
 * @example const sha256 = await createSha256Wasm(); const h = sha256(); h.update(bytes); h.digest();
 */
export async function createSha256Wasm(): Promise<() => IncrementalHash> {
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(sha256WasmBytes()));
  const memory = instance.exports['memory'] as WebAssembly.Memory;
  const compress = instance.exports['compress'] as (ptr: number, blocks: number) => void;
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer, STATE, 8);
  return () => {
    const state = Int32Array.from(H0);
    const partial = new Uint8Array(64);
    let partialLength = 0;
    let total = 0;
    let done = false;
    // Feeds `chunk` through the instance: the partial block first, then the chunk in input-area pieces.
    const feed = (chunk: Uint8Array): void => {
      words.set(state);
      bytes.set(partial.subarray(0, partialLength), INPUT);
      let fill = partialLength;
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(INPUT_BYTES - fill, chunk.length - offset);
        bytes.set(chunk.subarray(offset, offset + take), INPUT + fill);
        offset += take;
        fill += take;
        const whole = fill & ~63;
        if (whole > 0) compress(INPUT, whole >>> 6);
        bytes.copyWithin(INPUT, INPUT + whole, INPUT + fill);
        fill -= whole;
      }
      partial.set(bytes.subarray(INPUT, INPUT + fill));
      partialLength = fill;
      state.set(words);
    };
    return {
      update(chunk) {
        if (done) throw new TypeError('digest already taken');
        if (!(chunk instanceof Uint8Array)) throw new TypeError('update takes a Uint8Array');
        total += chunk.length;
        // A chunk that does not complete the partial block only joins it.
        if (partialLength + chunk.length < 64) {
          partial.set(chunk, partialLength);
          partialLength += chunk.length;
          return;
        }
        feed(chunk);
      },
      digest() {
        if (done) throw new TypeError('digest already taken');
        done = true;
        // Section 5.1.1: a 1 bit, zeros to 56 mod 64 bytes, the message length in bits as a 64-bit big-endian.
        const padding = new Uint8Array((partialLength < 56 ? 56 : 120) - partialLength + 8);
        padding[0] = 0x80;
        const view = new DataView(padding.buffer);
        view.setUint32(padding.length - 8, Math.floor(total / 0x20000000));
        view.setUint32(padding.length - 4, (total * 8) >>> 0);
        feed(padding);
        const out = new Uint8Array(32);
        const outView = new DataView(out.buffer);
        for (let i = 0; i < 8; i++) outView.setUint32(4 * i, state[i]!);
        return out;
      },
    };
  };
}
