// The byte writer of the commitments (CanonicalBytesWriter, src/encoding/jcs.ts) and the allocation-free SHA-256
// of the tree (src/disclosure/tree-hash.ts) against the general code they stand in for: the writer must give the
// general RFC 8785 writer's bytes for whatever it takes and refuse (leaving its buffer as it was) whatever the
// general writer refuses; the hashes must be @noble/hashes' and node:crypto's, for every length.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalizeToBytes, CanonicalBytesWriter } from '../../src/encoding/jcs.js';
import { committedValue, merkleLeafHash, merkleNodeHash, merkleRoot } from '../../src/entries/disclosure.js';
import { commitItems } from '../../src/entries/disclosure.js';
import { serializeDisclosuresFile } from '../../src/disclosure/disclosures-file.js';
import { flatMerkleRoot, leafHashInto, nodeHashInto } from '../../src/disclosure/tree-hash.js';
import type { Manifest } from '../../src/model/manifest.js';
import { nodeBackend } from '../../src/node/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The general writer's bytes, or the code it refuses with. */
function general(value: unknown): string {
  try {
    return hex(canonicalizeToBytes(value));
  } catch (error) {
    return `throws ${(error as { code?: string }).code}`;
  }
}

/** The byte writer's bytes after a prefix it must keep; undefined when it refuses (and then the prefix is intact). */
function written(value: unknown): string | undefined {
  const out = new CanonicalBytesWriter(8); // small, so that every value makes it grow
  out.pushAscii('[0,');
  const ok = out.tryValue(value, 1);
  const bytes = out.bytes.subarray(0, out.length);
  if (!ok) {
    expect(hex(bytes)).toBe(hex(Buffer.from('[0,')));
    return undefined;
  }
  return hex(bytes.subarray(3));
}

/** Strings with what RFC 8785 treats specially: controls, quotes, backslashes, non-ASCII, pairs and lone surrogates. */
const awkwardString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\u0000', '\u0008', '\u0009', '\u000a', '\u000c', '\u000d', '\u001f', '\u007f', '\u0080', '\u07ff', '\u0800', '\u2028', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '\u{1F600}', '\u{10FFFF}', 'é') }),
);
const awkwardNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, -1e-7, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 1.7976931348623157e308, 0.1, 123456789012345680000, Number.NaN, Number.POSITIVE_INFINITY),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardString,
    awkwardNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(awkwardString, fc.constantFrom('10', '9', '0', '01', '__proto__', 'a', 'b')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('CanonicalBytesWriter', () => {
  it('random values with unicode, escapes, lone surrogates and numbers: the general writer\'s bytes, or a refusal where it refuses', () => {
    fc.assert(
      fc.property(json, (value) => {
        const fast = written(value);
        const reference = general([0, value]);
        if (fast === undefined) {
          // Refused: only what the general writer refuses too (a lone surrogate, NaN, the infinities).
          expect(reference).toMatch(/^throws /);
        } else {
          expect(`5b302c${fast}5d`).toBe(reference);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses, leaving its buffer as it was, whatever is not plain JSON data', () => {
    class NotPlain {
      a = 1;
    }
    const deep = (n: number): unknown => (n === 0 ? 'x' : { d: deep(n - 1) });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [undefined, () => 1, 1n, Symbol('s'), new NotPlain(), new Date(0), new Map(), { a: undefined }, [undefined], { [Symbol('k')]: 1 }, cyclic, deep(64), { a: '\ud800' }, { ['\udc00']: 1 }, Number.NaN, -Infinity]) {
      expect(written(value)).toBeUndefined();
    }
    // The value sits at depth 1 here, as an item in its committed value: 63 levels are written, as the general
    // writer writes them there, 64 are not.
    expect(written(deep(63))).toBe(hex(canonicalizeToBytes(deep(63))));
    expect(general([0, deep(63)])).not.toMatch(/^throws/);
    expect(general([0, deep(64)])).toBe('throws ERR_JSON_TOO_DEEP');
  });

  it('writes members in UTF-16 code-unit order whatever the insertion order, array-index keys and __proto__ included', () => {
    const value = JSON.parse('{"b":1,"__proto__":{"x":1},"10":2,"9":3,"\\ud83d\\ude00":4,"\\ufb01":5,"a":[{"d":1,"c":2}]}') as unknown;
    expect(written(value)).toBe(hex(canonicalizeToBytes(value)));
    expect(Buffer.from(written(value)!, 'hex').toString()).toBe('{"10":2,"9":3,"__proto__":{"x":1},"a":[{"c":2,"d":1}],"b":1,"😀":4,"ﬁ":5}');
  });
});

describe('commitItems in one pass', () => {
  const items = [
    { id: 'a', path: 'a.bin', size: 1, mediaType: 'application/octet-stream', digests: { sha256: 'ab'.repeat(32) }, disclosure: { status: 'present' } },
    { id: 'b', mediaType: 'text/plain', description: { fr: 'déjà "vu"\n', en: '\u{1F600}' }, disclosure: { status: 'withheld', reason: 'x\u0001' } },
    { id: 'c', path: 'c', size: 0, mediaType: 'text/plain', digests: { sha256: 'cd'.repeat(32) }, disclosure: { status: 'present' }, derivedFrom: [{ method: 'm', item: 'a' }] },
  ];
  const salts = ['AAECAwQFBgcICQoLDA0ODw', 'EBESExQVFhcYGRobHB0eHw', 'ICEiIyQlJicoKSorLC0uLw'];
  it('gives the disclosures file of the general writer and the leaves and root of the definitions, any backend', () => {
    for (const backend of [undefined, nodeBackend]) {
      const got = commitItems({ formatVersion: '1.1', items } as unknown as Manifest, { salt: (i) => salts[i]!, ...(backend ? { backend } : {}) });
      expect(hex(got.disclosuresBytes)).toBe(hex(serializeDisclosuresFile(got.disclosures)));
      const leaves = items.map((item, i) => merkleLeafHash(committedValue(item as never, salts[i]!)));
      expect(got.leaves.map(hex)).toEqual(leaves.map(hex));
      // The RFC 9162 root by the recursive definition with @noble/hashes.
      expect(got.manifest.commitments!.root).toBe(hex(merkleNodeHash(merkleNodeHash(leaves[0]!, leaves[1]!), leaves[2]!)));
    }
  });

  it('gives, when asked later, the disclosures of the items committed to, whatever the caller did to its array since', () => {
    const mine = [...items];
    const got = commitItems({ formatVersion: '1.1', items: mine } as unknown as Manifest, { salt: (i) => salts[i]! });
    const bytes = hex(got.disclosuresBytes);
    mine.reverse();
    mine.push({ ...items[0]!, id: 'late' });
    mine.length = 1;
    expect(got.disclosures.leaves.map((l) => (l as { item: { id: string } }).item.id)).toEqual(['a', 'b', 'c']);
    expect(got.disclosures.leaves.map((l) => (l as { salt: string }).salt)).toEqual(salts);
    expect(hex(serializeDisclosuresFile(got.disclosures))).toBe(bytes);
    // A plain property to the caller: it may be replaced.
    got.disclosures = { leaves: [] };
    expect(got.disclosures.leaves).toEqual([]);
  });
});

describe('the allocation-free SHA-256 of the tree', () => {
  it('leafHashInto equals SHA-256(0x00 || bytes) for every length up to 300, from any offset, into any offset', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = new Uint8Array(length + 9).map((_, i) => (i * 131 + length * 7) & 255);
      const from = length % 9;
      const out = new Uint8Array(40).fill(0xee);
      leafHashInto(bytes, from, length, out, 5);
      const message = new Uint8Array(length + 1);
      message.set(bytes.subarray(from, from + length), 1);
      expect(hex(out.subarray(5, 37)), `length ${length}`).toBe(hex(sha256(message)));
      expect(hex(out.subarray(0, 5)) + hex(out.subarray(37))).toBe('ee'.repeat(8));
      expect(hex(out.subarray(5, 37))).toBe(createHash('sha256').update(message).digest('hex'));
    }
  });

  it('random lengths up to 5,000 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const out = new Uint8Array(32);
        leafHashInto(bytes, 0, bytes.length, out, 0);
        expect(hex(out)).toBe(hex(merkleLeafHash(bytes)));
      }),
      { numRuns: 200 },
    );
  });

  it('nodeHashInto equals merkleNodeHash, also when it overwrites its own children', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(16), (children, at) => {
        const expected = hex(merkleNodeHash(children.slice(0, 32), children.slice(32)));
        const level = new Uint8Array(100);
        level.set(children, at);
        nodeHashInto(level, at, level, at);
        expect(hex(level.subarray(at, at + 32))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  // The RFC 9162 definition, recursively, with @noble/hashes.
  const mth = (l: Uint8Array[]): Uint8Array => {
    if (l.length === 1) return l[0]!;
    let k = 1;
    while (k * 2 < l.length) k *= 2;
    return merkleNodeHash(mth(l.slice(0, k)), mth(l.slice(k)));
  };
  it('flatMerkleRoot equals the recursive RFC 9162 definition for every size up to 130', () => {
    for (let n = 1; n <= 130; n++) {
      const leaves = Array.from({ length: n }, (_, i) => merkleLeafHash(new Uint8Array([i, n])));
      const flat = new Uint8Array(n * 32);
      leaves.forEach((l, i) => flat.set(l, i * 32));
      const copy = flat.slice();
      expect(hex(flatMerkleRoot(flat, n)), `n=${n}`).toBe(hex(mth(leaves)));
      expect(hex(merkleRoot(leaves))).toBe(hex(mth(leaves)));
      expect(hex(flat)).toBe(hex(copy)); // the leaves are left as they were
    }
  });
});
