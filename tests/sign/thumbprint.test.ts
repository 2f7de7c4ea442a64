import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/index.js';
import { jwkThumbprint } from '../../src/sign/thumbprint.js';

// RFC 7638 section 3.1: the example key and its SHA-256 thumbprint.
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('jwkThumbprint', () => {
  it('gives the RFC 7638 thumbprint, the same on every call', async () => {
    expect(await jwkThumbprint(RFC7638_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(await jwkThumbprint(RFC7638_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(await jwkThumbprint({ ...RFC7638_KEY, kid: 'other', alg: 'PS256' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('never names a key changed in place by its old thumbprint', async () => {
    const [a, b] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    const key: JsonWebKey = { ...a.publicJwk };
    expect(await jwkThumbprint(key)).toBe(a.kid);
    key.x = b.publicJwk.x!;
    expect(await jwkThumbprint(key)).toBe(b.kid);
  });

  it('is undefined for what is not a key, without throwing', async () => {
    for (const value of [undefined, null, 'key', [], {}, { kty: 'EC' }, { kty: 'OKP', crv: 'Ed25519', x: 1n }, { kty: 'toString' }]) {
      expect(await jwkThumbprint(value)).toBeUndefined();
    }
  });
});
