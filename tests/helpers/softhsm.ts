// A SoftHSM 2 token in a temporary directory, with key pairs made inside it through pkcs11js: the PKCS#11 signer
// is tested against a real module, never a mock. Skipped, visibly, where softhsm2 is not installed (.ci/run
// installs it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Pkcs11 from 'pkcs11js';

const require = createRequire(import.meta.url);

const MODULE_CANDIDATES = [
  process.env['SOFTHSM2_MODULE'],
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

/** The SoftHSM module, when softhsm2 (module and softhsm2-util) and the pkcs11js binding are all there. */
export const SOFTHSM_MODULE: string | undefined = (() => {
  const module = MODULE_CANDIDATES.find((path) => path !== undefined && existsSync(path));
  if (module === undefined) return undefined;
  try {
    if (spawnSync('softhsm2-util', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
    require('pkcs11js');
  } catch {
    return undefined;
  }
  return module;
})();

export function warnIfNoSoftHsm(suite: string): void {
  if (SOFTHSM_MODULE === undefined) {
    console.warn(`[skipped] ${suite}: SoftHSM 2 is not installed (apt-get install softhsm2; .ci/run installs it) or pkcs11js did not build`);
  }
}

export const USER_PIN = '4321';
export const TOKEN_LABEL = 'evb test token';

interface TestKey {
  label: string;
  id: string;
  kind: 'ec' | 'ed' | 'rsa';
  /** DER of CKA_EC_PARAMS (ec, ed) */
  curve?: string;
  bits?: number;
  sign?: boolean;
}

/** The keys the test token holds: label, CKA_ID (hex), and how each was made. */
export const TEST_KEYS: readonly TestKey[] = [
  { label: 'es256', id: '01', kind: 'ec', curve: '06082a8648ce3d030107' },
  { label: 'es384', id: '02', kind: 'ec', curve: '06052b81040022' },
  { label: 'ed25519', id: '03', kind: 'ed', curve: '06032b6570' },
  { label: 'rsa2048', id: '04', kind: 'rsa', bits: 2048 },
  { label: 'rsa1024', id: '05', kind: 'rsa', bits: 1024 },
  { label: 'p521', id: '06', kind: 'ec', curve: '06052b81040023' },
  { label: 'no-sign', id: '07', kind: 'ec', curve: '06082a8648ce3d030107', sign: false },
  // Two private keys under one label: a URI naming the label alone is ambiguous.
  { label: 'twin', id: '08', kind: 'ec', curve: '06082a8648ce3d030107' },
  { label: 'twin', id: '09', kind: 'ec', curve: '06082a8648ce3d030107' },
];

export interface SoftHsmToken {
  module: string;
  dir: string;
  /** A URI for a key of {@link TEST_KEYS} on the token, without the PIN. */
  uri(object: string, extra?: string): string;
  remove(): Promise<void>;
}

/**
 * Initialises a token in a fresh SOFTHSM2_CONF directory and fills it with {@link TEST_KEYS}. SoftHSM reads
 * SOFTHSM2_CONF at C_Initialize, so the variable is set for this process (and its children) from here on.
 */
export async function createSoftHsmToken(): Promise<SoftHsmToken> {
  const module = SOFTHSM_MODULE!;
  const dir = await mkdtemp(join(tmpdir(), 'evb-softhsm-'));
  await mkdir(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN_LABEL, '--so-pin', '0000', '--pin', USER_PIN], { env: process.env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}`);
  generateKeys(module);
  return {
    module,
    dir,
    uri: (object, extra = '') => `pkcs11:token=${encodeURIComponent(TOKEN_LABEL)};object=${encodeURIComponent(object)}?module-path=${module}${extra}`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function generateKeys(modulePath: string): void {
  const pkcs11 = require('pkcs11js') as typeof Pkcs11;
  const p = new pkcs11.PKCS11();
  p.load(modulePath);
  p.C_Initialize();
  try {
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trimEnd() === TOKEN_LABEL)!;
    const session = p.C_OpenSession(slot, pkcs11.CKF_SERIAL_SESSION | pkcs11.CKF_RW_SESSION);
    p.C_Login(session, pkcs11.CKU_USER, USER_PIN);
    for (const spec of TEST_KEYS) {
      const label = Buffer.from(spec.label);
      const id = Buffer.from(spec.id, 'hex');
      const common = [{ type: pkcs11.CKA_TOKEN, value: true }, { type: pkcs11.CKA_LABEL, value: label }, { type: pkcs11.CKA_ID, value: id }];
      const privateTemplate = [...common, { type: pkcs11.CKA_PRIVATE, value: true }, { type: pkcs11.CKA_SENSITIVE, value: true }, { type: pkcs11.CKA_EXTRACTABLE, value: false }, { type: pkcs11.CKA_SIGN, value: spec.sign ?? true }];
      if (spec.kind === 'rsa') {
        p.C_GenerateKeyPair(session, { mechanism: pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN }, [...common, { type: pkcs11.CKA_VERIFY, value: true }, { type: pkcs11.CKA_MODULUS_BITS, value: spec.bits! }, { type: pkcs11.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }], privateTemplate);
      } else {
        // CKM_EC_KEY_PAIR_GEN, or CKM_EC_EDWARDS_KEY_PAIR_GEN (0x1055, PKCS#11 v3.0) for Ed25519.
        const mechanism = spec.kind === 'ed' ? 0x1055 : pkcs11.CKM_EC_KEY_PAIR_GEN;
        p.C_GenerateKeyPair(session, { mechanism }, [...common, { type: pkcs11.CKA_VERIFY, value: true }, { type: pkcs11.CKA_EC_PARAMS, value: Buffer.from(spec.curve!, 'hex') }], privateTemplate);
      }
    }
    p.C_Logout(session);
    p.C_CloseSession(session);
  } finally {
    p.C_Finalize();
    p.close();
  }
}
