// Real certificates for the X.509 and RFC 3161 tests, made by the `openssl` command line in a temporary
// directory: the library's verdicts are checked against certificates it did not produce itself.
import { execFile, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether the `openssl` command is on PATH (the tests that need it are skipped, visibly, when it is not). */
export const OPENSSL_AVAILABLE: boolean = (() => {
  try {
    return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
})();

/** Says once per suite why it is skipped, so a missing openssl never passes silently. */
export function warnIfNoOpenssl(suite: string): void {
  if (!OPENSSL_AVAILABLE) console.warn(`[skipped] ${suite}: the openssl command is not on PATH (.ci/run installs it)`);
}

/** Runs openssl with arguments (no shell), in `cwd`; rejects with its stderr when it fails. */
export async function openssl(args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run('openssl', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

/** What one certificate of a test PKI should say; unset fields take the defaults of its place in the chain. */
export interface CertificateSpec {
  /** Subject in openssl `-subj` form (default `/C=VN/O=Test PKI/CN=<role> <n>`). */
  subject?: string;
  /** Validity (default: CAs from two years ago until ten years ahead, leaves from one day ago for one year). */
  notBefore?: Date;
  notAfter?: Date;
  /** openssl keyUsage value (default `critical,keyCertSign,cRLSign` for CAs, `critical,digitalSignature` for leaves); `''` omits it. */
  keyUsage?: string;
  /** openssl extendedKeyUsage value, such as `critical,timeStamping` (default none). */
  extendedKeyUsage?: string;
  /** pathLenConstraint of a CA (default none). */
  pathlen?: number;
  /** The key (default EC P-256); `RSA-PSS` is an id-RSASSA-PSS key (RFC 4055), whose certificates it signs with PSS. */
  key?: 'P-256' | 'P-384' | 'RSA-2048' | 'RSA-PSS';
  /** Further lines of the extension section (`nameConstraints = ...`, `certificatePolicies = ...`, `1.2.3.4 = critical,ASN1:NULL`). */
  extensions?: string[];
  /** Further config sections the extension lines refer to (`[ dir_sect ]` ...), verbatim. */
  sections?: string;
  /** Leave out basicConstraints altogether (default: present, as the place in the chain asks). */
  noBasicConstraints?: boolean;
}

/** A certificate made by openssl, with its key. */
export interface IssuedCertificate {
  subject: string;
  pem: string;
  der: Uint8Array;
  /** Base64 DER, an `x5c` element. */
  base64: string;
  certPath: string;
  keyPath: string;
  /** The private key as a JWK, for a JWS signer, and its public half. */
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** A root, its intermediates and a leaf. */
export interface OpensslPki {
  dir: string;
  root: IssuedCertificate;
  /** Intermediates, the one under the root first. */
  intermediates: IssuedCertificate[];
  leaf: IssuedCertificate;
  /** The leaf's `x5c`: leaf, then the intermediates from the lowest up (the root, the anchor, not included). */
  x5c: string[];
  /** Issues another certificate in this PKI (by default a leaf under the lowest CA). */
  issue(spec?: CertificateSpec, options?: { issuer?: IssuedCertificate; ca?: boolean }): Promise<IssuedCertificate>;
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
}

/** Options of {@link createOpensslPki}. */
export interface PkiOptions {
  root?: CertificateSpec;
  /** Number of intermediates (default 1), or one spec each. */
  intermediates?: number | CertificateSpec[];
  leaf?: CertificateSpec;
}

const DAY = 86_400_000;

const CA_CONFIG = `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
countryName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
`;

/**
 * Creates root -> intermediates -> leaf with `openssl ca` (EC P-256 keys unless told, SHA-256, explicit validity dates so
 * expired and not-yet-valid certificates can be made) in a fresh temporary directory.
 */
export async function createOpensslPki(options: PkiOptions = {}): Promise<OpensslPki> {
  const dir = await mkdtemp(join(tmpdir(), 'evb-pki-'));
  await mkdir(join(dir, 'newcerts'));
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  let counter = 0;
  // openssl ca rewrites its database and serial file: one signing at a time.
  let queue: Promise<unknown> = Promise.resolve();

  const make = async (role: string, spec: CertificateSpec, issuer: IssuedCertificate | undefined, ca: boolean): Promise<IssuedCertificate> => {
    const name = `${role}-${++counter}`;
    const subject = spec.subject ?? `/C=VN/O=Test PKI/CN=${role} ${counter}`;
    const now = Date.now();
    const notBefore = spec.notBefore ?? new Date(now - (ca ? 730 : 1) * DAY);
    const notAfter = spec.notAfter ?? new Date(now + (ca ? 3650 : 365) * DAY);
    const keyUsage = spec.keyUsage ?? (ca ? 'critical,keyCertSign,cRLSign' : 'critical,digitalSignature');
    const ext = [
      `[ ext ]`,
      ...(spec.noBasicConstraints === true ? [] : [ca ? `basicConstraints = critical,CA:TRUE${spec.pathlen !== undefined ? `,pathlen:${spec.pathlen}` : ''}` : 'basicConstraints = CA:FALSE']),
      ...(keyUsage !== '' ? [`keyUsage = ${keyUsage}`] : []),
      ...(spec.extendedKeyUsage !== undefined ? [`extendedKeyUsage = ${spec.extendedKeyUsage}`] : []),
      ...(spec.extensions ?? []),
      'subjectKeyIdentifier = hash',
      issuer === undefined ? 'authorityKeyIdentifier = keyid' : 'authorityKeyIdentifier = keyid:always',
      ...(spec.extensions ?? []),
      spec.sections ?? '',
      '',
    ].join('\n');
    const keyPath = join(dir, `${name}.key`);
    const certPath = join(dir, `${name}.pem`);
    await writeFile(join(dir, `${name}.ext`), ext);
    const keyOptions = spec.key === 'RSA-2048' || spec.key === 'RSA-PSS'
      ? ['-algorithm', spec.key === 'RSA-PSS' ? 'RSA-PSS' : 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
      : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec.key ?? 'P-256'}`];
    await openssl(['genpkey', ...keyOptions, '-out', keyPath], dir);
    await openssl(['req', '-new', '-config', 'ca.cnf', '-key', keyPath, '-subj', subject, '-out', `${name}.csr`], dir);
    const sign = [
      'ca', '-batch', '-config', 'ca.cnf', '-notext', '-preserveDN', '-in', `${name}.csr`, '-out', certPath,
      '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-extfile', `${name}.ext`, '-extensions', 'ext',
      ...(issuer === undefined ? ['-selfsign', '-keyfile', keyPath] : ['-cert', issuer.certPath, '-keyfile', issuer.keyPath]),
    ];
    const done = queue.then(() => openssl(sign, dir));
    queue = done.catch(() => undefined);
    await done;
    const pem = await readFile(certPath, 'utf8');
    const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    // Node exports no JWK for an RSA-PSS key: its PKCS#1 body is a plain RSA key, which it does.
    const keyPem = spec.key === 'RSA-PSS'
      ? (await openssl(['rsa', '-in', keyPath, '-traditional'], dir)).stdout.replace(/RSA-PSS PRIVATE KEY/g, 'RSA PRIVATE KEY')
      : await readFile(keyPath, 'utf8');
    const privateJwk = createPrivateKey(keyPem).export({ format: 'jwk' }) as JsonWebKey;
    const publicJwk = createPublicKey(keyPem).export({ format: 'jwk' }) as JsonWebKey;
    return { subject, pem, der: new Uint8Array(Buffer.from(base64, 'base64')), base64, certPath, keyPath, privateJwk, publicJwk };
  };

  try {
    const root = await make('Root', options.root ?? {}, undefined, true);
    const specs = typeof options.intermediates === 'number' || options.intermediates === undefined
      ? Array.from({ length: options.intermediates ?? 1 }, () => ({}))
      : options.intermediates;
    const intermediates: IssuedCertificate[] = [];
    let issuer = root;
    for (const spec of specs) {
      issuer = await make('Intermediate', spec, issuer, true);
      intermediates.push(issuer);
    }
    const lowest = issuer;
    const leaf = await make('Leaf', options.leaf ?? {}, lowest, false);
    return {
      dir,
      root,
      intermediates,
      leaf,
      x5c: [leaf.base64, ...[...intermediates].reverse().map((c) => c.base64)],
      issue: (spec = {}, o = {}) => make(o.ca === true ? 'Intermediate' : 'Leaf', spec, o.issuer ?? lowest, o.ca === true),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca -startdate/-enddate` takes. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
