import { resolve } from 'node:path';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { SIGNATURE_ROLES, isSignatureRole } from '../../sign/sign-detached.js';
import { parseCrl } from '../../x509/crl.js';
import { parseOcspResponse } from '../../x509/ocsp.js';
import { captureRevocationData } from '../../trust/capture-revocation.js';
import { addValidationData } from '../../node/add-validation-data.js';
import { signBundleDirectory } from '../../node/sign-bundle-directory.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { loadSigner } from './keys.js';
import { readRevocationFile } from './verify.js';

export const sign: Command = {
  help: `Usage: evb sign BUNDLE --key KEY.jwk|PKCS11-URI --role ROLE [--cert CHAIN.pem ...] [--capture-revocation]
                [--crl FILE ...] [--ocsp FILE ...]

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
  --capture-revocation
                after signing, fetch revocation data for the --cert chain (OCSP from the URLs of its
                authorityInfoAccess, CRLs from its cRLDistributionPoints; http(s) only, 10 s and 8 MiB per
                request) and store it in evidence/validation-data.json, so that receivers can check it
                offline. What cannot be fetched is reported on stderr; the signature is kept either way
  --crl FILE    a CRL (DER or PEM) to store in the validation data (repeatable)
  --ocsp FILE   an OCSP response (DER) to store in the validation data (repeatable)
`,
  options: {
    key: { type: 'string' },
    role: { type: 'string' },
    cert: { type: 'string', multiple: true },
    'capture-revocation': { type: 'boolean' },
    crl: { type: 'string', multiple: true },
    ocsp: { type: 'string', multiple: true },
  },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE');
    const key = values['key'] as string | undefined;
    const role = values['role'] as string | undefined;
    if (key === undefined || role === undefined) throw new UsageError('--key and --role are required');
    if (!isSignatureRole(role)) throw new UsageError(`--role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(role)}`);
    const certs = ((values['cert'] as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p));
    const capture = values['capture-revocation'] === true;
    if (capture && certs.length === 0) throw new UsageError('--capture-revocation needs the --cert chain');
    // Read before signing: a file that cannot be read or is no revocation data stops the command unsigned.
    const given = {
      crls: await Promise.all(((values['crl'] as string[] | undefined) ?? []).map((p) => readRevocationFile(resolve(io.cwd, p)))),
      ocspResponses: await Promise.all(((values['ocsp'] as string[] | undefined) ?? []).map((p) => readRevocationFile(resolve(io.cwd, p)))),
    };
    if (given.crls.some((d) => parseCrl(d) === undefined)) throw new UsageError('a --crl file is not a DER or PEM CRL');
    if (given.ocspResponses.some((d) => parseOcspResponse(d) === undefined)) throw new UsageError('an --ocsp file is not a successful DER OCSP response');
    const signer = await loadSigner(key, io, certs);
    try {
      const bundle = resolve(io.cwd, positionals[0]!);
      const { index } = await signBundleDirectory(bundle, { signer, role });
      io.stdout(`signature #${index} added as ${shown(role)} by ${shown(signer.kid)}\n`);
      if (capture) {
        const captured = await captureRevocationData(signer.x5c ?? []);
        for (const problem of captured.problems) io.stderr(`warning: ${shown(problem)}\n`);
        given.crls.push(...captured.crls);
        given.ocspResponses.push(...captured.ocspResponses);
      }
      if (given.crls.length + given.ocspResponses.length > 0) {
        const stored = await addValidationData(bundle, given);
        io.stdout(`validation data: ${stored.crls} CRL(s), ${stored.ocspResponses} OCSP response(s)\n`);
      }
    } finally {
      await signer.close();
    }
    return EXIT.VALID;
  },
};
