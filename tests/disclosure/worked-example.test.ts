// The worked example of docs/format.md ("Selective disclosure" > "Worked example"): every byte it shows is
// recomputed here, independently of the library (noble's SHA-256 and the RFC 9162 definitions written out), and
// by the library.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { committedValue, itemCommitment, merkleInclusionProof, merkleRoot, merkleRootFromProof } from '../../src/entries/disclosure.js';
import { toHex, utf8Encode } from '../../src/internal/bytes.js';
import { EXAMPLE_ITEMS, EXAMPLE_SALTS } from './worked-example.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'format.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Selective disclosure (format 1.2)'), doc.indexOf('## Signatures'));
const example = section.slice(section.indexOf('### Worked example'));
const row = (label: string): string => new RegExp(`\\| ${label.replace(/[()]/g, '\\$&')} \\| \`([0-9a-f]{64})\` \\|`).exec(example)![1]!;

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};
const leafHash = (bytes: Uint8Array) => sha256(cat(new Uint8Array([0]), bytes));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(cat(new Uint8Array([1]), l, r));
// RFC 9162 section 2.1.1, written as defined (recursive split at the largest power of two smaller than n).
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array(0));
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}
// RFC 9162 section 2.1.3.1, PATH(m, D[n]), as defined.
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

describe('docs/format.md worked example of selective disclosure', () => {
  const shownValue = /```\n(\{"item":.*\})\n```/.exec(example)![1]!;
  const leaves = EXAMPLE_ITEMS.map((item, i) => leafHash(committedValue(item, EXAMPLE_SALTS[i]!)));

  it('shows the committed value of the first item, byte for byte', () => {
    expect(new TextDecoder().decode(committedValue(EXAMPLE_ITEMS[0]!, EXAMPLE_SALTS[0]!))).toBe(shownValue);
    // The salts are the bytes the text names.
    EXAMPLE_SALTS.forEach((salt, i) => expect(Buffer.from(salt, 'base64url')).toEqual(Buffer.from(Array.from({ length: 16 }, (_, j) => 16 * i + j))));
    expect(example).toContain('{"messages":["hello"]}');
  });

  it('shows the leaves, the node and the root', () => {
    expect(toHex(leafHash(utf8Encode(shownValue)))).toBe(row('leaf 0 (`chat`)'));
    expect(toHex(leaves[1]!)).toBe(row('leaf 1 (`subscriber`)'));
    expect(toHex(leaves[2]!)).toBe(row('leaf 2 (`third-party`)'));
    expect(toHex(nodeHash(leaves[0]!, leaves[1]!))).toBe(row('node(leaf 0, leaf 1)'));
    expect(toHex(mth(leaves))).toBe(row('root (`leafCount` 3)'));
    // The library agrees.
    EXAMPLE_ITEMS.forEach((item, i) => expect(toHex(itemCommitment(item, EXAMPLE_SALTS[i]!))).toBe(toHex(leaves[i]!)));
    expect(toHex(merkleRoot(leaves))).toBe(row('root (`leafCount` 3)'));
  });

  it('shows the inclusion paths, which the library gives and verifies', () => {
    expect(path(1, leaves).map(toHex)).toEqual([row('leaf 0 (`chat`)'), row('leaf 2 (`third-party`)')]);
    expect(path(2, leaves).map(toHex)).toEqual([row('node(leaf 0, leaf 1)')]);
    for (const m of [0, 1, 2]) {
      expect(merkleInclusionProof(leaves, m).map(toHex)).toEqual(path(m, leaves).map(toHex));
      expect(toHex(merkleRootFromProof(m, 3, leaves[m]!, path(m, leaves))!)).toBe(row('root (`leafCount` 3)'));
    }
  });

  it('the library tree and paths equal the RFC 9162 definitions for every size up to 70', () => {
    const all = Array.from({ length: 70 }, (_, i) => leafHash(utf8Encode(String(i))));
    for (let n = 0; n <= 70; n++) {
      const d = all.slice(0, n);
      expect(toHex(merkleRoot(d)), `n=${n}`).toBe(toHex(mth(d)));
      for (let m = 0; m < n; m++) {
        expect(merkleInclusionProof(d, m).map(toHex), `${m} of ${n}`).toEqual(path(m, d).map(toHex));
        expect(toHex(merkleRootFromProof(m, n, d[m]!, path(m, d))!), `${m} of ${n}`).toBe(toHex(mth(d)));
      }
    }
  });
});
