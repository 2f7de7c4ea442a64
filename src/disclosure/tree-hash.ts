// SHA-256 (FIPS 180-4) of the two short messages a commitment tree hashes a million times: a leaf,
// 0x00 || committed value, and a node, 0x01 || left || right (RFC 9162 section 2.1.1). Read straight from where
// the bytes already are and written straight to where the hash goes, with one shared message schedule and state,
// so a hash allocates nothing. A native one-shot (node:crypto) costs more per call for such short inputs than
// the compression itself (about 11,000 instructions a call in a callgrind count, whatever the length), and
// @noble/hashes allocates a hasher and its output per call. Differential tests hold these functions to
// @noble/hashes and node:crypto for every leaf length up to 300 bytes and random ones up to 5,000, and the trees
// to the recursive RFC 9162 definition (tests/disclosure/canonical-writer.test.ts). Internal to src/disclosure.

// prettier-ignore
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
// prettier-ignore
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/** The message schedule; W[0..15] is filled by the caller before each compression. */
const W = new Int32Array(64);
/** The chaining value. */
const S = new Int32Array(8);
/** The last one or two blocks of a leaf: its tail and the padding. */
const TAIL = new Uint8Array(128);

/** One SHA-256 compression of the block in W[0..15] into S. */
function compress(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (s1 + W[i - 7]! + s0 + W[i - 16]!) | 0;
  }
  let a = S[0]!;
  let b = S[1]!;
  let c = S[2]!;
  let d = S[3]!;
  let e = S[4]!;
  let f = S[5]!;
  let g = S[6]!;
  let h = S[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  S[0] = (S[0]! + a) | 0;
  S[1] = (S[1]! + b) | 0;
  S[2] = (S[2]! + c) | 0;
  S[3] = (S[3]! + d) | 0;
  S[4] = (S[4]! + e) | 0;
  S[5] = (S[5]! + f) | 0;
  S[6] = (S[6]! + g) | 0;
  S[7] = (S[7]! + h) | 0;
}

/** W[0..15] from the 64 bytes of `bytes` at `at`, big-endian. */
function load(bytes: Uint8Array, at: number): void {
  for (let j = 0; j < 16; j++, at += 4) W[j] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** The hash in S, big-endian, to `out` at `at`. */
function store(out: Uint8Array, at: number): void {
  for (let j = 0; j < 8; j++, at += 4) {
    const v = S[j]!;
    out[at] = v >>> 24;
    out[at + 1] = v >>> 16;
    out[at + 2] = v >>> 8;
    out[at + 3] = v;
  }
}

/**
 * The RFC 9162 leaf hash SHA-256(0x00 || bytes[from, from + length)) written to `out` at `at` (32 bytes); the
 * prefix byte is not stored anywhere, so the committed value is hashed where it was written (the disclosures
 * file). `out` may be `bytes` only outside the range read.
 */
export function leafHashInto(bytes: Uint8Array, from: number, length: number, out: Uint8Array, at: number): void {
  S.set(IV);
  const total = length + 1; // message bytes, the prefix included
  const full = Math.floor(total / 64);
  // Message byte m is bytes[from - 1 + m] (m >= 1); m = 0 is the prefix 0x00.
  if (full > 0) {
    // The first word holds the prefix and three bytes; the other words are four bytes from bytes[from + 3].
    W[0] = (bytes[from]! << 16) | (bytes[from + 1]! << 8) | bytes[from + 2]!;
    for (let j = 1, p = from + 3; j < 16; j++, p += 4) W[j] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
    compress();
    for (let k = 1; k < full; k++) {
      load(bytes, from - 1 + 64 * k);
      compress();
    }
  }
  // The tail (0 to 63 message bytes), 0x80, zeros, and the length in bits as 64 bits, in one or two blocks.
  const rest = total - 64 * full;
  TAIL.fill(0);
  let m = 64 * full;
  let t = 0;
  if (m === 0) {
    t = 1; // the prefix, 0x00
    m = 1;
  }
  for (; t < rest; t++, m++) TAIL[t] = bytes[from - 1 + m]!;
  TAIL[rest] = 0x80;
  const blocks = rest + 9 > 64 ? 2 : 1;
  const end = 64 * blocks;
  const high = Math.floor(total / 0x20000000); // total * 8 / 2^32
  const low = (total * 8) >>> 0;
  TAIL[end - 8] = high >>> 24;
  TAIL[end - 7] = high >>> 16;
  TAIL[end - 6] = high >>> 8;
  TAIL[end - 5] = high;
  TAIL[end - 4] = low >>> 24;
  TAIL[end - 3] = low >>> 16;
  TAIL[end - 2] = low >>> 8;
  TAIL[end - 1] = low;
  load(TAIL, 0);
  compress();
  if (blocks === 2) {
    load(TAIL, 64);
    compress();
  }
  store(out, at);
}

/**
 * The RFC 9162 node hash SHA-256(0x01 || left || right) of the two 32-byte hashes that lie side by side in
 * `level` at `from` (left) and `from + 32` (right), written to `out` at `at` (which may overlap them: they are
 * read first).
 */
export function nodeHashInto(level: Uint8Array, from: number, out: Uint8Array, at: number): void {
  S.set(IV);
  // The 65-byte message is one byte off the words of the children: 0x01, then 63 of their 64 bytes...
  W[0] = 0x01000000 | (level[from]! << 16) | (level[from + 1]! << 8) | level[from + 2]!;
  for (let j = 1, p = from + 3; j < 16; j++, p += 4) W[j] = (level[p]! << 24) | (level[p + 1]! << 16) | (level[p + 2]! << 8) | level[p + 3]!;
  compress();
  // ...then the last byte, 0x80, zeros, and the length: 520 bits.
  W[0] = (level[from + 63]! << 24) | 0x00800000;
  for (let j = 1; j < 15; j++) W[j] = 0;
  W[15] = 520;
  compress();
  store(out, at);
}

/**
 * The RFC 9162 Merkle tree hash of `count` leaf hashes lying side by side in `leaves` (32 bytes each, from
 * offset 0). Computed bottom-up in one copy of the leaves, pairing neighbours and promoting a last odd node
 * unchanged (never duplicated): the same tree as the recursive split at the largest power of two smaller than
 * n. `count` is at least 1 (the caller answers the empty tree).
 */
export function flatMerkleRoot(leaves: Uint8Array, count: number): Uint8Array {
  if (count === 1) return leaves.slice(0, 32);
  const level = new Uint8Array(Math.ceil(count / 2) * 32);
  let size = count;
  let from = leaves;
  while (size > 1) {
    const next = Math.ceil(size / 2);
    for (let i = 0; i + 1 < size; i += 2) nodeHashInto(from, i * 32, level, (i >> 1) * 32);
    // A last odd node is promoted unchanged (never duplicated).
    if (size % 2 === 1) {
      if (from === level) level.copyWithin((next - 1) * 32, (size - 1) * 32, size * 32);
      else level.set(from.subarray((size - 1) * 32, size * 32), (next - 1) * 32);
    }
    from = level;
    size = next;
  }
  return level.slice(0, 32);
}
