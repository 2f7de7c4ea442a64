// The PKCS#11 signer against a real module (SoftHSM 2): the key stays in the token, every algorithm of the
// table signs, and each way of naming the wrong token, key or PIN has its own stable code.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { createPkcs11Signer, type Pkcs11Signer } from '../../src/node/pkcs11-signer.js';
import { signDetached } from '../../src/sign/sign-detached.js';
import { verifyDetached } from '../../src/sign/verify-detached.js';
import { createSoftHsmToken, SOFTHSM_MODULE, USER_PIN, warnIfNoSoftHsm, type SoftHsmToken } from '../helpers/softhsm.js';

warnIfNoSoftHsm('tests/node/pkcs11-signer');

const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    const value = await promise;
    if (value !== null && typeof value === 'object' && 'close' in value) await (value as Pkcs11Signer).close();
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

describe.skipIf(SOFTHSM_MODULE === undefined)('createPkcs11Signer with SoftHSM 2', () => {
  let token: SoftHsmToken;
  beforeAll(async () => {
    token = await createSoftHsmToken();
  });
  afterAll(async () => {
    await token?.remove();
  });

  describe('refuses, with a stable code, a key it cannot use', () => {
    it('a missing, wrong or unreadable PIN (ERR_PKCS11_LOGIN, ERR_IO)', async () => {
      expect(await codeOf(createPkcs11Signer(token.uri('es256')))).toBe('ERR_PKCS11_LOGIN');
      expect(await codeOf(createPkcs11Signer(token.uri('es256'), { pin: '0000' }))).toBe('ERR_PKCS11_LOGIN');
      expect(await codeOf(createPkcs11Signer(token.uri('es256', '&pin-value=9999')))).toBe('ERR_PKCS11_LOGIN');
      expect(await codeOf(createPkcs11Signer(token.uri('es256', `&pin-source=${join(token.dir, 'absent')}`)))).toBe('ERR_IO');
      const big = join(token.dir, 'big-pin');
      await writeFile(big, 'x'.repeat(2000));
      expect(await codeOf(createPkcs11Signer(token.uri('es256', `&pin-source=${big}`)))).toBe('ERR_PKCS11_LOGIN');
    });

    it('no such token, no such key, or a key named ambiguously (ERR_PKCS11_KEY_NOT_FOUND)', async () => {
      const pin = { pin: USER_PIN };
      expect(await codeOf(createPkcs11Signer(`pkcs11:token=absent;object=es256?module-path=${token.module}`, pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
      expect(await codeOf(createPkcs11Signer(token.uri('absent'), pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
      expect(await codeOf(createPkcs11Signer(token.uri('es256').replace(';object=es256', ';object=es256;id=%02'), pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
      expect(await codeOf(createPkcs11Signer(token.uri('twin'), pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
      expect(await codeOf(createPkcs11Signer(`pkcs11:token=${encodeURIComponent('evb test token')}?module-path=${token.module}`, pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
      // A serial that is not the token's: every token attribute narrows the match.
      expect(await codeOf(createPkcs11Signer(token.uri('es256').replace('pkcs11:', 'pkcs11:serial=0;'), pin))).toBe('ERR_PKCS11_KEY_NOT_FOUND');
    });

    it('a module that does not load, or no module at all (ERR_PKCS11_UNAVAILABLE, ERR_PKCS11_URI_INVALID)', async () => {
      expect(await codeOf(createPkcs11Signer(`pkcs11:object=es256?module-path=${join(token.dir, 'absent.so')}`, { pin: USER_PIN }))).toBe('ERR_PKCS11_UNAVAILABLE');
      expect(await codeOf(createPkcs11Signer(`pkcs11:object=es256?module-path=${join(token.dir, 'softhsm2.conf')}`, { pin: USER_PIN }))).toBe('ERR_PKCS11_UNAVAILABLE');
      expect(await codeOf(createPkcs11Signer('pkcs11:object=es256', { pin: USER_PIN }))).toBe('ERR_PKCS11_URI_INVALID');
      expect(await codeOf(createPkcs11Signer('pkcs11:object=es256?module-name=softhsm2', { pin: USER_PIN }))).toBe('ERR_PKCS11_URI_INVALID');
    });

    it('an object type that does not sign (ERR_PKCS11_URI_INVALID)', async () => {
      for (const type of ['public', 'cert', 'secret-key', 'data']) {
        expect(await codeOf(createPkcs11Signer(token.uri('es256').replace(';object=es256', `;object=es256;type=${type}`), { pin: USER_PIN })), type).toBe('ERR_PKCS11_URI_INVALID');
      }
    });

    it('a key the token will not sign with, on a curve outside the table, or too small (ERR_KEY_USAGE, ERR_ALG_NOT_ALLOWED, ERR_KEY_TOO_SMALL)', async () => {
      expect(await codeOf(createPkcs11Signer(token.uri('no-sign'), { pin: USER_PIN }))).toBe('ERR_KEY_USAGE');
      expect(await codeOf(createPkcs11Signer(token.uri('p521'), { pin: USER_PIN }))).toBe('ERR_ALG_NOT_ALLOWED');
      expect(await codeOf(createPkcs11Signer(token.uri('rsa1024'), { pin: USER_PIN }))).toBe('ERR_KEY_TOO_SMALL');
    });

    it('a given public key that is not the token key\'s: the first signature fails its check (ERR_SIGNER_OUTPUT)', async () => {
      const other = await createPkcs11Signer(token.uri('es384'), { pin: USER_PIN });
      const es384 = other.publicKey;
      await other.close();
      // A public key of the right type but another key: kid is then wrong, and the signature does not verify.
      const p256 = await createPkcs11Signer(token.uri('twin').replace(';object=twin', ';object=twin;id=%08'), { pin: USER_PIN });
      const wrongKey = p256.publicKey;
      await p256.close();
      expect(await codeOf(createPkcs11Signer(token.uri('es256'), { pin: USER_PIN, publicKey: es384 }))).toBe('ERR_KEY_INVALID');
      const signer = await createPkcs11Signer(token.uri('es256'), { pin: USER_PIN, publicKey: wrongKey });
      try {
        expect(await codeOf(signDetached(MANIFEST, signer, { role: 'packager' }))).toBe('ERR_SIGNER_OUTPUT');
      } finally {
        await signer.close();
      }
    });

    it('a signature asked of a closed signer (ERR_PKCS11_FAILED)', async () => {
      const signer = await createPkcs11Signer(token.uri('es256'), { pin: USER_PIN });
      await signer.close();
      await signer.close();
      expect(await codeOf(signer.sign(MANIFEST))).toBe('ERR_PKCS11_FAILED');
    });
  });

  describe('signs inside the token with every algorithm of the table', () => {
    for (const [label, alg] of [['es256', 'ES256'], ['es384', 'ES384'], ['ed25519', 'EdDSA'], ['rsa2048', 'PS256']] as const) {
      it(`${alg} (${label}): the detached JWS verifies under the token's public key alone`, async () => {
        const signer = await createPkcs11Signer(token.uri(label), { pin: USER_PIN });
        try {
          expect(signer.alg).toBe(alg);
          expect(signer.publicKey).not.toHaveProperty('d');
          const entry = await signDetached(MANIFEST, signer, { role: 'certifier' });
          expect((await verifyDetached(MANIFEST, entry, { trustedKeys: [signer.publicKey] })).status).toBe('valid');
          expect((await verifyDetached(utf8Encode('{}'), entry, { trustedKeys: [signer.publicKey] })).status).toBe('invalid');
        } finally {
          await signer.close();
        }
      });
    }

    it('takes the PIN from pin-source (a path or a file: URI, first line) and by id alone', async () => {
      const pinFile = join(token.dir, 'pin');
      await writeFile(pinFile, `${USER_PIN}\n`, { mode: 0o600 });
      for (const uri of [token.uri('es256', `&pin-source=${pinFile}`), token.uri('es256', `&pin-source=file://${pinFile}`), `pkcs11:id=%01?module-path=${token.module}&pin-value=${USER_PIN}`]) {
        const signer = await createPkcs11Signer(uri);
        try {
          expect(signer.alg, uri).toBe('ES256');
        } finally {
          await signer.close();
        }
      }
    });

    it('makes signatures asked for together one after another, and two signers share the module', async () => {
      const a = await createPkcs11Signer(token.uri('es256'), { pin: USER_PIN });
      const b = await createPkcs11Signer(token.uri('ed25519'), { pin: USER_PIN });
      try {
        const entries = await Promise.all([...Array(6)].map((_, i) => signDetached(MANIFEST, i % 2 === 0 ? a : b, { role: 'packager' })));
        for (const [i, entry] of entries.entries()) {
          expect((await verifyDetached(MANIFEST, entry, { trustedKeys: [(i % 2 === 0 ? a : b).publicKey] })).status).toBe('valid');
        }
        await a.close();
        // Closing one signer leaves the module loaded for the other.
        const after = await signDetached(MANIFEST, b, { role: 'packager' });
        expect((await verifyDetached(MANIFEST, after, { trustedKeys: [b.publicKey] })).status).toBe('valid');
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
