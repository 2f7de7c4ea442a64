import { createJwkSigner } from '../../sign/jwk-signer.js';
import { createPkcs11Signer } from '../../node/pkcs11-signer.js';
import { EvidenceBundleError } from '../../errors.js';
import type { Signer } from '../../sign/signer.js';
import { base64Encode } from '../../internal/bytes.js';
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { readJsonFile } from './files.js';

/** A signer the command must close when done (a PKCS#11 session); closing a JWK signer does nothing. */
export type ClosableSigner = Signer & { close(): Promise<void> };

/** The environment variables `--key pkcs11:...` reads: the PIN (never on the command line) and the module. */
export const PKCS11_PIN_ENV = 'EVB_PKCS11_PIN';
export const PKCS11_MODULE_ENV = 'EVB_PKCS11_MODULE';

/**
 * Loads the signer `--key` names: a private JWK file, or an RFC 7512 `pkcs11:` URI of a key in an HSM or smart
 * card (the PIN from EVB_PKCS11_PIN or the URI's pin-source file; the module from the URI's module-path or
 * EVB_PKCS11_MODULE). With certificate files (PEM, leaf first, then its issuers), the signer puts that chain in
 * its signatures' `x5c`.
 */
export async function loadSigner(key: string, io: CliIO, certificatePaths: readonly string[] = []): Promise<ClosableSigner> {
  // The certificate reader (pkijs) is imported when a signer has certificates: most have none, and commands that
  // only sometimes sign (custody, redact) should not load it at start.
  const chain = certificatePaths.length === 0 ? [] : (await (await import('./certificates.js')).loadCertificates(certificatePaths)).map(base64Encode);
  const x5c = chain.length > 0 ? { x5c: chain } : {};
  if (key.slice(0, 7).toLowerCase() === 'pkcs11:') {
    const env = io.env ?? {};
    // A PIN in the arguments is readable by every user of the machine (ps, /proc): allowed by RFC 7512, warned of.
    if (/[?&]pin-value=/.test(key)) io.stderr(`warning: pin-value puts the PIN on the command line; set ${PKCS11_PIN_ENV} or use pin-source=FILE\n`);
    const pin = env[PKCS11_PIN_ENV];
    const modulePath = env[PKCS11_MODULE_ENV];
    return createPkcs11Signer(key, { ...x5c, ...(pin !== undefined ? { pin } : {}), ...(modulePath !== undefined && modulePath !== '' ? { modulePath } : {}) });
  }
  const path = resolve(io.cwd, key);
  const jwk = await readJsonFile(path, 1024 * 1024);
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', `${path} is not a JWK`);
  }
  return { ...(await createJwkSigner(jwk as JsonWebKey, x5c)), close: async () => undefined };
}
