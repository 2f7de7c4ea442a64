// A signer over a WebCrypto CryptoKey: non-extractable keys sign, keys outside the table are refused up front,
// and each signature is verified with the public half before it is returned.
import { describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { createCryptoKeySigner } from '../../src/sign/crypto-key-signer.js';
import { signDetached } from '../../src/sign/sign-detached.js';
import { verifyDetached } from '../../src/sign/verify-detached.js';
import type { SignatureAlgorithm } from '../../src/sign/algorithms.js';

const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

const PARAMS: Record<SignatureAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams | Algorithm> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  PS256: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

async function pair(params: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm, usages: KeyUsage[] = ['sign', 'verify']): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(params, false, usages)) as CryptoKeyPair;
}

describe('createCryptoKeySigner refuses keys it cannot sign with correctly', () => {
  it('refuses algorithms outside the table (ERR_ALG_NOT_ALLOWED)', async () => {
    const outside: Array<RsaHashedKeyGenParams | EcKeyGenParams> = [
      { name: 'ECDSA', namedCurve: 'P-521' },
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' },
    ];
    for (const params of outside) expect(await codeOf(createCryptoKeySigner(await pair(params))), JSON.stringify(params)).toBe('ERR_ALG_NOT_ALLOWED');
    const hmac = (await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])) as CryptoKey;
    // A secret key is not a private key: refused before its algorithm is even looked at.
    expect(await codeOf(createCryptoKeySigner({ privateKey: hmac, publicKey: (await pair(PARAMS.ES256)).publicKey }))).toBe('ERR_KEY_INVALID');
  });

  it('refuses a private key without the sign usage (ERR_KEY_USAGE)', async () => {
    // WebCrypto itself refuses a private signing key with no usage, but a key from another implementation (a
    // polyfill, a PKCS#11 bridge) may have `decrypt` only.
    const keys = await pair(PARAMS.ES256);
    for (const usages of [[], ['decrypt'], ['verify']]) {
      const noSign = { type: 'private', extractable: false, algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, usages } as unknown as CryptoKey;
      expect(await codeOf(createCryptoKeySigner({ privateKey: noSign, publicKey: keys.publicKey })), usages.join()).toBe('ERR_KEY_USAGE');
    }
  });

  it('refuses the halves swapped, a public key of another type, a private JWK as public key (ERR_KEY_INVALID)', async () => {
    const ec = await pair(PARAMS.ES256);
    const ed = await pair(PARAMS.EdDSA);
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.publicKey, publicKey: ec.privateKey }))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: ec.privateKey }))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: ed.publicKey }))).toBe('ERR_KEY_INVALID');
    const p384 = await crypto.subtle.exportKey('jwk', (await crypto.subtle.generateKey(PARAMS.ES384, true, ['sign', 'verify']) as CryptoKeyPair).publicKey);
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: p384 }))).toBe('ERR_KEY_INVALID');
    const privateJwk = await crypto.subtle.exportKey('jwk', (await crypto.subtle.generateKey(PARAMS.ES256, true, ['sign', 'verify']) as CryptoKeyPair).privateKey);
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: privateJwk }))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: { kty: 'EC', crv: 'P-256' } }))).toBe('ERR_KEY_INVALID');
  });

  it('refuses an RSA key under 2048 bits (ERR_KEY_TOO_SMALL)', async () => {
    const small = await pair({ ...(PARAMS.PS256 as RsaHashedKeyGenParams), modulusLength: 1024 });
    expect(await codeOf(createCryptoKeySigner(small))).toBe('ERR_KEY_TOO_SMALL');
  });

  it('refuses what is not a CryptoKey (TypeError)', async () => {
    const ec = await pair(PARAMS.ES256);
    for (const bad of [null, {}, { privateKey: {}, publicKey: ec.publicKey }, { privateKey: 'key', publicKey: ec.publicKey }]) {
      expect(await codeOf(createCryptoKeySigner(bad as never))).toBe('TypeError');
    }
    expect(await codeOf(createCryptoKeySigner({ privateKey: ec.privateKey, publicKey: 'key' as never }))).toBe('TypeError');
  });

  it('refuses, at the first signature, a public key that is not the private key\'s (ERR_SIGNER_OUTPUT)', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const signer = await createCryptoKeySigner({ privateKey: (await pair(PARAMS[alg])).privateKey, publicKey: (await pair(PARAMS[alg])).publicKey });
      expect(await codeOf(signDetached(MANIFEST, signer, { role: 'packager' })), alg).toBe('ERR_SIGNER_OUTPUT');
    }
  });
});

describe('createCryptoKeySigner signs with non-extractable keys of every algorithm of the table', () => {
  for (const alg of Object.keys(PARAMS) as SignatureAlgorithm[]) {
    it(`${alg}: the signature verifies under the public key alone; kid is its thumbprint`, async () => {
      const keys = await pair(PARAMS[alg]);
      expect(keys.privateKey.extractable).toBe(false);
      const signer = await createCryptoKeySigner(keys);
      expect(signer.alg).toBe(alg);
      expect(signer.publicKey).toEqual(expect.not.objectContaining({ key_ops: expect.anything() }));
      const entry = await signDetached(MANIFEST, signer, { role: 'packager' });
      // Node exports an Ed25519 JWK with the RFC 9864 alg "Ed25519"; a policy holds the key members only.
      const { alg: _alg, key_ops: _ops, ext: _ext, ...trusted } = await crypto.subtle.exportKey('jwk', keys.publicKey);
      const check = await verifyDetached(MANIFEST, entry, { trustedKeys: [trusted] });
      expect(check.status).toBe('valid');
      const tampered = await verifyDetached(utf8Encode('{"bundleId":"4f1d","formatVersion":"1.0"}'), entry, { trustedKeys: [trusted] });
      expect(tampered.status).toBe('invalid');
    });
  }

  it('accepts the public key as a JWK and carries an x5c it is given', async () => {
    const keys = await pair(PARAMS.ES256);
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const fromJwk = await createCryptoKeySigner({ privateKey: keys.privateKey, publicKey: jwk }, { x5c: ['AAAA'] });
    const fromKey = await createCryptoKeySigner(keys);
    expect(fromJwk.kid).toBe(fromKey.kid);
    expect(fromJwk.x5c).toEqual(['AAAA']);
  });
});
