import { describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHM_NAMES, type DigestAlgorithm, type DigestBackend, nobleBackend } from '../../src/digest/algorithms.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { nodeBackend } from '../../src/node/digest-backend.js';

// FIPS 180-4 / FIPS 202 example values and the BLAKE3 reference implementation's test vectors.
const KNOWN: Record<DigestAlgorithm, { '': string; abc: string }> = {
  sha256: {
    '': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  sha512: {
    '':
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    abc:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  'sha3-256': {
    '': 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
    abc: '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532',
  },
  blake3: {
    '': 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    abc: '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
  },
};

describe.each<[string, DigestBackend]>([
  ['noble', nobleBackend],
  ['node', nodeBackend],
])('known answers, %s backend', (_, backend) => {
  it.each(DIGEST_ALGORITHM_NAMES)('%s of "" and "abc"', (algorithm) => {
    for (const input of ['', 'abc'] as const) {
      const multi = createMultiDigest([algorithm], { backend });
      multi.update(utf8Encode(input));
      expect(multi.digest()[algorithm]).toBe(KNOWN[algorithm][input]);
      expect(multi.size).toBe(input.length);
    }
  });

  it('computes every algorithm in one pass over the same chunks', () => {
    const multi = createMultiDigest(DIGEST_ALGORITHM_NAMES, { backend });
    multi.update(utf8Encode('a'));
    multi.update(new Uint8Array(0));
    multi.update(utf8Encode('bc'));
    expect(multi.digest()).toEqual(Object.fromEntries(DIGEST_ALGORITHM_NAMES.map((a) => [a, KNOWN[a].abc])));
  });
});

describe('nodeBackend', () => {
  it('uses node:crypto for the SHA-2 and SHA-3 families and declines BLAKE3', () => {
    expect(nodeBackend.create('blake3')).toBeUndefined();
    for (const algorithm of ['sha256', 'sha512', 'sha3-256'] as const) expect(nodeBackend.create(algorithm)).toBeDefined();
  });

  it('returns plain Uint8Arrays, not Buffers', () => {
    const hash = nodeBackend.create('sha256')!;
    hash.update(utf8Encode('abc'));
    const out = hash.digest();
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(out.length).toBe(32);
  });
});
