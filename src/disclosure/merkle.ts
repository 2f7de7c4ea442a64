import { sha256 } from '@noble/hashes/sha2.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { flatMerkleRoot } from './tree-hash.js';

/** A SHA-256 of one input: the backend's one-shot, else its incremental hash, else @noble/hashes. Internal. */
export function sha256Of(backend?: DigestBackend): (bytes: Uint8Array) => Uint8Array {
  if (backend === undefined) return sha256;
  if (backend.digestOnce !== undefined && backend.digestOnce('sha256', new Uint8Array(0)) !== undefined) {
    const once = backend.digestOnce.bind(backend);
    return (bytes) => once('sha256', bytes)!;
  }
  if (backend.create('sha256') === undefined) return sha256;
  return (bytes) => {
    const h = backend.create('sha256')!;
    h.update(bytes);
    return h.digest();
  };
}

/**
 * The RFC 9162 leaf hash, SHA-256(0x00 || bytes), from a digest backend (node:crypto in Node is several times
 * faster than @noble/hashes), falling back to @noble/hashes. Internal.
 */
export function leafHasher(backend?: DigestBackend): (bytes: Uint8Array) => Uint8Array {
  if (backend === undefined) return merkleLeafHash;
  const hash = sha256Of(backend);
  return (bytes) => {
    const input = new Uint8Array(bytes.length + 1);
    input.set(bytes, 1);
    return hash(input);
  };
}

// RFC 9162 section 2.1.1: distinct prefixes for leaves and interior nodes, so that a leaf can never be read as a
// node nor a node as a leaf (second preimage).
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * The RFC 9162 leaf hash of one leaf's bytes: SHA-256(0x00 || bytes) (section 2.1.1).
 * @example const leaf = merkleLeafHash(committedValueBytes);
 */
export function merkleLeafHash(bytes: Uint8Array): Uint8Array {
  const input = new Uint8Array(bytes.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(bytes, 1);
  return sha256(input);
}

/**
 * The RFC 9162 interior node hash: SHA-256(0x01 || left || right) (section 2.1.1).
 * @throws TypeError when a child is not a 32-byte hash
 * @example const node = merkleNodeHash(left, right);
 */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== 32 || right.length !== 32) throw new TypeError('merkle children must be 32-byte hashes');
  const input = new Uint8Array(65);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
}

/**
 * The RFC 9162 Merkle tree hash (section 2.1.1) of leaf hashes, in order. The empty tree hashes to SHA-256 of no
 * bytes. Computed bottom-up, pairing neighbours and promoting a last odd node unchanged (never duplicated), which
 * gives the same tree as the recursive split at the largest power of two smaller than n, without recursion.
 * The nodes are hashed by the allocation-free SHA-256 of tree-hash.ts, with no backend to choose: for a 65-byte
 * node a native call (node:crypto) costs two to three times the hash itself.
 * @throws TypeError when a leaf hash is not 32 bytes
 * @example const root = merkleRoot(leaves.map(merkleLeafHash));
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  for (const h of leafHashes) if (h.length !== 32) throw new TypeError('merkle leaf hashes must be 32 bytes');
  if (leafHashes.length === 1) return leafHashes[0]!;
  const flat = new Uint8Array(leafHashes.length * 32);
  for (let i = 0; i < leafHashes.length; i++) flat.set(leafHashes[i]!, i * 32);
  return flatMerkleRoot(flat, leafHashes.length);
}

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The RFC 9162 inclusion proof (section 2.1.3.1, PATH(m, D[n])) of leaf `index` in the tree of `leafHashes`:
 * the sibling hashes from the leaf up to the root.
 * @throws RangeError when `index` is not a leaf of the tree
 * @example const path = merkleInclusionProof(leaves, 3);
 */
export function merkleInclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) throw new RangeError(`leaf ${index} is not in a tree of ${leafHashes.length}`);
  const path: Uint8Array[] = [];
  let lo = 0;
  let hi = leafHashes.length;
  let m = index;
  // Iterative PATH: collect the siblings top-down, then reverse (the proof is ordered from the leaf up).
  const siblings: Array<[number, number]> = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < k) {
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      siblings.push([lo, lo + k]);
      lo += k;
      m -= k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i--) {
    const [a, b] = siblings[i]!;
    path.push(merkleRoot(leafHashes.slice(a, b)));
  }
  return path;
}

/**
 * Recomputes the root from a leaf hash and its RFC 9162 inclusion proof (section 2.1.3.2) for leaf `index` of a
 * tree of `size` leaves. Returns `undefined` when the proof cannot belong to such a tree (wrong length for the
 * index and size): a proof for a tree of another size never yields a root.
 * @example const ok = equal(merkleRootFromProof(3, 7, leaf, path), signedRoot);
 */
export function merkleRootFromProof(index: number, size: number, leafHash: Uint8Array, path: readonly Uint8Array[]): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || leafHash.length !== 32) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return undefined;
    if ((fn & 1) === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
