// evb signs with a key that stays in a PKCS#11 token (SoftHSM 2): `--key pkcs11:...`, the PIN from the
// environment or a file, never required on the command line.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { createPkcs11Signer } from '../../src/node/pkcs11-signer.js';
import { DEMO_DIR, packDemo, tempDir } from '../helpers/bundle-fixture.js';
import { createSoftHsmToken, SOFTHSM_MODULE, USER_PIN, warnIfNoSoftHsm, type SoftHsmToken } from '../helpers/softhsm.js';

warnIfNoSoftHsm('tests/cli/cli-pkcs11');

describe.skipIf(SOFTHSM_MODULE === undefined)('evb with --key pkcs11:', () => {
  let dir: string;
  let token: SoftHsmToken;
  let trust: string;

  async function evb(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir, env };
    return { code: await main(args, io), out, err };
  }

  beforeAll(async () => {
    dir = await tempDir('evb-cli-pkcs11-');
    token = await createSoftHsmToken();
    const signer = await createPkcs11Signer(token.uri('es256'), { pin: USER_PIN });
    trust = join(dir, 'hsm.pub.jwk');
    await fsp.writeFile(trust, JSON.stringify(signer.publicKey));
    await signer.close();
  });
  afterAll(async () => {
    await token?.remove();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing or wrong PIN (exit 65, ERR_PKCS11_LOGIN) and a malformed URI (exit 64), and leaves the bundle unsigned', async () => {
    const bundle = await packDemo(dir, { name: 'refused' });
    const before = await fsp.readFile(join(bundle, 'evidence', 'signatures.json'), 'utf8').catch(() => undefined);
    const noPin = await evb({}, 'sign', bundle, '--key', token.uri('es256'), '--role', 'certifier');
    expect(noPin.code).toBe(65);
    expect(noPin.err).toContain('ERR_PKCS11_LOGIN');
    const wrongPin = await evb({ EVB_PKCS11_PIN: '0000' }, 'sign', bundle, '--key', token.uri('es256'), '--role', 'certifier');
    expect(wrongPin.code).toBe(65);
    expect(wrongPin.err).toContain('ERR_PKCS11_LOGIN');
    const malformed = await evb({ EVB_PKCS11_PIN: USER_PIN }, 'sign', bundle, '--key', 'pkcs11:object=a b', '--role', 'certifier');
    expect(malformed.code).toBe(64);
    const absentKey = await evb({ EVB_PKCS11_PIN: USER_PIN }, 'sign', bundle, '--key', token.uri('absent'), '--role', 'certifier');
    expect(absentKey.err).toContain('ERR_PKCS11_KEY_NOT_FOUND');
    expect(await fsp.readFile(join(bundle, 'evidence', 'signatures.json'), 'utf8').catch(() => undefined)).toBe(before);
  });

  it('signs with the PIN from EVB_PKCS11_PIN and the module from EVB_PKCS11_MODULE; the bundle verifies VALID', async () => {
    const bundle = await packDemo(dir, { name: 'env-pin' });
    const uri = token.uri('es256').replace(/\?module-path=.*$/, '');
    const signed = await evb({ EVB_PKCS11_PIN: USER_PIN, EVB_PKCS11_MODULE: token.module }, 'sign', bundle, '--key', uri, '--role', 'certifier');
    expect(signed.err).toBe('');
    expect(signed.code).toBe(0);
    const verified = await evb({}, 'verify', bundle, '--trust', trust);
    expect(verified.code).toBe(0);
  });

  it('signs with the PIN from a pin-source file, in evb sign and in evb pack --sign', async () => {
    const pinFile = join(dir, 'pin.txt');
    await fsp.writeFile(pinFile, `${USER_PIN}\n`, { mode: 0o600 });
    const uri = token.uri('es256', `&pin-source=${pinFile}`);
    const bundle = await packDemo(dir, { name: 'pin-file' });
    expect((await evb({}, 'sign', bundle, '--key', uri, '--role', 'packager')).code).toBe(0);
    expect((await evb({}, 'verify', bundle, '--trust', trust)).code).toBe(0);
    const packed = await evb({}, 'pack', '--spec', join(DEMO_DIR, 'case.json'), '--out', 'packed-by-hsm', '--sign', `packager=${uri}`);
    expect(packed.err).toBe('');
    expect(packed.code).toBe(0);
    expect((await evb({}, 'verify', 'packed-by-hsm', '--trust', trust)).code).toBe(0);
  });

  it('warns when the PIN is put on the command line (pin-value), and still signs', async () => {
    const bundle = await packDemo(dir, { name: 'pin-value' });
    const signed = await evb({}, 'sign', bundle, '--key', token.uri('es256', `&pin-value=${USER_PIN}`), '--role', 'certifier');
    expect(signed.code).toBe(0);
    expect(signed.err).toMatch(/EVB_PKCS11_PIN/);
  });
});
