// Test-side CBOR tooling, written apart from src/ so that it does not share the decoder's mistakes: a minimal
// reader of definite-length items (offsets only) and the non-canonical variants of a valid encoding.
import type { ErrorCode } from '../../src/errors.js';

/** One data item of an encoding: where its head and its whole item lie, and its sub-items. */
export interface CborNode {
  start: number;
  headEnd: number;
  end: number;
  major: number;
  /** The head's argument: a count, a length or an integer value (0 for simple values). */
  argument: number;
  children: CborNode[];
}

/** Reads a definite-length, well-formed item (what the encoder writes) as a tree of offsets. */
export function readTree(bytes: Uint8Array, start = 0): CborNode {
  const initial = bytes[start]!;
  const major = initial >> 5;
  const info = initial & 31;
  let argument = info;
  let headEnd = start + 1;
  if (info >= 24 && info <= 27) {
    const width = 1 << (info - 24);
    argument = 0;
    for (let i = 0; i < width; i++) argument = argument * 256 + bytes[start + 1 + i]!;
    headEnd += width;
  }
  if (major === 7) return { start, headEnd, end: headEnd, major, argument: 0, children: [] };
  const children: CborNode[] = [];
  let end = headEnd;
  if (major === 2 || major === 3) end += argument;
  if (major === 4 || major === 5) {
    const count = major === 5 ? argument * 2 : argument;
    for (let i = 0; i < count; i++) {
      const child = readTree(bytes, end);
      children.push(child);
      end = child.end;
    }
  }
  return { start, headEnd, end, major, argument, children };
}

/** Every node of the tree, depth first. */
export function allNodes(node: CborNode): CborNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

/** A head of the given major type and argument in the given width (0 = in the initial byte). */
export function head(major: number, argument: number, width: 0 | 1 | 2 | 4 | 8): Uint8Array {
  if (width === 0) return Uint8Array.of((major << 5) | argument);
  const out = new Uint8Array(1 + width);
  out[0] = (major << 5) | (24 + Math.log2(width));
  let rest = argument;
  for (let i = width; i >= 1; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** The width the deterministic encoding gives an argument. */
export function shortestWidth(argument: number): 0 | 1 | 2 | 4 | 8 {
  return argument < 24 ? 0 : argument < 0x100 ? 1 : argument < 0x10000 ? 2 : argument < 0x1_0000_0000 ? 4 : 8;
}

function splice(bytes: Uint8Array, from: number, to: number, ...insert: Uint8Array[]): Uint8Array {
  const parts = [bytes.subarray(0, from), ...insert, bytes.subarray(to)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A rewritten encoding and the code the strict decoder must refuse it with. */
export interface Variant {
  what: string;
  bytes: Uint8Array;
  code: ErrorCode;
}

/**
 * Every non-canonical variant of a valid deterministic encoding that one rewrite makes: each head widened to
 * every longer width, each string, array and map made indefinite-length, each pair of adjacent map entries
 * swapped, each map entry repeated, each integer written as a float64, a trailing byte, and every truncation.
 */
export function nonCanonicalVariants(bytes: Uint8Array): Variant[] {
  const root = readTree(bytes);
  const out: Variant[] = [];
  for (const node of allNodes(root)) {
    if (node.major !== 7) {
      const width = shortestWidth(node.argument);
      for (const wider of [1, 2, 4, 8] as const) {
        if (wider <= width) continue;
        out.push({
          what: `head at ${node.start} widened to ${wider} bytes`,
          bytes: splice(bytes, node.start, node.headEnd, head(node.major, node.argument, wider)),
          code: 'ERR_CBOR_NOT_DETERMINISTIC',
        });
      }
    }
    if (node.major === 2 || node.major === 3) {
      out.push({
        what: `string at ${node.start} as one chunk of an indefinite-length string`,
        bytes: splice(bytes, node.start, node.end, Uint8Array.of((node.major << 5) | 31), bytes.subarray(node.start, node.end), Uint8Array.of(0xff)),
        code: 'ERR_CBOR_NOT_DETERMINISTIC',
      });
    }
    if (node.major === 4 || node.major === 5) {
      out.push({
        what: `container at ${node.start} with indefinite length`,
        bytes: splice(bytes, node.start, node.end, Uint8Array.of((node.major << 5) | 31), bytes.subarray(node.headEnd, node.end), Uint8Array.of(0xff)),
        code: 'ERR_CBOR_NOT_DETERMINISTIC',
      });
    }
    if (node.major === 5) {
      const entries = node.argument;
      for (let i = 0; i + 1 < entries; i++) {
        const a = node.children[2 * i]!;
        const b = node.children[2 * i + 2]!;
        const bEnd = node.children[2 * i + 3]!.end;
        out.push({
          what: `map at ${node.start} with entries ${i} and ${i + 1} swapped`,
          bytes: splice(bytes, a.start, bEnd, bytes.subarray(b.start, bEnd), bytes.subarray(a.start, b.start)),
          code: 'ERR_CBOR_NOT_DETERMINISTIC',
        });
      }
      for (let i = 0; i < entries; i++) {
        const key = node.children[2 * i]!;
        const entry = bytes.subarray(key.start, node.children[2 * i + 1]!.end);
        const withCount = splice(bytes, node.start, node.headEnd, head(5, entries + 1, shortestWidth(entries + 1)));
        const shift = shortestWidthBytes(entries + 1) - (node.headEnd - node.start);
        out.push({
          what: `map at ${node.start} with entry ${i} repeated`,
          bytes: splice(withCount, key.start + shift, key.start + shift, entry),
          code: 'ERR_CBOR_NOT_DETERMINISTIC',
        });
      }
    }
    if (node.major === 0 || node.major === 1) {
      const value = node.major === 0 ? node.argument : -1 - node.argument;
      const float = new Uint8Array(9);
      float[0] = 0xfb;
      new DataView(float.buffer).setFloat64(1, value);
      out.push({
        what: `integer at ${node.start} as a float64`,
        bytes: splice(bytes, node.start, node.headEnd, float),
        code: 'ERR_CBOR_UNSUPPORTED_VALUE',
      });
    }
  }
  out.push({ what: 'a trailing byte', bytes: splice(bytes, bytes.length, bytes.length, Uint8Array.of(0)), code: 'ERR_CBOR_MALFORMED' });
  for (let length = 0; length < bytes.length; length++) {
    out.push({ what: `truncated to ${length} bytes`, bytes: bytes.slice(0, length), code: 'ERR_CBOR_MALFORMED' });
  }
  return out;
}

function shortestWidthBytes(argument: number): number {
  return 1 + shortestWidth(argument);
}
