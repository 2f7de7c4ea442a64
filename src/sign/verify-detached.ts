import { parseJson } from '../encoding/strict-json.js';
import { base64urlDecodeStrict } from '../internal/bytes.js';
import { makeFinding, type FindingCode } from '../report/codes.js';
import type { Finding, FindingParams } from '../report/finding-type.js';
import { isSignatureAlgorithm, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import { checkKeyFor } from './key-checks.js';
import { jwsSigningInput } from './signing-input.js';
import type { JwsSignature } from './signature-file.js';
import { jwkThumbprint } from './thumbprint.js';
import { importKeyFor } from './usable-jwk.js';

/** Largest protected header read (bounded resources): a three-certificate `x5c` fits many times over. */
export const MAX_PROTECTED_HEADER_BYTES = 64 * 1024;
/** Most trusted keys tried for a signature that names no `kid`. */
const MAX_KEYS_WITHOUT_KID = 16;
const ALL_ALGORITHMS = Object.keys(SIGNATURE_ALGORITHMS) as SignatureAlgorithm[];

/** Options of {@link verifyDetached}. */
export interface VerifyDetachedOptions {
  /** The verifier's own public JWKs: the only keys ever used. Matched by RFC 7638 thumbprint or by their `kid`. */
  trustedKeys: readonly JsonWebKey[];
  /** A subset of the table; defaults to the whole table. */
  algorithms?: readonly SignatureAlgorithm[];
}

/** The verdict on one detached JWS. */
export interface DetachedVerification {
  /**
   * `valid`: verified with a trusted key; `invalid`: a trusted key was found and the signature fails, or the
   * algorithm or key is refused; `untrusted`: no trusted key matches; `malformed`: not a readable JWS.
   */
  status: 'valid' | 'invalid' | 'untrusted' | 'malformed';
  alg?: string;
  /** The header's `kid`, or the thumbprint of the key that verified a signature without one. */
  kid?: string;
  /** The header's `role`. */
  role?: string;
  /** The decoded protected header, whenever it could be read, even when no key matched. Nothing in it is trusted. */
  header?: Record<string, unknown>;
  /** The trusted key that verified the signature. */
  key?: JsonWebKey;
  /** Why the signature is not valid; empty when valid. Located by nothing: callers add `signature` or `custody`. */
  findings: Finding[];
}

/**
 * Verifies a detached JWS (RFC 7515 Appendix F) over `payload` with the verifier's own keys only. The key is
 * chosen by the header's `kid` among `trustedKeys`; a `jwk` header is only a hint whose thumbprint must agree
 * with `kid`, and `jku`/`x5u` are never fetched. `alg` must be in the table and in `algorithms`; the trusted
 * key's type, `alg`, `use`, `key_ops` and size must allow it; `crit` extensions are not understood and so
 * refused; `b64: false` is refused. ECDSA signatures are the fixed-length `r || s` of RFC 7518 section 3.4;
 * as in JWS, a high-S value is a valid signature (JWS has no low-S rule), and a DER-encoded one is invalid.
 * Never throws: hostile input gives `malformed` or `invalid` with findings.
 * @example
 * const check = await verifyDetached(manifestBytes, file.signatures[0], { trustedKeys: [certifierPublicJwk] });
 * if (check.status === 'valid') console.log(check.role, check.kid);
 */
export async function verifyDetached(
  payload: Uint8Array,
  jws: Pick<JwsSignature, 'protected' | 'signature' | 'header'>,
  options: VerifyDetachedOptions,
): Promise<DetachedVerification> {
  const read = await readDetachedJws(jws, options.algorithms);
  return 'verdict' in read ? read.verdict : verifyReadJws(payload, read, options.trustedKeys);
}

/**
 * A detached JWS whose headers were read and checked ({@link readDetachedJws}), before any key was looked for.
 * Nothing in it is trusted yet.
 */
export interface ReadDetachedJws {
  /** What a verdict reports of the header: the header itself, and its `alg`, `kid` and `role` when strings. */
  known: Pick<DetachedVerification, 'header' | 'alg' | 'kid' | 'role'> & { header: Record<string, unknown> };
  alg: SignatureAlgorithm;
  /** The key the signature names: its `kid`, or else the thumbprint of its `jwk` hint. */
  namedKid?: string;
  protected: string;
  signature: Uint8Array;
}

/**
 * The key-independent half of {@link verifyDetached}: reads the protected header, checks `alg` against the
 * table and `algorithms`, refuses `crit` and `b64: false`, decodes the signature value and checks a `jwk` hint
 * against `kid`. No key is used and the payload is not touched, so a caller that picks the key itself (the
 * trust policy) reads a signature once. Never throws.
 * @returns the read JWS, or the verdict (`malformed` or `invalid`) that ends its verification
 */
export async function readDetachedJws(
  jws: Pick<JwsSignature, 'protected' | 'signature' | 'header'>,
  algorithms: readonly SignatureAlgorithm[] = ALL_ALGORITHMS,
): Promise<ReadDetachedJws | { verdict: DetachedVerification }> {
  // signature.malformed carries its reason as its one parameter; the other codes pass theirs.
  const fail = (status: 'malformed' | 'invalid', code: FindingCode, message: string, known: Partial<DetachedVerification> = {}, params: FindingParams = { detail: message }) => ({
    verdict: { ...known, status, findings: [makeFinding(code, message, {}, params)] },
  });
  let header: Record<string, unknown>;
  try {
    header = readProtectedHeader(jws);
  } catch (error) {
    return fail('malformed', 'signature.malformed', error instanceof Error ? error.message : 'unreadable protected header');
  }
  const str = (name: string) => (typeof header[name] === 'string' ? (header[name] as string) : undefined);
  const alg = str('alg');
  const role = str('role');
  const kid = str('kid');
  const known = { header, ...(alg !== undefined ? { alg } : {}), ...(kid !== undefined ? { kid } : {}), ...(role !== undefined ? { role } : {}) };

  if (alg === undefined) return fail('malformed', 'signature.malformed', 'the protected header has no "alg"', known);
  if (!isSignatureAlgorithm(alg) || !(algorithms as readonly string[]).includes(alg)) {
    return fail('invalid', 'signature.algorithm.not-allowed', `alg ${JSON.stringify(alg)} is not accepted (${algorithms.join(', ')})`, known, { alg, allowed: algorithms.join(', ') });
  }
  if (header['crit'] !== undefined) {
    return fail('invalid', 'signature.header.crit-unsupported', `crit ${JSON.stringify(header['crit'])} names extensions this verifier does not understand`, known, { crit: JSON.stringify(header['crit']) });
  }
  if (header['b64'] !== undefined && header['b64'] !== true) {
    return fail('malformed', 'signature.malformed', 'b64 other than true is not supported: the payload must be base64url-encoded', known);
  }
  let signature: Uint8Array;
  try {
    signature = base64urlDecodeStrict(jws.signature);
  } catch {
    return fail('malformed', 'signature.malformed', 'the signature value is not base64url', known);
  }
  let namedKid = kid;
  if (header['jwk'] !== undefined) {
    const hinted = await jwkThumbprint(header['jwk']);
    if (hinted === undefined) return fail('malformed', 'signature.malformed', 'the jwk header is not a public JWK', known);
    if (kid !== undefined && hinted !== kid) {
      return fail('invalid', 'signature.header.key-hint-mismatch', `the jwk header has thumbprint ${hinted}, but kid is ${kid}`, known, { thumbprint: hinted, kid });
    }
    namedKid = hinted;
  }
  return { known, alg, ...(namedKid !== undefined ? { namedKid } : {}), protected: jws.protected, signature };
}

/**
 * The key half of {@link verifyDetached}: verifies a read JWS over `payload` with those of `trustedKeys` that
 * the signature names (all of them, up to a bound, when it names none), each judged by {@link checkKeyFor}.
 * Never throws.
 */
export async function verifyReadJws(payload: Uint8Array, read: ReadDetachedJws, trustedKeys: readonly JsonWebKey[]): Promise<DetachedVerification> {
  const { known, alg, namedKid: kid } = read;
  const reject = (status: 'invalid' | 'untrusted', code: FindingCode, message: string, params: FindingParams): DetachedVerification => ({
    ...known,
    status,
    findings: [makeFinding(code, message, {}, params)],
  });
  const candidates = await candidateKeys(trustedKeys, kid);
  if (candidates.length === 0) {
    return reject('untrusted', 'signature.key.unknown', kid !== undefined ? `no trusted key has kid ${kid}` : 'the signature names no kid and no trusted key fits', { kid: kid ?? '-' });
  }
  let refusal: { code: FindingCode; message: string; params: FindingParams } | undefined;
  // Built once for every candidate key: for a manifest of tens of megabytes it is as large again, and slow to make.
  let input: Uint8Array | undefined;
  for (const key of candidates) {
    const problem = checkKeyFor(key, alg, 'verify');
    if (problem !== undefined) {
      refusal ??= { code: problem.kind === 'too-small' ? 'signature.key.too-small' : 'signature.key.not-allowed', message: problem.message, params: { detail: problem.message } };
      continue;
    }
    input ??= jwsSigningInput(read.protected, payload);
    if (await verifies(input, read, key)) {
      const thumbprint = kid ?? (await jwkThumbprint(key));
      return { ...known, ...(thumbprint !== undefined ? { kid: thumbprint } : {}), status: 'valid', key, findings: [] };
    }
    refusal = { code: 'signature.invalid', message: `the ${alg} signature does not verify with the key ${kid ?? ''}`.trimEnd(), params: { alg, kid: kid ?? '-' } };
  }
  return reject('invalid', refusal!.code, refusal!.message, refusal!.params);
}

function readProtectedHeader(jws: Pick<JwsSignature, 'protected' | 'signature' | 'header'>): Record<string, unknown> {
  if (typeof jws !== 'object' || jws === null || typeof jws.protected !== 'string' || typeof jws.signature !== 'string') {
    throw new Error('a signature needs string "protected" and "signature" members');
  }
  if (jws.protected.length > (MAX_PROTECTED_HEADER_BYTES * 4) / 3 + 4) throw new Error(`the protected header exceeds ${MAX_PROTECTED_HEADER_BYTES} bytes`);
  let value: unknown;
  try {
    value = parseJson(base64urlDecodeStrict(jws.protected), { maxBytes: MAX_PROTECTED_HEADER_BYTES });
  } catch {
    throw new Error('the protected header is not base64url of a strict JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the protected header is not a JSON object');
  const header = value as Record<string, unknown>;
  if (jws.header !== undefined) {
    if (typeof jws.header !== 'object' || jws.header === null || Array.isArray(jws.header)) throw new Error('the unprotected header is not an object');
    // RFC 7515 section 7.2.1: a member may not appear in both headers, or the unprotected one could override it.
    const both = Object.keys(jws.header).filter((name) => Object.hasOwn(header, name));
    if (both.length > 0) throw new Error(`header members both protected and unprotected: ${both.join(', ')}`);
  }
  return header;
}

// The trusted keys a kid names: by thumbprint (how evidence-bundle names keys) or by the kid the verifier gave
// its own key (how other JOSE producers name them). Without a kid, every trusted key is a candidate, up to a bound.
async function candidateKeys(trusted: readonly JsonWebKey[], kid: string | undefined): Promise<JsonWebKey[]> {
  if (kid === undefined) return trusted.slice(0, MAX_KEYS_WITHOUT_KID);
  const found: JsonWebKey[] = [];
  for (const key of trusted) {
    if ((key as { kid?: unknown }).kid === kid || (await jwkThumbprint(key)) === kid) found.push(key);
  }
  return found;
}

/** Whether `read`'s signature verifies over the JWS Signing Input `input` with `key`. */
async function verifies(input: Uint8Array, read: ReadDetachedJws, key: JsonWebKey): Promise<boolean> {
  try {
    const cryptoKey = await importKeyFor(key, read.alg);
    return await crypto.subtle.verify(
      SIGNATURE_ALGORITHMS[read.alg].webCrypto,
      cryptoKey,
      read.signature as Uint8Array<ArrayBuffer>,
      input as Uint8Array<ArrayBuffer>,
    );
  } catch {
    // A key WebCrypto cannot import or use verifies nothing.
    return false;
  }
}
