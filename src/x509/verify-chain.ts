import type * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { base64DecodeStrict, constantTimeEqual } from '../internal/bytes.js';
import { nameToString, parseAnchors, parseCertificate, sameName, type DerCertificate } from './der.js';
import { publicJwkOf } from './public-jwk.js';
import { allowsDocumentSigning, extendedKeyUsageOf, keyUsageOf } from './usage.js';
import { verifySignature } from './verify-signature.js';

/** Longest `x5c` accepted (bounded resources): agency PKIs are two or three levels deep. */
export const MAX_CHAIN_LENGTH = 8;

/** A keyUsage bit (RFC 5280 section 4.2.1.3) a leaf may be required to assert. */
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyAgreement';

/** Options of {@link verifyCertificateChain}. */
export interface VerifyChainOptions {
  /** Trust anchors: PEM texts (one or more certificates each) or base64 DER certificates. */
  anchors: readonly string[];
  /** The time at which every certificate of the path must be valid (the proven signing time, or now). */
  time: Date;
  /**
   * Key usages the leaf must assert; a leaf without a keyUsage extension asserts none. `digitalSignature` is
   * also met by `nonRepudiation` (contentCommitment), the bit qualified signing certificates often carry alone.
   */
  requiredKeyUsage?: readonly KeyUsageName[];
  /** An extended key usage OID the leaf must carry, such as id-kp-timeStamping `1.3.6.1.5.5.7.3.8`. */
  requiredExtendedKeyUsage?: string;
  /**
   * The leaf signs documents (a manifest, a custody event): it must not be a CA (basicConstraints cA, or
   * keyUsage keyCertSign), and an extendedKeyUsage it carries must allow document signing (not only serverAuth,
   * clientAuth, codeSigning, timeStamping or OCSPSigning).
   */
  documentSigner?: boolean;
}

/** The verdict on an `x5c` chain. */
export interface ChainResult {
  /**
   * `valid`: the path reaches an anchor and every check holds; `malformed`: not a list of DER certificates;
   * `invalid`: a certificate is not signed by the next, or a constraint fails; `untrusted`: the path reaches no
   * anchor; `expired` / `not-yet-valid`: a certificate is outside its validity at `time`.
   */
  status: 'valid' | 'invalid' | 'untrusted' | 'expired' | 'not-yet-valid' | 'malformed';
  /** The leaf's public key as a bare JWK (no `alg`, `use`, `key_ops`), whenever the leaf parses. */
  leafPublicJwk?: JsonWebKey;
  /** The leaf's subject and issuer, for people (`CN=..., O=...`). */
  subject?: string;
  issuer?: string;
  /** The leaf's validity period (RFC 3339). */
  notBefore?: string;
  notAfter?: string;
  /**
   * Why the chain is not valid, for people; absent when it is valid. A primitive gives no finding code: the layer
   * that owns the policy (src/trust) maps the status to one.
   */
  reason?: string;
  /** When valid: the path, leaf first, ending with its anchor (for revocation checks of each certificate but the anchor). */
  path?: readonly pkijs.Certificate[];
}

const BASIC_CONSTRAINTS = '2.5.29.19';
// Extensions this validator understands or may safely ignore; any other critical extension fails the path
// (RFC 5280 section 4.2: an unrecognised critical extension must be rejected).
const KNOWN_EXTENSIONS = new Set(['2.5.29.19', '2.5.29.15', '2.5.29.37', '2.5.29.14', '2.5.29.35', '2.5.29.17', '2.5.29.32']);

/**
 * Validates an X.509 certificate chain carried in a JWS `x5c` header (RFC 7515 section 4.1.6: base64 DER,
 * leaf first, each certificate certified by the next) against trust anchors, at a given time (RFC 5280
 * section 6, without revocation or policy processing): each certificate is signed by the next, a certificate
 * of the chain is an anchor or is signed by one, every certificate of the path is valid at `time`, each
 * issuer is a CA (basicConstraints cA, keyCertSign) within its pathLenConstraint, no unknown extension is
 * critical, and the leaf has the required usages. The path ends at the lowest certificate that is an anchor
 * or is issued by one; an anchor may be a root, an intermediate or the leaf itself. Anchors must be valid at
 * `time` too (as in openssl); their basicConstraints and keyUsage are checked only when they carry them (a
 * v1 root has neither). Certificates must be strict DER. Never throws on hostile input: any failure is a
 * status and a reason.
 * @throws TypeError when `options.time` is not a valid Date (caller misuse, not hostile input)
 * @example
 * const chain = await verifyCertificateChain(header.x5c, { anchors: [rootPem], time: new Date(), requiredKeyUsage: ['digitalSignature'] });
 * if (chain.status === 'valid') useKey(chain.leafPublicJwk!);
 */
export async function verifyCertificateChain(x5c: readonly string[], options: VerifyChainOptions): Promise<ChainResult> {
  checkTime(options.time);
  const linked = await linkCertificateChain(x5c);
  return 'status' in linked ? linked : anchorCertificateChain(linked, options);
}

/** An `x5c` chain whose certificates parse and each sign the one before: what holds whatever the anchors. */
export interface LinkedChain {
  readonly certs: readonly DerCertificate[];
  /** The leaf's key and names, reported with every verdict on the chain. */
  readonly known: Partial<ChainResult> & { leafPublicJwk: JsonWebKey };
}

/**
 * The first half of {@link verifyCertificateChain}, which does not depend on the anchors: decodes and parses
 * the certificates, reads the leaf key and checks that each certificate is signed by the next. A caller that
 * judges one chain against the anchors of several authorities links it once, then calls
 * {@link anchorCertificateChain} for each. Never throws.
 * @returns the linked chain, or the verdict (`malformed` or `invalid`) that ends its verification
 * @example
 * const linked = await linkCertificateChain(header.x5c);
 * const verdict = 'status' in linked ? linked : await anchorCertificateChain(linked, { anchors: [rootPem], time });
 */
export async function linkCertificateChain(x5c: readonly string[]): Promise<LinkedChain | ChainResult> {
  try {
    return await link(x5c);
  } catch (cause) {
    return cannotProcess(cause);
  }
}

/**
 * The second half of {@link verifyCertificateChain}: the path of a {@link LinkedChain} to `options.anchors`, its
 * validity at `options.time`, the CA constraints and the leaf's usages. Never throws on hostile input.
 * @throws TypeError when `options.time` is not a valid Date
 */
export async function anchorCertificateChain(chain: LinkedChain, options: VerifyChainOptions): Promise<ChainResult> {
  checkTime(options.time);
  try {
    return await anchor(chain, options);
  } catch (cause) {
    return cannotProcess(cause);
  }
}

function checkTime(time: unknown): void {
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
    throw new TypeError('verifyCertificateChain: options.time must be a valid Date');
  }
}

// A structure pkijs accepted but cannot process further: fail closed, never "valid".
function cannotProcess(cause: unknown): ChainResult {
  return { status: 'malformed', reason: `the chain cannot be processed: ${String(cause)}` };
}

function fail(status: Exclude<ChainResult['status'], 'valid'>, message: string, known: Partial<ChainResult> = {}): ChainResult {
  return { ...known, status, reason: message };
}

async function link(x5c: readonly string[]): Promise<LinkedChain | ChainResult> {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN_LENGTH) {
    return fail('malformed', `x5c must hold 1 to ${MAX_CHAIN_LENGTH} certificates`);
  }
  const certs: DerCertificate[] = [];
  for (const [i, text] of x5c.entries()) {
    const der = typeof text === 'string' ? base64DecodeStrict(text) : undefined;
    const cert = der === undefined ? undefined : parseCertificate(der);
    if (cert === undefined) return fail('malformed', `x5c[${i}] is not a base64 DER X.509 certificate`);
    certs.push({ der: der!, cert });
  }
  const leaf = certs[0]!.cert;
  const leafPublicJwk = await publicJwkOf(leaf.subjectPublicKeyInfo);
  const known: Partial<ChainResult> = {
    ...(leafPublicJwk !== undefined ? { leafPublicJwk } : {}),
    subject: nameToString(leaf.subject),
    issuer: nameToString(leaf.issuer),
    notBefore: leaf.notBefore.value.toISOString(),
    notAfter: leaf.notAfter.value.toISOString(),
  };
  if (leafPublicJwk === undefined) return fail('invalid', 'the leaf certificate holds an unsupported public key', known);

  // Signatures before anything else: nothing a certificate says counts until its issuer vouches for it.
  for (let i = 0; i + 1 < certs.length; i++) {
    const problem = await issuedBy(certs[i]!.cert, certs[i + 1]!.cert);
    if (problem !== undefined) return fail('invalid', `x5c[${i}] ${problem} x5c[${i + 1}] (x5c must be leaf first, each certificate followed by its issuer)`, known);
  }
  return { certs, known: { ...known, leafPublicJwk } };
}

async function anchor({ certs, known }: LinkedChain, options: VerifyChainOptions): Promise<ChainResult> {
  const leaf = certs[0]!.cert;
  const found = await findAnchor(certs, options.anchors);
  if (found === undefined) {
    const top = certs[certs.length - 1]!.cert;
    return fail('untrusted', `x5c[${certs.length - 1}] (${nameToString(top.subject)}, issued by ${nameToString(top.issuer)}) is neither a trust anchor nor signed by one`, known);
  }
  // The path, leaf first, ends with the anchor: the chain's own copy of it, or the policy's certificate. What
  // the chain carries above an anchor plays no part (RFC 5280 section 6: a path ends at a trust anchor).
  const path = [...certs.slice(0, found.index + 1).map((c) => c.cert), ...(found.anchor === 'included' ? [] : [found.anchor])];
  const anchorIndex = path.length - 1;

  const time = options.time.getTime();
  // Every certificate of the path, the anchor included (as openssl does): a policy that keeps an expired root
  // gets findings, not silent trust.
  for (const [i, cert] of path.entries()) {
    const label = i === anchorIndex && found.anchor !== 'included' ? `the anchor (${nameToString(cert.subject)})` : `x5c[${i}] (${nameToString(cert.subject)})`;
    if (time < cert.notBefore.value.getTime()) {
      return fail('not-yet-valid', `${label} is valid from ${cert.notBefore.value.toISOString()}, after ${options.time.toISOString()}`, known);
    }
    if (time > cert.notAfter.value.getTime()) {
      return fail('expired', `${label} expired at ${cert.notAfter.value.toISOString()}, before ${options.time.toISOString()}`, known);
    }
  }

  for (const [i, cert] of path.entries()) {
    const isAnchor = i === anchorIndex;
    const label = isAnchor ? `the anchor (${nameToString(cert.subject)})` : `x5c[${i}] (${nameToString(cert.subject)})`;
    const critical = (cert.extensions ?? []).find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.extnID));
    if (critical !== undefined) return fail('invalid', `${label} has an unsupported critical extension ${critical.extnID}`, known);
    if (i === 0) continue;
    const constraints = extension(cert, BASIC_CONSTRAINTS) as pkijs.BasicConstraints | undefined;
    // An anchor is trusted by the policy's choice, so a missing extension is no objection; one that says
    // "not a CA" or "no certificate signing" still is.
    if (constraints?.cA !== true && !(isAnchor && constraints === undefined)) {
      return fail('invalid', `${label} issues certificates but is not a CA (basicConstraints cA)`, known);
    }
    const usage = keyUsageOf(cert);
    if (!(usage === undefined && isAnchor) && usage?.has('keyCertSign') !== true) {
      return fail('invalid', `${label} issues certificates but its keyUsage lacks keyCertSign`, known);
    }
    const limit = constraints === undefined ? undefined : pathLength(constraints);
    // CAs between this one and the leaf (RFC 5280 section 4.2.1.9; self-issued ones are not exempted here).
    if (limit !== undefined && i - 1 > limit) {
      return fail('invalid', `${label} allows ${limit} intermediate CA(s) below it (pathLenConstraint), the path has ${i - 1}`, known);
    }
  }

  const leafUsage = keyUsageOf(leaf);
  for (const usage of options.requiredKeyUsage ?? []) {
    const met = leafUsage?.has(usage) === true || (usage === 'digitalSignature' && leafUsage?.has('nonRepudiation') === true);
    if (!met) {
      const why = leafUsage === undefined ? 'has no keyUsage extension' : `keyUsage does not allow ${usage}`;
      return fail('invalid', `the leaf certificate ${why}`, known);
    }
  }
  if (options.documentSigner === true) {
    // A CA key that signs documents could also issue itself a certificate for any name: the two jobs are kept apart.
    const constraints = extension(leaf, BASIC_CONSTRAINTS) as pkijs.BasicConstraints | undefined;
    if (constraints?.cA === true || leafUsage?.has('keyCertSign') === true) {
      return fail('invalid', 'the leaf certificate is a CA certificate (basicConstraints cA or keyUsage keyCertSign), not a signer\'s', known);
    }
    if (!allowsDocumentSigning(leaf)) return fail('invalid', 'the leaf certificate\'s extendedKeyUsage does not allow signing documents', known);
  }
  const eku = options.requiredExtendedKeyUsage;
  if (eku !== undefined) {
    const purposes = extendedKeyUsageOf(leaf)?.purposes ?? [];
    if (!purposes.includes(eku)) return fail('invalid', `the leaf certificate's extendedKeyUsage lacks ${eku}`, known);
  }
  return { ...known, status: 'valid', path };
}

/** Why `issuer` did not issue `cert`, or undefined when it did. */
async function issuedBy(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<string | undefined> {
  if (!sameName(cert.issuer, issuer.subject)) return 'names an issuer other than the subject of';
  // The algorithm inside the signed part must be the one used (RFC 5280 section 4.1.1.2): otherwise the
  // unsigned outer field could steer verification.
  if (cert.signature.algorithmId !== cert.signatureAlgorithm.algorithmId) return 'names two different signature algorithms, signed by';
  // A signature is a whole number of bytes: unused bits would be bits that change without the check noticing.
  if (cert.signatureValue.valueBlock.unusedBits !== 0) return 'has a signature value with unused bits, signed by';
  const check = await verifySignature(
    issuer.subjectPublicKeyInfo,
    cert.signatureAlgorithm,
    cert.signatureValue.valueBlock.valueHexView,
    new Uint8Array(cert.tbsView),
  );
  if (check === true) return undefined;
  if (check === 'unsupported-algorithm') return `is signed with an unsupported algorithm (${cert.signatureAlgorithm.algorithmId}) by`;
  if (check === 'bad-key') return 'cannot be verified with the key (type or size refused) of';
  return 'has a signature that does not verify with the key of';
}

/**
 * The lowest certificate of the chain that is an anchor (`included`) or is issued by one (that anchor), with
 * its index; undefined when none is. Lowest first, so a chain that carries a root above the policy's anchor
 * (an intermediate, or the TSA certificate itself) still ends at the anchor.
 */
async function findAnchor(
  certs: readonly DerCertificate[],
  anchors: readonly string[],
): Promise<{ index: number; anchor: pkijs.Certificate | 'included' } | undefined> {
  if (!Array.isArray(anchors)) return undefined;
  const trusted = parseAnchors(anchors);
  for (const [index, { der, cert }] of certs.entries()) {
    if (trusted.some((a) => constantTimeEqual(a.der, der))) return { index, anchor: 'included' };
    for (const anchor of trusted) {
      if ((await issuedBy(cert, anchor.cert)) === undefined) return { index, anchor: anchor.cert };
    }
  }
  return undefined;
}

function extension(cert: pkijs.Certificate, oid: string): unknown {
  return (cert.extensions ?? []).find((e) => e.extnID === oid)?.parsedValue;
}

function pathLength(constraints: pkijs.BasicConstraints): number | undefined {
  const value = constraints.pathLenConstraint as number | asn1js.Integer | undefined;
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : value.valueBlock.valueDec;
}
