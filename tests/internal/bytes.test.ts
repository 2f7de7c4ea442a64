import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64urlDecodeStrict, base64urlEncode, base64urlEncodeToBytes, constantTimeEqual, utf8ByteLength } from '../../src/internal/bytes.js';

describe('byte helpers', () => {
  it('base64url (string and ASCII bytes) agrees with Node for any bytes, short and long', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 9000 }), (bytes) => {
        const expected = Buffer.from(bytes).toString('base64url');
        expect(base64urlEncode(bytes)).toBe(expected);
        expect(Buffer.from(base64urlEncodeToBytes(bytes)).toString('latin1')).toBe(expected);
        expect(base64urlDecodeStrict(expected)).toEqual(bytes);
        // After a prefix in the same buffer (the JWS Signing Input): the prefix as given, then the same text.
        const prefix = bytes.subarray(0, bytes.length % 7);
        expect(Buffer.from(base64urlEncodeToBytes(bytes, prefix)).toString('latin1')).toBe(Buffer.from(prefix).toString('latin1') + expected);
      }),
      { numRuns: 300 },
    );
  });

  it('counts UTF-8 bytes as TextEncoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
  });

  it('compares strings and bytes for equality', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), 'a')).toBe(false);
    expect(constantTimeEqual(new TextEncoder().encode('é'), 'é')).toBe(true);
  });
});
