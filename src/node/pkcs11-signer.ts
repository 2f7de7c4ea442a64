import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EvidenceBundleError, type ErrorCode } from '../errors.js';
import { base64urlEncode, utf8DecodeStrict } from '../internal/bytes.js';
import type { SignatureAlgorithm } from '../sign/algorithms.js';
import { checkKeyFor } from '../sign/key-checks.js';
import type { Signer } from '../sign/signer.js';
import { jwkThumbprint } from '../sign/thumbprint.js';
import { parsePkcs11Uri, type Pkcs11Uri } from './pkcs11-uri.js';

/** Options of {@link createPkcs11Signer}. */
export interface Pkcs11SignerOptions {
  /**
   * The user PIN. Wins over the URI's `pin-value` and `pin-source`; give it from an environment variable, a
   * file or a prompt, never a command-line argument (other users see those in the process list).
   */
  readonly pin?: string;
  /** The PKCS#11 module (shared library) to load when the URI has no `module-path`. */
  readonly modulePath?: string;
  /** Certificate chain of the key (base64 DER, leaf first), put in each signature's protected header as `x5c`. */
  readonly x5c?: readonly string[];
  /**
   * The key's public JWK, for a token that holds the private key but no public key object beside it (same
   * `CKA_ID`). Otherwise the public key is read from the token.
   */
  readonly publicKey?: JsonWebKey;
}

/** A {@link Signer} whose key stays in a PKCS#11 token; `close` logs out and unloads the module. */
export interface Pkcs11Signer extends Signer {
  /** The public JWK read from the token (or given): every signature is verified with it before it is used. */
  readonly publicKey: JsonWebKey;
  /** Ends the session and, once no signer uses the module any more, finalizes it (which logs out). Idempotent. */
  close(): Promise<void>;
}

// PKCS#11 v2.40 / v3.0 constants (pkcs11js lacks the EdDSA ones, so all are spelled here, from the standard).
const CKA_CLASS = 0x0;
const CKA_LABEL = 0x3;
const CKA_KEY_TYPE = 0x100;
const CKA_ID = 0x102;
const CKA_SIGN = 0x108;
const CKA_MODULUS = 0x120;
const CKA_PUBLIC_EXPONENT = 0x122;
const CKA_EC_PARAMS = 0x180;
const CKA_EC_POINT = 0x181;
const CKO_PUBLIC_KEY = 0x2;
const CKO_PRIVATE_KEY = 0x3;
const CKK_RSA = 0x0;
const CKK_EC = 0x3;
const CKK_EC_EDWARDS = 0x40;
const CKM_RSA_PKCS_PSS = 0xd;
const CKM_SHA256 = 0x250;
const CKG_MGF1_SHA256 = 0x2;
const CKM_ECDSA = 0x1041;
const CKM_EDDSA = 0x1057;
const CKF_SERIAL_SESSION = 0x4;
const CKF_OS_LOCKING_OK = 0x2;
const CKF_TOKEN_INITIALIZED = 0x400;
const CKF_LOGIN_REQUIRED = 0x4;
const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
const CKU_USER = 1;
const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
const CKR_USER_ALREADY_LOGGED_IN = 0x100;
const LOGIN_FAILURES: ReadonlyMap<number, string> = new Map([
  [0xa0, 'the PIN is incorrect'],
  [0xa1, 'the PIN has invalid characters'],
  [0xa2, 'the PIN has the wrong length'],
  [0xa3, 'the PIN has expired'],
  [0xa4, 'the PIN is locked'],
  [0x101, 'the session is not logged in'],
]);
const CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;

// DER of the curve identifiers in CKA_EC_PARAMS: OIDs (RFC 5480, RFC 8410) or, for Edwards curves, a name.
const CURVES: ReadonlyArray<{ der: string; alg: SignatureAlgorithm; crv: string; size: number }> = [
  { der: '06082a8648ce3d030107', alg: 'ES256', crv: 'P-256', size: 32 },
  { der: '06052b81040022', alg: 'ES384', crv: 'P-384', size: 48 },
  { der: '06032b6570', alg: 'EdDSA', crv: 'Ed25519', size: 32 },
  { der: '130c656477617264733235353139', alg: 'EdDSA', crv: 'Ed25519', size: 32 }, // PrintableString "edwards25519"
];
/** A PIN file holds a line, not a document. */
const MAX_PIN_FILE_BYTES = 1024;

type Pkcs11Module = import('pkcs11js').PKCS11;
type Handle = Buffer;

// One loaded module per path for the whole process: C_Initialize and C_Finalize are process-wide, so two
// signers on one token share it, and the last one to close finalizes.
const modules = new Map<string, { module: Pkcs11Module; users: number; ownInit: boolean }>();

/**
 * A {@link Signer} over a private key in a PKCS#11 token (an HSM, a smart card, SoftHSM): the key never leaves
 * the token. `uri` is an RFC 7512 URI naming the token and the key, and the module to load, e.g.
 * `pkcs11:token=Agency;object=packager?module-path=/usr/lib/softhsm/libsofthsm2.so`. The algorithm follows from
 * the key: EC P-256 → ES256, EC P-384 → ES384, Ed25519 → EdDSA, RSA → PS256 (RSA-PSS, SHA-256, MGF1, 32-byte
 * salt). ECDSA and RSA-PSS sign a digest computed here (`CKM_ECDSA`, `CKM_RSA_PKCS_PSS`: the mechanisms smart
 * cards have), Ed25519 the whole input (`CKM_EDDSA`). The public key is read from the public key object with the
 * same `CKA_ID` (or `options.publicKey`); `kid` is its thumbprint and every signature is verified with it before
 * it is written. The PIN: `options.pin`, else the URI's `pin-source` (a file, `file:` URI or path: its first
 * line), else its `pin-value`; a token with a protected authentication path (a PIN pad) logs in without one.
 * A PKCS#11 login holds for the whole process: a second signer on a token already logged in is not asked for
 * its PIN again. Needs the optional peer dependency `pkcs11js` (a native addon). Call `close()` when done.
 * @throws EvidenceBundleError `ERR_PKCS11_URI_INVALID` for a URI that is not RFC 7512, names no module, or
 *   names an object type other than `private`; `ERR_PKCS11_UNAVAILABLE` when `pkcs11js` is not installed or the
 *   module cannot be loaded; `ERR_PKCS11_KEY_NOT_FOUND` when no token or several, no private key or several, or
 *   no public key match; `ERR_PKCS11_LOGIN` for a PIN that is missing, wrong or locked; `ERR_KEY_USAGE` for a key
 *   whose `CKA_SIGN` is false; `ERR_ALG_NOT_ALLOWED` for a key type or curve outside the table; `ERR_KEY_TOO_SMALL`
 *   for RSA under 2048 bits; `ERR_PKCS11_FAILED` for any other refusal of the token; `ERR_IO` for an unreadable
 *   `pin-source`. `sign` throws `ERR_PKCS11_FAILED`, `ERR_PKCS11_LOGIN` or `ERR_KEY_USAGE` likewise.
 * @example
 * const signer = await createPkcs11Signer('pkcs11:token=Agency;object=packager?module-path=/usr/lib/softhsm/libsofthsm2.so', { pin: process.env['EVB_PKCS11_PIN'] });
 * try {
 *   await signBundleDirectory('out/case-42', { signer, role: 'certifier' });
 * } finally {
 *   await signer.close();
 * }
 */
export async function createPkcs11Signer(uri: string, options: Pkcs11SignerOptions = {}): Promise<Pkcs11Signer> {
  const parsed = parsePkcs11Uri(uri);
  if (parsed.type !== undefined && parsed.type !== 'private') {
    throw new EvidenceBundleError('ERR_PKCS11_URI_INVALID', `type=${parsed.type} names no key that signs: name the private key (type=private)`);
  }
  const modulePath = parsed.modulePath ?? options.modulePath;
  if (modulePath === undefined) {
    throw new EvidenceBundleError('ERR_PKCS11_URI_INVALID', 'the URI names no module: add ?module-path=/path/to/module.so (module-name alone is not searched for)');
  }
  const pin = options.pin ?? (parsed.pinSource !== undefined ? await readPinSource(parsed.pinSource) : parsed.pinValue);
  const module = await acquireModule(modulePath);
  let session: Handle | undefined;
  try {
    const slot = findSlot(module, parsed);
    session = call(() => module.C_OpenSession(slot, CKF_SERIAL_SESSION), 'cannot open a session');
    login(module, session, module.C_GetTokenInfo(slot).flags, pin);
    const key = findOne(module, session, privateKeyTemplate(parsed), 'private key');
    const [sign] = attributes(module, session, key, [CKA_SIGN]);
    if (sign !== undefined && sign.length > 0 && sign[0] === 0) throw new EvidenceBundleError('ERR_KEY_USAGE', 'the key\'s CKA_SIGN is false: the token will not sign with it');
    const { alg, publicKey: read } = readPublicKey(module, session, key, options.publicKey !== undefined);
    const publicKey = options.publicKey !== undefined ? keyMembers(options.publicKey) : read!;
    const problem = checkKeyFor(publicKey, alg, 'verify');
    if (problem !== undefined) {
      throw new EvidenceBundleError(problem.kind === 'too-small' ? 'ERR_KEY_TOO_SMALL' : 'ERR_KEY_INVALID', `the public key does not fit the token's key: ${problem.message}`);
    }
    const kid = await jwkThumbprint(publicKey);
    if (kid === undefined) throw new EvidenceBundleError('ERR_KEY_INVALID', 'the public key has no RFC 7638 thumbprint');
    return openSigner(module, modulePath, session, key, alg, kid, publicKey, options.x5c);
  } catch (error) {
    if (session !== undefined) closeQuietly(module, session);
    releaseModule(modulePath);
    throw error;
  }
}

function openSigner(
  module: Pkcs11Module, modulePath: string, session: Handle, key: Handle,
  alg: SignatureAlgorithm, kid: string, publicKey: JsonWebKey, x5c: readonly string[] | undefined,
): Pkcs11Signer {
  // A PKCS#11 session runs one operation at a time: signatures asked for together are made one after another.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const signOnce = async (input: Uint8Array): Promise<Uint8Array> => {
    if (closed) throw new EvidenceBundleError('ERR_PKCS11_FAILED', 'the PKCS#11 signer is closed');
    const { mechanism, data, length } = await mechanismFor(alg, input, publicKey);
    call(() => module.C_SignInit(session, mechanism, key), 'the token refused to start a signature');
    try {
      const out = await module.C_SignAsync(session, Buffer.from(data), Buffer.alloc(length));
      return new Uint8Array(out);
    } catch (error) {
      return call(() => { throw error; }, 'the token refused to sign');
    }
  };
  return {
    alg,
    kid,
    publicKey,
    ...(x5c !== undefined ? { x5c: [...x5c] } : {}),
    sign(signingInput: Uint8Array): Promise<Uint8Array> {
      const result = queue.then(() => signOnce(signingInput));
      queue = result.catch(() => undefined);
      return result;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue;
      closeQuietly(module, session);
      releaseModule(modulePath);
    },
  };
}

async function mechanismFor(alg: SignatureAlgorithm, input: Uint8Array, publicKey: JsonWebKey): Promise<{ mechanism: import('pkcs11js').Mechanism; data: Uint8Array; length: number }> {
  const digest = async (name: string): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest(name, input as Uint8Array<ArrayBuffer>));
  switch (alg) {
    case 'EdDSA':
      return { mechanism: { mechanism: CKM_EDDSA }, data: input, length: 64 };
    case 'ES256':
      return { mechanism: { mechanism: CKM_ECDSA }, data: await digest('SHA-256'), length: 64 };
    case 'ES384':
      return { mechanism: { mechanism: CKM_ECDSA }, data: await digest('SHA-384'), length: 96 };
    case 'PS256': {
      const pkcs11 = await loadBinding();
      const modulusBytes = Buffer.from(publicKey.n!, 'base64url').length;
      return {
        mechanism: { mechanism: CKM_RSA_PKCS_PSS, parameter: { type: pkcs11.CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: 32 } as import('pkcs11js').RsaPSS },
        data: await digest('SHA-256'),
        length: modulusBytes,
      };
    }
  }
}

async function loadBinding(): Promise<typeof import('pkcs11js')> {
  try {
    const imported = (await import('pkcs11js')) as typeof import('pkcs11js') & { default?: typeof import('pkcs11js') };
    return imported.default ?? imported;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_PKCS11_UNAVAILABLE', 'PKCS#11 needs the optional package pkcs11js: npm install pkcs11js', { cause });
  }
}

async function acquireModule(path: string): Promise<Pkcs11Module> {
  const known = modules.get(path);
  if (known !== undefined) {
    known.users++;
    return known.module;
  }
  const pkcs11 = await loadBinding();
  const module = new pkcs11.PKCS11();
  try {
    module.load(path);
  } catch (cause) {
    throw new EvidenceBundleError('ERR_PKCS11_UNAVAILABLE', `the PKCS#11 module ${path} cannot be loaded`, { cause });
  }
  let ownInit = true;
  try {
    // The signatures run on libuv's thread pool (C_SignAsync): the module must lock for itself.
    module.C_Initialize({ flags: CKF_OS_LOCKING_OK });
  } catch (cause) {
    // Another library in this process initialized the module: use it, and leave finalizing to that one.
    if (ckr(cause) !== CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      module.close();
      throw new EvidenceBundleError('ERR_PKCS11_UNAVAILABLE', `the PKCS#11 module ${path} does not initialize`, { cause });
    }
    ownInit = false;
  }
  modules.set(path, { module, users: 1, ownInit });
  return module;
}

function releaseModule(path: string): void {
  const known = modules.get(path);
  if (known === undefined || --known.users > 0) return;
  modules.delete(path);
  try {
    if (known.ownInit) known.module.C_Finalize();
    known.module.close();
  } catch {
    // Unloading is best effort: the signatures made are what count.
  }
}

// No C_Logout: a login belongs to the whole application, so it would log every other signer on the token out;
// closing the application's last session ends it (PKCS#11 v2.40 section 5.6).
function closeQuietly(module: Pkcs11Module, session: Handle): void {
  try {
    module.C_CloseSession(session);
  } catch {
    // The token is gone: nothing left to close.
  }
}

function findSlot(module: Pkcs11Module, uri: Pkcs11Uri): Handle {
  const slots = call(() => module.C_GetSlotList(true), 'cannot list the slots');
  const matches = slots.filter((slot) => {
    if (uri.slotId !== undefined && slotNumber(slot) !== uri.slotId) return false;
    if (uri.slotDescription !== undefined || uri.slotManufacturer !== undefined) {
      const info = module.C_GetSlotInfo(slot);
      if (uri.slotDescription !== undefined && unpad(info.slotDescription) !== uri.slotDescription) return false;
      if (uri.slotManufacturer !== undefined && unpad(info.manufacturerID) !== uri.slotManufacturer) return false;
    }
    const token = module.C_GetTokenInfo(slot);
    // A blank token (SoftHSM always offers one) holds no key: it only makes "several tokens match".
    if ((token.flags & CKF_TOKEN_INITIALIZED) === 0) return false;
    return (uri.token === undefined || unpad(token.label) === uri.token)
      && (uri.manufacturer === undefined || unpad(token.manufacturerID) === uri.manufacturer)
      && (uri.serial === undefined || unpad(token.serialNumber) === uri.serial)
      && (uri.model === undefined || unpad(token.model) === uri.model);
  });
  if (matches.length !== 1) {
    throw new EvidenceBundleError('ERR_PKCS11_KEY_NOT_FOUND', matches.length === 0
      ? 'no token of the module matches the URI'
      : `${matches.length} tokens match the URI: name one with token=, serial= or slot-id=`);
  }
  return matches[0]!;
}

function login(module: Pkcs11Module, session: Handle, tokenFlags: number, pin: string | undefined): void {
  if (pin === undefined) {
    if ((tokenFlags & CKF_PROTECTED_AUTHENTICATION_PATH) !== 0) return loginWith(module, session, undefined);
    if ((tokenFlags & CKF_LOGIN_REQUIRED) !== 0) {
      throw new EvidenceBundleError('ERR_PKCS11_LOGIN', 'the token needs a PIN: give it through pin-source (a file) or the signer\'s pin option');
    }
    return;
  }
  loginWith(module, session, pin);
}

function loginWith(module: Pkcs11Module, session: Handle, pin: string | undefined): void {
  try {
    module.C_Login(session, CKU_USER, pin);
  } catch (cause) {
    if (ckr(cause) === CKR_USER_ALREADY_LOGGED_IN) return;
    call(() => { throw cause; }, 'the token refused the login');
  }
}

function privateKeyTemplate(uri: Pkcs11Uri): import('pkcs11js').Template {
  return [
    { type: CKA_CLASS, value: CKO_PRIVATE_KEY },
    ...(uri.object !== undefined ? [{ type: CKA_LABEL, value: Buffer.from(uri.object, 'utf8') }] : []),
    ...(uri.id !== undefined ? [{ type: CKA_ID, value: Buffer.from(uri.id) }] : []),
  ];
}

function findOne(module: Pkcs11Module, session: Handle, template: import('pkcs11js').Template, what: string): Handle {
  const found = call(() => {
    module.C_FindObjectsInit(session, template);
    try {
      return module.C_FindObjects(session, 2);
    } finally {
      module.C_FindObjectsFinal(session);
    }
  }, `cannot search the token for the ${what}`);
  if (found.length !== 1) {
    throw new EvidenceBundleError('ERR_PKCS11_KEY_NOT_FOUND', found.length === 0
      ? `no ${what} on the token matches the URI (is the PIN for this token, and the label or id right?)`
      : `several ${what}s match the URI: name one with object= or id=`);
  }
  return found[0]!;
}

/** Attribute values, undefined for one the token does not have or will not show. */
function attributes(module: Pkcs11Module, session: Handle, object: Handle, types: readonly number[]): Array<Buffer | undefined> {
  return types.map((type) => {
    try {
      return module.C_GetAttributeValue(session, object, [{ type }])[0]?.value;
    } catch {
      return undefined;
    }
  });
}

function readPublicKey(module: Pkcs11Module, session: Handle, key: Handle, given: boolean): { alg: SignatureAlgorithm; publicKey?: JsonWebKey } {
  const [keyType, id, label] = attributes(module, session, key, [CKA_KEY_TYPE, CKA_ID, CKA_LABEL]);
  const type = keyType !== undefined && keyType.length > 0 ? Number(readUnsigned(keyType)) : undefined;
  if (type === CKK_RSA) {
    const [n, e] = attributes(module, session, key, [CKA_MODULUS, CKA_PUBLIC_EXPONENT]);
    if (given) return { alg: 'PS256' };
    if (n === undefined || e === undefined) throw new EvidenceBundleError('ERR_PKCS11_KEY_NOT_FOUND', 'the RSA key shows no modulus: give options.publicKey');
    return { alg: 'PS256', publicKey: { kty: 'RSA', n: base64urlEncode(stripZeros(n)), e: base64urlEncode(stripZeros(e)) } };
  }
  if (type !== CKK_EC && type !== CKK_EC_EDWARDS) {
    throw new EvidenceBundleError('ERR_ALG_NOT_ALLOWED', `the token's key type ${type === undefined ? 'is unreadable' : `0x${type.toString(16)}`}: only EC P-256, P-384, Ed25519 and RSA keys sign`);
  }
  const [params] = attributes(module, session, key, [CKA_EC_PARAMS]);
  const curve = CURVES.find((c) => params !== undefined && params.toString('hex') === c.der);
  if (curve === undefined || (curve.alg === 'EdDSA') !== (type === CKK_EC_EDWARDS)) {
    throw new EvidenceBundleError('ERR_ALG_NOT_ALLOWED', `the token's ${type === CKK_EC ? 'EC' : 'Edwards'} key is on a curve outside the table (P-256, P-384, Ed25519)`);
  }
  if (given) return { alg: curve.alg };
  // The point lives on the public key object: private key objects need not carry it.
  const partner = id !== undefined && id.length > 0 ? { type: CKA_ID, value: id } : label !== undefined ? { type: CKA_LABEL, value: label } : undefined;
  if (partner === undefined) throw new EvidenceBundleError('ERR_PKCS11_KEY_NOT_FOUND', 'the private key has neither CKA_ID nor CKA_LABEL to find its public key by: give options.publicKey');
  const publicObject = findOne(module, session, [{ type: CKA_CLASS, value: CKO_PUBLIC_KEY }, partner], 'public key');
  const [point] = attributes(module, session, publicObject, [CKA_EC_POINT]);
  const raw = point === undefined ? undefined : unwrapPoint(point, curve.alg === 'EdDSA' ? curve.size : 1 + 2 * curve.size);
  if (raw === undefined || (curve.alg !== 'EdDSA' && raw[0] !== 0x04)) {
    throw new EvidenceBundleError('ERR_KEY_INVALID', 'the public key object\'s CKA_EC_POINT is not an uncompressed point of its curve');
  }
  if (curve.alg === 'EdDSA') return { alg: 'EdDSA', publicKey: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(raw) } };
  return {
    alg: curve.alg,
    publicKey: { kty: 'EC', crv: curve.crv, x: base64urlEncode(raw.subarray(1, 1 + curve.size)), y: base64urlEncode(raw.subarray(1 + curve.size)) },
  };
}

// CKA_EC_POINT is a DER OCTET STRING holding the point (PKCS#11 v2.40); some tokens give the bare point.
function unwrapPoint(value: Buffer, length: number): Buffer | undefined {
  if (value.length === length + 2 && value[0] === 0x04 && value[1] === length && length < 0x80) return value.subarray(2);
  if (value.length === length + 3 && value[0] === 0x04 && value[1] === 0x81 && value[2] === length) return value.subarray(3);
  if (value.length === length) return value;
  return undefined;
}

function keyMembers(jwk: JsonWebKey): JsonWebKey {
  if (typeof jwk !== 'object' || jwk === null || jwk.d !== undefined) throw new EvidenceBundleError('ERR_KEY_INVALID', 'options.publicKey must be a public JWK');
  return Object.fromEntries(['kty', 'crv', 'x', 'y', 'n', 'e'].flatMap((name) => {
    const value = (jwk as Record<string, unknown>)[name];
    return value === undefined ? [] : [[name, value]];
  })) as JsonWebKey;
}

async function readPinSource(source: string): Promise<string> {
  // RFC 7512 section 2.3: a URI (file: here) or, commonly, a plain path.
  let path: string;
  try {
    path = source.startsWith('file:') ? fileURLToPath(source) : source;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_PKCS11_URI_INVALID', `pin-source ${source} is not a file URI`, { cause });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new EvidenceBundleError('ERR_IO', `pin-source ${path} cannot be read`, { cause });
  }
  if (bytes.length > MAX_PIN_FILE_BYTES) throw new EvidenceBundleError('ERR_PKCS11_LOGIN', `pin-source ${path} is larger than ${MAX_PIN_FILE_BYTES} bytes: not a PIN file`);
  let text: string;
  try {
    text = utf8DecodeStrict(bytes);
  } catch (cause) {
    throw new EvidenceBundleError('ERR_PKCS11_LOGIN', `pin-source ${path} is not UTF-8`, { cause });
  }
  // The first line: an editor's final newline is not part of the PIN.
  return text.split(/\r?\n/)[0]!;
}

/** Runs a PKCS#11 call and maps the token's refusal (CKR_*) to a stable code. */
function call<T>(run: () => T, what: string): T {
  try {
    return run();
  } catch (cause) {
    if (cause instanceof EvidenceBundleError) throw cause;
    const code = ckr(cause);
    const login = code === undefined ? undefined : LOGIN_FAILURES.get(code);
    const errorCode: ErrorCode = login !== undefined ? 'ERR_PKCS11_LOGIN' : code === CKR_KEY_FUNCTION_NOT_PERMITTED ? 'ERR_KEY_USAGE' : 'ERR_PKCS11_FAILED';
    const detail = login ?? (cause instanceof Error ? cause.message : String(cause));
    throw new EvidenceBundleError(errorCode, `${what}: ${detail}`, { cause });
  }
}

/** The CK_RV of a pkcs11js error, whose message reads "CKR_NAME:number". */
function ckr(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && code !== 0) return code;
  const match = error instanceof Error ? /CKR_[A-Z_]+:(\d+)/.exec(error.message) : null;
  return match === null ? undefined : Number(match[1]);
}

function slotNumber(slot: Handle): number {
  return Number(readUnsigned(slot));
}

// CK_ULONG values come back in the platform's byte order (little-endian on every platform Node supports here).
function readUnsigned(bytes: Buffer): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function stripZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function unpad(field: string): string {
  // CK_TOKEN_INFO fields are blank padded (and some modules pad with NUL).
  return field.replace(/[ \u0000]+$/, '');
}
