import { resolve } from 'node:path';
import { escapeForDisplay as shown } from '../../report/display-text.js';
import { generateSigningKey } from '../../sign/generate-signing-key.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../../sign/algorithms.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { writeNewFile } from './files.js';

export const keygen: Command = {
  help: `Usage: evb keygen --out KEY.jwk [--public PUB.jwk] [--alg EdDSA|ES256|ES384|PS256]

Writes a private JWK (file mode 0600) and its public JWK, and prints the key id (the RFC 7638 thumbprint).
Give the public JWK to the receivers who must trust your signatures; keep the private one secret.

Options:
  --out FILE      private key file (must not exist)
  --public FILE   public key file (default: FILE with .pub.jwk)
  --alg ALG       signature algorithm (default EdDSA)
`,
  options: { out: { type: 'string' }, public: { type: 'string' }, alg: { type: 'string' } },
  async run(values, _positionals, io) {
    const out = values['out'] as string | undefined;
    if (out === undefined) throw new UsageError('--out is required');
    const alg = (values['alg'] as string | undefined) ?? 'EdDSA';
    if (!Object.hasOwn(SIGNATURE_ALGORITHMS, alg)) {
      throw new UsageError(`--alg must be one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
    }
    const pub = (values['public'] as string | undefined) ?? out.replace(/(\.jwk|\.json)?$/, '.pub.jwk');
    const key = await generateSigningKey(alg as SignatureAlgorithm);
    await writeNewFile(resolve(io.cwd, out), JSON.stringify(key.privateJwk, null, 2) + '\n', 0o600);
    await writeNewFile(resolve(io.cwd, pub), JSON.stringify(key.publicJwk, null, 2) + '\n', 0o644);
    io.stdout(`kid ${key.kid}\nprivate key: ${shown(out)}\npublic key:  ${shown(pub)}\n`);
    return EXIT.VALID;
  },
};
