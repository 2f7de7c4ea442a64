import { describe, expect, it } from 'vitest';
import { createMultiDigest, normaliseAlgorithms } from '../../src/digest/multi-digest.js';

describe('normaliseAlgorithms', () => {
  it('puts SHA-256 first and drops duplicates', () => {
    expect(normaliseAlgorithms()).toEqual(['sha256']);
    expect(normaliseAlgorithms(['blake3', 'sha256', 'sha512', 'blake3'])).toEqual(['sha256', 'blake3', 'sha512']);
  });

  it.each(['md5', 'SHA256', 'sha1', '', '__proto__', 'toString'])('refuses %j', (name) => {
    expect(() => normaliseAlgorithms([name])).toThrow(expect.objectContaining({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' }));
    expect(() => createMultiDigest([name])).toThrow(expect.objectContaining({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' }));
  });
});
