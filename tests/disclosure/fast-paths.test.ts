// The fast paths of committing (issue 11 follow-up): the committed value by JSON.stringify of the data put in
// RFC 8785 order, the salts written without btoa, the tree with one reused input and a backend's one-shot hash.
// Each must give exactly the bytes of the general code, for the awkward values a schema-valid item may not hold
// but the public functions accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { committedValue, createSaltSource, leafHasher, merkleLeafHash, merkleNodeHash, merkleRoot } from '../../src/entries/disclosure.js';
import type { DigestBackend } from '../../src/entries/digest.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { itemCommitment, itemLeafHasher } from '../../src/disclosure/commitment.js';
import { base64urlDecodeStrict, base64urlEncode } from '../../src/internal/bytes.js';
import type { Item } from '../../src/model/item.js';
import { nodeBackend } from '../../src/node/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SALT = 'AAECAwQFBgcICQoLDA0ODw';

/** What the general writer gives for {item, salt}: its bytes, or the code it refuses with. */
function general(item: unknown, salt: unknown): string {
  try {
    return hex(canonicalizeToBytes({ item, salt }));
  } catch (error) {
    return `throws ${(error as { code?: string }).code}`;
  }
}
function fast(item: unknown, salt: unknown): string {
  try {
    return hex(committedValue(item as Item, salt as string));
  } catch (error) {
    return `throws ${(error as { code?: string }).code}`;
  }
}

class NotPlain {
  a = 1;
}
const deep = (n: number): unknown => (n === 0 ? 'x' : { d: deep(n - 1) });
const withSymbol = { a: 1, [Symbol('s')]: 2 };
const withProto = JSON.parse('{"__proto__": {"x": 1}, "b": 2}') as unknown;

describe('committedValue fast path', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['members out of order, nested', { z: { b: 1, a: [{ d: 1, c: 2 }] }, a: 'x', m: null }, SALT],
    ['array-index keys, which JavaScript reorders', { '10': 'a', '9': 'b', a: 1, '01': 2 }, SALT],
    ['only array-index keys', { '2': 1, '1': 2 }, SALT],
    ['a member named __proto__', withProto, SALT],
    ['a lone surrogate in a value', { a: '\uD800' }, SALT],
    ['a lone surrogate in a key', { ['\uDC00k']: 1 }, SALT],
    ['a lone surrogate in the salt', { a: 1 }, '\uD800'],
    ['text holding a backslash and ud800', { a: '\\ud800', b: '\\\\ud83d' }, SALT],
    ['a well-formed pair and controls', { a: '\u{1F600}\u0000\u001f\u2028"\\', é: 'ü' }, SALT],
    ['keys that differ in UTF-16 order from code points', { '\u{1F600}': 1, '\uFB01': 2, a: 3 }, SALT],
    ['numbers: -0, exponents, fractions', { a: -0, b: 1e21, c: 1e-7, d: 0.1 + 0.2, e: -5e-324 }, SALT],
    ['NaN', { a: Number.NaN }, SALT],
    ['Infinity in an array', { a: [1, Number.POSITIVE_INFINITY] }, SALT],
    ['an undefined member', { a: undefined, b: 1 }, SALT],
    ['undefined in an array', { a: [undefined] }, SALT],
    ['a function', { a: () => 1 }, SALT],
    ['a bigint', { a: 1n }, SALT],
    ['a symbol key', withSymbol, SALT],
    ['a class instance', { a: new NotPlain() }, SALT],
    ['a Date', { a: new Date(0) }, SALT],
    ['a toJSON member that is a function', { a: { toJSON: () => 'x' } }, SALT],
    ['a salt that is not a string', { a: 1 }, 7],
    ['63 levels deep', deep(63), SALT],
    ['64 levels deep', deep(64), SALT],
    ['an empty object and array', { a: {}, b: [] }, SALT],
  ];
  it.each(cases)('%s: the same bytes as the general writer, or the same refusal', (_, item, salt) => {
    expect(fast(item, salt)).toBe(general(item, salt));
  });

  it('itemLeafHasher gives itemCommitment\'s leaves, item after item through its reused buffer, any backend', () => {
    const plain = cases.filter(([, item, salt]) => !general(item, salt).startsWith('throws'));
    const long = { a: 'x'.repeat(5000), b: '\u{1F600}'.repeat(3000), c: 'é'.repeat(2000) };
    const items = [...plain.map(([, item, salt]) => [item, salt] as const), [long, SALT] as const, [{ a: 1 }, SALT] as const];
    for (const backend of [undefined, nodeBackend]) {
      const leafOf = itemLeafHasher(backend);
      for (const [item, salt] of [...items, ...items.reverse()]) {
        expect(hex(leafOf(item as Item, salt as string))).toBe(hex(itemCommitment(item as Item, salt as string)));
      }
    }
  });

  it('random JSON with members in random order gives the general writer\'s bytes', () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 4, key: fc.oneof(fc.string(), fc.constantFrom('10', '9', '0', '__proto__', 'a')) }), (item) => {
        expect(fast(item, SALT)).toBe(general(item, SALT));
      }),
      { numRuns: 300 },
    );
  });
});

describe('createSaltSource', () => {
  it('gives distinct canonical 16-byte base64url salts, across the 4,096-salt blocks', () => {
    const salt = createSaltSource();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const s = salt();
      expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const bytes = base64urlDecodeStrict(s);
      expect(bytes.length).toBe(16);
      expect(base64urlEncode(bytes)).toBe(s);
      seen.add(s);
    }
    expect(seen.size).toBe(10_000);
  });
});

describe('merkleRoot and leafHasher with backends', () => {
  const leavesOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => merkleLeafHash(new Uint8Array([i, i >> 8])));
  // The RFC 9162 definition, recursively, with @noble/hashes.
  const mth = (l: Uint8Array[]): Uint8Array => {
    if (l.length === 1) return l[0]!;
    let k = 1;
    while (k * 2 < l.length) k *= 2;
    return merkleNodeHash(mth(l.slice(0, k)), mth(l.slice(k)));
  };
  const createOnly: DigestBackend = { name: 'create-only', create: (a) => nodeBackend.create(a) };
  const declining: DigestBackend = { name: 'declining', create: () => undefined, digestOnce: () => undefined };
  it('the RFC 9162 root for every size up to 67', () => {
    for (let n = 1; n <= 67; n++) {
      const leaves = leavesOf(n);
      expect(hex(merkleRoot(leaves)), `n=${n}`).toBe(hex(mth(leaves)));
    }
    expect(hex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('refuses a leaf hash that is not 32 bytes', () => {
    expect(() => merkleRoot([new Uint8Array(32), new Uint8Array(31)])).toThrow(TypeError);
    expect(() => merkleRoot([new Uint8Array(33)])).toThrow(TypeError);
  });
  it('the leaf hash is the same from every backend', () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(9)]) {
      const expected = hex(merkleLeafHash(bytes));
      for (const backend of [nodeBackend, createOnly, declining]) expect(hex(leafHasher(backend)(bytes))).toBe(expected);
    }
  });
});
