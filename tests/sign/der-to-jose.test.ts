import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derToJoseSignature } from '../../src/sign/der-to-jose.js';
import { isEvidenceBundleError } from '../../src/errors.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const int = (value: number[]) => [0x02, value.length, ...value];
const seq = (...parts: number[][]) => bytes(0x30, parts.flat().length, ...parts.flat());
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
};

describe('derToJoseSignature refuses what is not a strict DER signature', () => {
  const r = new Array<number>(32).fill(0x11);
  it.each([
    ['empty', bytes()],
    ['not a SEQUENCE', bytes(0x31, 6, ...int([1]), ...int([1]))],
    ['long-form length for a short sequence', bytes(0x30, 0x81, 6, ...int([1]), ...int([1]))],
    ['sequence length too long', bytes(0x30, 7, ...int([1]), ...int([1]))],
    ['sequence length too short', bytes(0x30, 5, ...int([1]), ...int([1]))],
    ['trailing bytes after s', bytes(0x30, 7, ...int([1]), ...int([1]), 0)],
    ['r not an INTEGER', seq([0x04, 1, 1], int([1]))],
    ['zero-length r', seq([0x02, 0], int([1]))],
    ['s missing', seq(int([1]))],
    ['s running past the end', bytes(0x30, 6, ...int([1]), 0x02, 5, 1)],
    ['negative r', seq(int([0x80]), int([1]))],
    ['superfluous leading zero', seq(int([0, 0x7f]), int([1]))],
    ['r zero', seq(int([0]), int([1]))],
    ['s zero', seq(int([1]), int([0]))],
    ['r longer than 32 bytes', seq(int([0x01, ...r]), int([1]))],
    ['r of 33 bytes even with a sign byte', seq(int([0, 0x80, ...r]), int([1]))],
  ])('%s', (_name, der) => {
    expect(code(() => derToJoseSignature(der, 'ES256'))).toBe('ERR_SIGNER_OUTPUT');
  });

  it('refuses an algorithm that is not ECDSA, and a non-bytes value (caller misuse)', () => {
    expect(code(() => derToJoseSignature(seq(int([1]), int([1])), 'EdDSA' as 'ES256'))).toBe('TypeError');
    expect(code(() => derToJoseSignature('30' as unknown as Uint8Array, 'ES256'))).toBe('TypeError');
  });

  it('refuses a 64-byte r || s given as if it were DER', () => {
    expect(code(() => derToJoseSignature(new Uint8Array(64).fill(0x30), 'ES256'))).toBe('ERR_SIGNER_OUTPUT');
  });
});

describe('derToJoseSignature converts', () => {
  it('short r and s are left-padded to the curve size; a sign byte is dropped', () => {
    const out = derToJoseSignature(seq(int([0x01]), int([0, 0xff, 0x02])), 'ES256');
    expect(out.length).toBe(64);
    expect(out[31]).toBe(0x01);
    expect([...out.subarray(0, 31)].every((b) => b === 0)).toBe(true);
    expect([...out.subarray(62)]).toEqual([0xff, 0x02]);
    expect(derToJoseSignature(seq(int([0, 0x80, ...new Array<number>(47).fill(7)]), int([5])), 'ES384').length).toBe(96);
  });

  it('round-trips any r || s, whatever its leading zeros, through a minimal DER encoding', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 47 }), fc.integer({ min: 0, max: 47 }), fc.uint8Array({ minLength: 96, maxLength: 96 }), (big, zr, zs, raw) => {
        const size = big ? 48 : 32;
        const joseSig = raw.slice(0, 2 * size);
        joseSig.fill(0, 0, Math.min(zr, size - 1));
        joseSig.fill(0, size, size + Math.min(zs, size - 1));
        joseSig[size - 1] ||= 1;
        joseSig[2 * size - 1] ||= 1;
        expect(derToJoseSignature(toDer(joseSig), big ? 'ES384' : 'ES256')).toEqual(joseSig);
      }),
      { numRuns: 300 },
    );
  });

  it('a WebCrypto signature, DER-encoded as a KMS returns it, verifies after conversion', async () => {
    const input = new TextEncoder().encode('signing input');
    for (const [alg, namedCurve, hash] of [['ES256', 'P-256', 'SHA-256'], ['ES384', 'P-384', 'SHA-384']] as const) {
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify']);
      const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, keys.privateKey, input));
      const converted = derToJoseSignature(toDer(raw), alg);
      expect(await crypto.subtle.verify({ name: 'ECDSA', hash }, keys.publicKey, converted as Uint8Array<ArrayBuffer>, input)).toBe(true);
    }
  });
});

// The minimal DER of SEQUENCE { INTEGER r, INTEGER s } for a fixed-length r || s.
function toDer(joseSig: Uint8Array): Uint8Array {
  const half = joseSig.length / 2;
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if (body[0]! >= 0x80) body.unshift(0);
    return int(body);
  };
  return seq(integer(joseSig.subarray(0, half)), integer(joseSig.subarray(half)));
}
