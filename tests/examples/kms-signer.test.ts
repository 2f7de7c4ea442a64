// The cloud-KMS example signs through a fake KMS client that behaves as real ones do (DER signatures over a
// digest, SPKI public keys): no network, and the conversion and the self-check are exercised for real.
import { describe, expect, it } from 'vitest';
import { createKmsSigner, type KmsClient } from '../../examples/kms-signer.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { signDetached } from '../../src/sign/sign-detached.js';
import { verifyDetached } from '../../src/sign/verify-detached.js';

const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');
const CURVE = { ES256: { namedCurve: 'P-256', hash: 'SHA-256', size: 32 }, ES384: { namedCurve: 'P-384', hash: 'SHA-384', size: 48 } } as const;

// r || s to DER, as KMSs return ECDSA signatures.
function toDer(joseSig: Uint8Array): Uint8Array {
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if (body[0]! >= 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const half = joseSig.length / 2;
  const parts = [...integer(joseSig.subarray(0, half)), ...integer(joseSig.subarray(half))];
  return new Uint8Array([0x30, parts.length, ...parts]);
}

/** A KMS in memory: WebCrypto cannot sign a prehashed digest, so it keeps the message the digest was made of. */
async function fakeKms(alg: 'ES256' | 'ES384', options: { otherKey?: boolean; raw?: boolean } = {}): Promise<KmsClient & { calls: string[] }> {
  const { namedCurve, hash } = CURVE[alg];
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const signing = options.otherKey === true ? ((await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify'])) as CryptoKeyPair) : keys;
  const calls: string[] = [];
  const messages = new Map<string, Uint8Array>();
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  return {
    calls,
    remember: async (m: Uint8Array) => messages.set(hex(new Uint8Array(await crypto.subtle.digest(hash, m as Uint8Array<ArrayBuffer>))), m),
    async getPublicKey(keyId) {
      calls.push(`getPublicKey ${keyId}`);
      return new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    },
    async signDigest(keyId, digest, algorithm) {
      calls.push(`sign ${keyId} ${algorithm} ${digest.length}`);
      const message = messages.get(hex(digest));
      if (message === undefined) throw new Error('the fake KMS was asked to sign a digest of an unknown message');
      const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, signing.privateKey, message as Uint8Array<ArrayBuffer>));
      return options.raw === true ? sig : toDer(sig);
    },
  } as KmsClient & { calls: string[] };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

// The fake needs the message behind each digest: wrap sign so the signing input is remembered first.
function remembering(kms: KmsClient, signer: Awaited<ReturnType<typeof createKmsSigner>>): typeof signer {
  const remember = (kms as unknown as { remember(m: Uint8Array): Promise<unknown> }).remember;
  return { ...signer, sign: async (input) => (await remember(input), signer.sign(input)) };
}

describe('examples/kms-signer.ts against a fake KMS', () => {
  it('refuses a KMS key of another curve (ERR_KEY_INVALID)', async () => {
    const kms = await fakeKms('ES384');
    expect(await codeOf(createKmsSigner(kms, 'key-1', 'ES256'))).toBe('ERR_KEY_INVALID');
  });

  it('a KMS that signs with another key, or returns r || s where DER is expected, never yields a signature (ERR_SIGNER_OUTPUT)', async () => {
    for (const options of [{ otherKey: true }, { raw: true }]) {
      const kms = await fakeKms('ES256', options);
      const signer = remembering(kms, await createKmsSigner(kms, 'key-1'));
      expect(await codeOf(signDetached(MANIFEST, signer, { role: 'certifier' })), JSON.stringify(options)).toBe('ERR_SIGNER_OUTPUT');
    }
  });

  for (const alg of ['ES256', 'ES384'] as const) {
    it(`${alg}: converts the KMS's DER and the detached JWS verifies under the KMS public key`, async () => {
      const kms = await fakeKms(alg);
      const signer = remembering(kms, await createKmsSigner(kms, 'key-1', alg));
      const entry = await signDetached(MANIFEST, signer, { role: 'certifier' });
      expect((await verifyDetached(MANIFEST, entry, { trustedKeys: [signer.publicKey!] })).status).toBe('valid');
      expect(kms.calls).toEqual(['getPublicKey key-1', `sign key-1 ECDSA_SHA_${alg.slice(2)} ${CURVE[alg].size}`]);
    });
  }
});
