import { sha3_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { bagAlgorithm, createBagHasher } from '../../src/bagit/bag-algorithms.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { DIGEST_ALGORITHM_NAMES, DIGEST_ALGORITHMS } from '../../src/digest/algorithms.js';
import { toHex, utf8Encode } from '../../src/internal/bytes.js';
import { buildBag, SAMPLE_PAYLOAD } from './bags.js';
import { memorySource } from './memory-source.js';

// RFC 8493 section 2.4: the common name, lowercased, every non-alphanumeric character removed.
const rfcName = (commonName: string): string => commonName.toLowerCase().replace(/[^a-z0-9]/g, '');

describe('BagIt manifest names of the digest registry', () => {
  it('refuses the non-normalised name sha3-256 in a manifest file name', () => {
    expect(bagAlgorithm('sha3-256')).toBeUndefined();
    expect(bagAlgorithm('SHA3256')).toBeUndefined();
    expect(bagAlgorithm('sha-256')).toBeUndefined();
  });

  it.each(DIGEST_ALGORITHM_NAMES)('%s is named by the RFC 8493 rule and looks up to itself', (alg) => {
    const name = DIGEST_ALGORITHMS[alg].bagitName;
    expect(name).toBe(rfcName(alg));
    expect(bagAlgorithm(name)?.name).toBe(alg);
  });

  it('hashes by algorithm name, whatever the file name', () => {
    const hasher = createBagHasher(['sha3-256', 'md5']);
    hasher.update(utf8Encode('abc'));
    expect(hasher.digest()['sha3-256']).toBe(toHex(sha3_256(utf8Encode('abc'))));
    expect(() => createBagHasher(['sha3256' as never])).toThrow(TypeError);
  });
});

describe('SHA3-256 manifests on disk', () => {
  it('a bag with a wrong digest in manifest-sha3256.txt is invalid: the SHA3-256 digests are checked', async () => {
    const files = buildBag(SAMPLE_PAYLOAD, { algorithms: ['sha256', 'sha3-256'] });
    expect(Object.keys(files)).toContain('manifest-sha3256.txt');
    expect(Object.keys(files)).toContain('tagmanifest-sha3256.txt');
    expect(Object.keys(files).some((f) => f.includes('sha3-256'))).toBe(false);
    const manifest = new TextDecoder().decode(files['manifest-sha3256.txt']);
    const digest = toHex(sha3_256(utf8Encode(SAMPLE_PAYLOAD['data/chat/export.json']!)));
    expect(manifest).toContain(`${digest}  data/chat/export.json`);
    const tampered: Record<string, Uint8Array> = { ...files, 'manifest-sha3256.txt': utf8Encode(manifest.replace(digest, '0'.repeat(64))) };
    // The tag manifests cover the payload manifest, so drop them to see the payload check itself.
    delete tampered['tagmanifest-sha256.txt'];
    delete tampered['tagmanifest-sha3256.txt'];
    const result = await validateBag(memorySource(tampered));
    expect(result.valid).toBe(false);
    expect(result.findings.map((f) => f.code)).toContain('bag.payload.digest-mismatch');
  });

  it('a manifest named manifest-sha3-256.txt (the old name) is not an algorithm this validator knows', async () => {
    const files = buildBag(SAMPLE_PAYLOAD, { algorithms: ['sha256', 'sha3-256'] });
    const renamed: Record<string, Uint8Array> = { ...files, 'manifest-sha3-256.txt': files['manifest-sha3256.txt']! };
    delete renamed['manifest-sha3256.txt'];
    delete renamed['tagmanifest-sha256.txt'];
    delete renamed['tagmanifest-sha3256.txt'];
    const result = await validateBag(memorySource(renamed));
    expect(result.findings.map((f) => f.code)).toContain('bag.manifest.unsupported-algorithm');
    expect(result.algorithms).toEqual(['sha256']);
  });
});
