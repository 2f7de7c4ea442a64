import { resolve } from 'node:path';
import { escapeForDisplay as shown, SIGNATURE_ROLES } from '../../index.js';
import { isSignatureRole } from '../../entries/jws.js';
import { signBundleDirectory } from '../../node/index.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { loadSigner } from './keys.js';

export const sign: Command = {
  name: 'sign',
  summary: 'Add a signature (packager or certifier) to an existing bundle',
  help: `Usage: evb sign BUNDLE --key KEY.jwk|PKCS11-URI --role ROLE [--cert CHAIN.pem ...]

Checks the bundle's integrity first (a damaged bundle is never signed), then adds a detached JWS over the
canonical manifest to evidence/signatures.json. Earlier signatures are kept and stay valid. The update is
atomic: a crash leaves the bundle as it was or with the new signature, never half-written. BUNDLE is a
directory, a ZIP or a CBOR file (recognised by content); a file is rewritten beside and renamed over.

Options:
  --key KEY     private JWK file of the signer, or an RFC 7512 URI of a key in an HSM or smart card:
                'pkcs11:token=LABEL;object=KEY-LABEL?module-path=/path/to/module.so' (the key never
                leaves the token). The PIN comes from EVB_PKCS11_PIN or from pin-source=FILE in the URI
                (pin-value=PIN works but shows the PIN to every user of the machine); the module from
                module-path or EVB_PKCS11_MODULE
  --role ROLE   the capacity in which you sign: packager (you built the bundle) or certifier (an
                authority vouching for it); custody has its own command, evb custody
  --cert FILE   your certificate, then its issuers (PEM or DER, repeatable): carried as x5c so that a
                receiver trusting your national root can verify you without knowing your key. Refused
                (ERR_X509_KEY_MISMATCH, ERR_X509_CHAIN_INVALID) when the first certificate is not the
                key's, the order is not leaf first with each followed by its issuer, or a certificate is
                not valid now
`,
  options: { key: { type: 'string' }, role: { type: 'string' }, cert: { type: 'string', multiple: true } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const key = values['key'] as string | undefined;
    const role = values['role'] as string | undefined;
    if (key === undefined || role === undefined) throw new UsageError('--key and --role are required');
    if (!isSignatureRole(role)) throw new UsageError(`--role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(role)}`);
    const certs = ((values['cert'] as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p));
    const signer = await loadSigner(key, io, certs);
    try {
      const { index } = await signBundleDirectory(resolve(io.cwd, positionals[0]!), { signer, role });
      io.stdout(`signature #${index} added as ${shown(role)} by ${shown(signer.kid)}\n`);
    } finally {
      await signer.close();
    }
    return EXIT.VALID;
  },
};
