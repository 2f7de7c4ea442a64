// The writer refuses what its verifier would reject: every new signature is checked before it is returned.
import { describe, expect, it } from 'vitest';
import { custodyLink } from '../../src/custody/custody-link.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { base64urlDecodeStrict, utf8Encode } from '../../src/internal/bytes.js';
import {
  createJwkSigner,
  derToJoseSignature,
  generateSigningKey,
  SIGNATURE_ROLES,
  TRUST_ROLES,
  type SignatureAlgorithm,
  type Signer,
} from '../../src/index.js';
import { isSignatureRole, signDetached, verifyDetached } from '../../src/entries/jws.js';
import { jwkThumbprint } from '../../src/sign/thumbprint.js';
import { actor, draft, MANIFEST as CUSTODY_MANIFEST } from '../custody/helpers.js';

const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

/** A signer over a local key whose output is rewritten, as a faulty HSM or KMS adapter would. */
async function faulty(alg: SignatureAlgorithm, rewrite: (good: Uint8Array) => Uint8Array | unknown, withPublicKey: boolean): Promise<Signer> {
  const local = await createJwkSigner((await generateSigningKey(alg)).privateJwk);
  const { publicKey, ...rest } = local;
  return { ...rest, ...(withPublicKey ? { publicKey } : {}), sign: async (input) => rewrite(await local.sign(input)) as Uint8Array };
}

// ECDSA r || s as DER, the way cloud KMSs return it.
function toDer(joseSig: Uint8Array): Uint8Array {
  const half = joseSig.length / 2;
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if (body[0]! >= 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const parts = [...integer(joseSig.subarray(0, half)), ...integer(joseSig.subarray(half))];
  return new Uint8Array([0x30, parts.length, ...parts]);
}

describe('signDetached refuses a signature of the wrong form (ERR_SIGNER_OUTPUT), with or without the public key', () => {
  const cases: Array<[string, SignatureAlgorithm, (good: Uint8Array) => unknown]> = [
    ['ES256 as DER', 'ES256', toDer],
    ['ES384 as DER', 'ES384', toDer],
    ['ES256 one byte short', 'ES256', (g) => g.subarray(1)],
    ['ES256 one byte long', 'ES256', (g) => new Uint8Array([...g, 0])],
    ['ES384 cut to ES256 length', 'ES384', (g) => g.subarray(0, 64)],
    ['EdDSA 63 bytes', 'EdDSA', (g) => g.subarray(1)],
    ['EdDSA 65 bytes', 'EdDSA', (g) => new Uint8Array([...g, 0])],
    ['EdDSA empty', 'EdDSA', () => new Uint8Array(0)],
    ['PS256 far too short', 'PS256', (g) => g.subarray(0, 64)],
    ['a string, not bytes', 'EdDSA', () => 'c2lnbmF0dXJl'],
    ['an ArrayBuffer, not a Uint8Array', 'ES256', (g) => g.buffer],
  ];
  it.each(cases)('%s', async (_name, alg, rewrite) => {
    for (const withPublicKey of [false, true]) {
      expect(await codeOf(signDetached(MANIFEST, await faulty(alg, rewrite, withPublicKey), { role: 'packager' }))).toBe('ERR_SIGNER_OUTPUT');
    }
  });

  it('PS256 one byte short of the modulus, when the public key says how long it is', async () => {
    expect(await codeOf(signDetached(MANIFEST, await faulty('PS256', (g) => g.subarray(1), true), { role: 'packager' }))).toBe('ERR_SIGNER_OUTPUT');
  });
});

describe('signDetached verifies the signature when the public key is known', () => {
  it.each(['EdDSA', 'ES256', 'ES384', 'PS256'] as const)('%s: refuses a signature of the right length that does not verify', async (alg) => {
    const flip = (g: Uint8Array) => g.map((b, i) => (i === 10 ? b ^ 1 : b));
    expect(await codeOf(signDetached(MANIFEST, await faulty(alg, flip, true), { role: 'packager' }))).toBe('ERR_SIGNER_OUTPUT');
  });

  it('refuses a signer that signs with another key than its kid names', async () => {
    const named = await createJwkSigner((await generateSigningKey('ES256')).privateJwk);
    const actual = await createJwkSigner((await generateSigningKey('ES256')).privateJwk);
    const mixed: Signer = { ...named, sign: actual.sign };
    expect(await codeOf(signDetached(MANIFEST, mixed, { role: 'certifier' }))).toBe('ERR_SIGNER_OUTPUT');
  });

  it('refuses a publicKey that is not the key kid names (ERR_JWS_KEY_MISMATCH), before anything is signed', async () => {
    const signer = await createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
    const other = (await generateSigningKey('EdDSA')).publicJwk;
    let signed = 0;
    const wrong: Signer = { ...signer, publicKey: other, sign: async (i) => (signed++, signer.sign(i)) };
    expect(await codeOf(signDetached(MANIFEST, wrong, { role: 'certifier' }))).toBe('ERR_JWS_KEY_MISMATCH');
    expect(signed).toBe(0);
  });

  it('without a public key only the form is checked: a right-length forgery passes, and the verifier rejects it', async () => {
    const blind = await faulty('ES256', () => new Uint8Array(64).fill(1), false);
    const s = await signDetached(MANIFEST, blind, { role: 'packager' });
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [(await faulty('ES256', (g) => g, true)).publicKey!] })).status).not.toBe('valid');
  });

  it('createJwkSigner gives the public half of its key, named by kid, usable even when the private key may only sign', async () => {
    const { privateJwk, publicJwk } = await generateSigningKey('ES256');
    const signer = await createJwkSigner({ ...privateJwk, key_ops: ['sign'], use: 'sig' } as JsonWebKey);
    expect(signer.publicKey).toEqual({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y });
    expect(await jwkThumbprint(signer.publicKey)).toBe(signer.kid);
    const s = await signDetached(MANIFEST, signer, { role: 'packager' });
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [publicJwk] })).status).toBe('valid');
  });

  it('a KMS-style signer returning DER works through derToJoseSignature', async () => {
    for (const alg of ['ES256', 'ES384'] as const) {
      const local = await createJwkSigner((await generateSigningKey(alg)).privateJwk);
      const kms: Signer = { ...local, sign: async (input) => derToJoseSignature(toDer(await local.sign(input)), alg) };
      const s = await signDetached(MANIFEST, kms, { role: 'certifier' });
      expect(base64urlDecodeStrict(s.signature).length).toBe(alg === 'ES256' ? 64 : 96);
      expect((await verifyDetached(MANIFEST, s, { trustedKeys: [local.publicKey!] })).status).toBe('valid');
    }
  });
});

describe('custody events are checked the same way', () => {
  const event = (kid: string) => ({ seq: 1, prev: custodyLink(CUSTODY_MANIFEST), ...draft('accessed', { actor: actor('Officer', kid) }) }) as CustodyEvent;

  it.each([
    ['DER', toDer],
    ['a flipped bit', (g: Uint8Array) => g.map((b, i) => (i === 0 ? b ^ 1 : b))],
  ])('refuses a custody event signature given as %s', async (_name, rewrite) => {
    const signer = await faulty('ES256', rewrite, true);
    expect(await codeOf(signCustodyEvent(event(signer.kid), signer))).toBe('ERR_SIGNER_OUTPUT');
  });

  it('a custody actor role outside the signature roles is fine: custody events carry their own roles', async () => {
    const signer = await createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
    await expect(signCustodyEvent(event(signer.kid), signer)).resolves.toBeInstanceOf(Uint8Array);
  });
});

describe('roles of bundle signatures', () => {
  it.each(['custodian', 'Packager', 'packager ', 'notary', 'toString', '__proto__', 'x'])('refuses the role %j (TypeError)', async (role) => {
    const signer = await createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
    expect(await codeOf(signDetached(MANIFEST, signer, { role }))).toBe('TypeError');
    expect(isSignatureRole(role)).toBe(false);
  });

  it.each(SIGNATURE_ROLES)('accepts %s', async (role) => {
    const signer = await createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
    const s = await signDetached(MANIFEST, signer, { role });
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [signer.publicKey!] })).role).toBe(role);
  });

  it('the signature roles are roles of the trust policy', () => {
    for (const role of SIGNATURE_ROLES) expect(TRUST_ROLES).toContain(role);
  });

  it('another typ is not a bundle signature: its role is free', async () => {
    const signer = await createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
    await expect(signDetached(MANIFEST, signer, { role: 'examiner', typ: 'example+jws' })).resolves.toHaveProperty('signature');
  });
});
