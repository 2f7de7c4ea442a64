import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { base64Encode, constantTimeEqual, toHex } from '../internal/bytes.js';
import { nameToString, parseAnchors, sameName } from '../x509/der.js';
import { extendedKeyUsageOf, keyUsageOf } from '../x509/usage.js';
import { MAX_CHAIN_LENGTH, verifyCertificateChain, type ChainResult } from '../x509/verify-chain.js';
import { hashOf, verifySignature, type Hash } from '../x509/verify-signature.js';
import {
  findSignerCertificate,
  parseTimestampToken,
  TIMESTAMP_OIDS,
  type ParsedTimestampToken,
  type TokenCertificate,
} from './parse-timestamp-token.js';

/** Options of {@link verifyTimestampToken}. */
export interface VerifyTimestampOptions {
  /** The bytes the token must cover (for a bundle: the JWS signature value, base64url-decoded). */
  data: Uint8Array;
  /** Trust anchors of the time-stamping authority: PEM texts or base64 DER certificates. */
  anchors: readonly string[];
  /**
   * The verification time. With `maxClockSkewSeconds`, a genTime later than `time` plus the skew makes the
   * token invalid; without it the caller applies its own tolerance (the trust policy does).
   */
  time?: Date;
  /** Tolerance for a genTime ahead of `time`, in seconds (checked only when given). */
  maxClockSkewSeconds?: number;
  /**
   * Intermediate CA certificates (PEM texts or base64 DER) that may complete the TSA certificate's path when the
   * token does not carry them: a trust policy's `intermediates` of the TSA. They are candidates, never anchors.
   */
  intermediates?: readonly string[];
  /**
   * A time at which the TSA certificate chain must be valid as well as at genTime: the time the token is proven
   * to exist (the verification time, or the time a later archive timestamp proves). A TSA key may be
   * compromised after its certificate ends, and could then backdate a token; only a proof of existence while
   * the certificate was valid rules that out (ETSI EN 319 102-1, section 5.6.2.3). Default: genTime only.
   */
  certificateTime?: Date;
}

/** The verdict on one RFC 3161 TimeStampToken. */
export interface TimestampVerification {
  /**
   * `valid`: covers `data`, signed by a TSA certificate that chains to an anchor, with the timeStamping usage,
   * at genTime. `malformed`: not a TimeStampToken. `invalid`: covers other data, or its signature or signed
   * attributes do not verify. `untrusted`: the TSA certificate leads to no anchor (or is not to be found).
   * `refused`: it leads to an anchor but fails there (no timeStamping usage, expired at genTime, constraints, a
   * path through other certificates than the further ESSCertIDs name).
   */
  status: 'valid' | 'malformed' | 'invalid' | 'untrusted' | 'refused';
  /** The time the TSA vouches for (RFC 3339), only when the token is valid. */
  genTime?: string;
  /** The TSA certificate's subject, once the signer certificate is found. */
  tsa?: string;
  /** The token's serial number (hex), its TSA policy OID and imprint hash, once the TSTInfo parses. */
  serialNumber?: string;
  policy?: string;
  hashAlgorithm?: Hash;
  /** The verdict on the TSA certificate chain, when it was checked. */
  chain?: ChainResult['status'];
  /**
   * Why the token is not valid, for people; absent when it is valid. The trust policy (src/trust) maps the status
   * to a finding code (`policy.timestamp.invalid` or `.untrusted`).
   */
  reason?: string;
}

type Failure = Exclude<TimestampVerification['status'], 'valid'>;

/**
 * Verifies an RFC 3161 TimeStampToken over `data` (RFC 3161 section 2.4.2, RFC 5816 for ESSCertIDv2):
 * parses the CMS SignedData and its TSTInfo with pkijs; checks that the message imprint (SHA-256/384/512)
 * is the hash of `data`; verifies the SignerInfo over its signed attributes (contentType TSTInfo,
 * messageDigest of the TSTInfo, and the ESSCertID / ESSCertIDv2 binding to the signer certificate when
 * present); then validates the TSA certificate chain to `anchors` at genTime with
 * {@link verifyCertificateChain}, requiring id-kp-timeStamping as the only, critical extended key usage
 * (RFC 3161 section 2.3). The certificates the token carries and `options.intermediates` build the chain; an
 * anchor may itself be the TSA certificate. Every ESSCertID(v2) of the signing-certificate attribute is checked
 * (RFC 5035 section 5.4.1): the first is the signer certificate, each further one a certificate of the
 * validated path (otherwise `refused`). No revocation checking. Never throws on hostile input: malformed, invalid (covers other data
 * or does not verify) and untrusted or refused (trust not established) are kept apart, as the policy needs.
 * @throws TypeError when `data` is not a Uint8Array or `anchors` not an array (caller misuse)
 * @example
 * const verdict = await verifyTimestampToken(tokenDer, { data: signatureBytes, anchors: [tsaRootPem] });
 * if (verdict.status === 'valid') console.log('signed before', verdict.genTime);
 */
export async function verifyTimestampToken(der: Uint8Array, options: VerifyTimestampOptions): Promise<TimestampVerification> {
  if (!(options.data instanceof Uint8Array)) throw new TypeError('verifyTimestampToken: options.data must be a Uint8Array');
  if (!Array.isArray(options.anchors)) throw new TypeError('verifyTimestampToken: options.anchors must be an array');
  if (options.intermediates !== undefined && !Array.isArray(options.intermediates)) {
    throw new TypeError('verifyTimestampToken: options.intermediates must be an array');
  }
  try {
    return await verify(der, options);
  } catch (cause) {
    // pkijs accepted a structure it then cannot process: fail closed as malformed, never as valid.
    return fail({}, 'malformed', `the token cannot be processed: ${String(cause)}`);
  }
}

function fail(known: Partial<TimestampVerification>, status: Failure, message: string): TimestampVerification {
  return { ...known, status, reason: message };
}

async function verify(der: Uint8Array, options: VerifyTimestampOptions): Promise<TimestampVerification> {
  const parsed = parseTimestampToken(der);
  if (typeof parsed === 'string') return fail({}, 'malformed', parsed);
  const { tstInfo, signerInfo } = parsed;
  const hashAlgorithm = hashOf(tstInfo.messageImprint.hashAlgorithm);
  const known: Partial<TimestampVerification> = {
    serialNumber: toHex(tstInfo.serialNumber.valueBlock.valueHexView),
    policy: tstInfo.policy,
    ...(hashAlgorithm !== undefined ? { hashAlgorithm } : {}),
  };

  // 1. What the token covers: before anything about who signed it.
  if (hashAlgorithm === undefined) {
    return fail(known, 'invalid', `the message imprint uses ${tstInfo.messageImprint.hashAlgorithm.algorithmId}, not SHA-256, SHA-384 or SHA-512`);
  }
  const imprint = tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView;
  if (!constantTimeEqual(imprint, await digest(hashAlgorithm, options.data))) {
    return fail(known, 'invalid', `the message imprint is not the ${hashAlgorithm} of the timestamped data: the token covers other data`);
  }

  // 2. The signer certificate: in the token (certReq), among the policy's intermediates, or an anchor that is
  // the TSA certificate itself.
  const anchorCerts = parseAnchors(options.anchors);
  const intermediates = parseAnchors(options.intermediates ?? []);
  const signer = findSignerCertificate(signerInfo, parsed.certificates) ?? findSignerCertificate(signerInfo, intermediates) ?? findSignerCertificate(signerInfo, anchorCerts);
  if (signer === undefined) {
    return fail(known, 'untrusted', 'the TSA certificate is neither in the token nor among the intermediates and anchors: the signature cannot be checked');
  }
  const withTsa = { ...known, tsa: nameToString(signer.cert.subject) };

  // 3. The CMS signature over the signed attributes, and what those attributes bind.
  const signerCheck = await checkSignerInfo(parsed, signer);
  if (typeof signerCheck === 'string') return fail(withTsa, 'invalid', signerCheck);

  const genTime = tstInfo.genTime;
  if (options.time !== undefined && options.maxClockSkewSeconds !== undefined) {
    if (genTime.getTime() > options.time.getTime() + options.maxClockSkewSeconds * 1000) {
      return fail(withTsa, 'invalid', `genTime ${genTime.toISOString()} is later than ${options.time.toISOString()}`);
    }
  }

  // 4. Trust: the TSA certificate chain at the time it signed, with the timestamping purpose.
  const path = await buildPath(signer, [...parsed.certificates, ...intermediates]);
  const chain = await verifyCertificateChain(path.map((c) => base64Encode(c.der)), {
    anchors: options.anchors,
    time: genTime,
    requiredExtendedKeyUsage: TIMESTAMP_OIDS.timeStamping,
  });
  const withChain = { ...withTsa, chain: chain.status };
  if (chain.status !== 'valid') {
    const reason = chain.reason ?? chain.status;
    if (chain.status === 'untrusted') return fail(withChain, 'untrusted', `the TSA certificate leads to no trusted anchor: ${reason}`);
    return fail(withChain, 'refused', `the TSA certificate is not acceptable at genTime ${genTime.toISOString()}: ${reason}`);
  }
  const later = options.certificateTime;
  if (later !== undefined && later.getTime() !== genTime.getTime()) {
    const then = await verifyCertificateChain(path.map((c) => base64Encode(c.der)), { anchors: options.anchors, time: later, requiredExtendedKeyUsage: TIMESTAMP_OIDS.timeStamping });
    if (then.status !== 'valid') {
      return fail({ ...withTsa, chain: then.status }, 'refused', `the TSA certificate is not valid at ${later.toISOString()}, the latest time the token is proven to exist: ${then.reason ?? then.status}`);
    }
  }
  const purpose = tsaPurposeProblem(signer.cert);
  if (purpose !== undefined) return fail(withChain, 'refused', purpose);
  const restriction = await pathRestrictionProblem(signerCheck, chain.path ?? []);
  if (restriction !== undefined) return fail(withChain, 'refused', restriction);
  return { ...withChain, status: 'valid', genTime: genTime.toISOString() };
}

/**
 * Why the SignerInfo does not verify (RFC 5652 sections 5.4 and 11, RFC 3161 section 2.4.1), or, when it does,
 * the certificate identifiers after the first that restrict the TSA's path.
 */
async function checkSignerInfo(parsed: ParsedTimestampToken, signer: TokenCertificate): Promise<string | CertId[]> {
  const { signerInfo, tstInfoBytes } = parsed;
  const signed = signerInfo.signedAttrs;
  // RFC 3161 requires the signing-certificate attribute, so a token without signed attributes is not one.
  if (signed === undefined) return 'the TSA signature has no signed attributes';
  const single = (oid: string): unknown => {
    const found = signed.attributes.filter((a) => a.type === oid);
    return found.length === 1 && found[0]!.values.length === 1 ? found[0]!.values[0] : undefined;
  };

  const contentType = single(TIMESTAMP_OIDS.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== TIMESTAMP_OIDS.tstInfo) {
    return 'the signed contentType attribute is missing, repeated or not id-ct-TSTInfo';
  }
  const digestName = hashOf(signerInfo.digestAlgorithm);
  if (digestName === undefined) return `the TSA signature digest ${signerInfo.digestAlgorithm.algorithmId} is not accepted`;
  const messageDigest = single(TIMESTAMP_OIDS.messageDigest);
  if (!(messageDigest instanceof asn1js.OctetString)) return 'the signed messageDigest attribute is missing or repeated';
  if (!constantTimeEqual(messageDigest.valueBlock.valueHexView, await digest(digestName, tstInfoBytes))) {
    return 'the signed messageDigest is not the digest of the TSTInfo: the token was altered';
  }

  const binding = await checkSigningCertificate(signed.attributes, signer);
  if (typeof binding === 'string') return binding;

  const check = await verifySignature(
    signer.cert.subjectPublicKeyInfo,
    signerInfo.signatureAlgorithm,
    signerInfo.signature.valueBlock.valueHexView,
    // The signature covers the attributes DER-encoded with their SET tag (RFC 5652 section 5.4); pkijs keeps
    // the received bytes with that tag restored.
    new Uint8Array(signed.encodedValue),
    signerInfo.digestAlgorithm.algorithmId,
  );
  if (check === true) return binding;
  if (check === 'unsupported-algorithm') return `the TSA signature algorithm ${signerInfo.signatureAlgorithm.algorithmId} is not accepted`;
  if (check === 'bad-key') return 'the TSA key is of a type or size that is not accepted for this signature';
  return 'the TSA signature does not verify with the TSA certificate';
}

/** Most certificate identifiers read from one signing-certificate attribute (bounded resources). */
const MAX_CERT_IDS = 16;

/**
 * The ESSCertID (RFC 2634 section 5.4, SHA-1) or ESSCertIDv2 (RFC 5035) binding of the signer certificate:
 * every certificate identifier must be well formed with an accepted hash, and the first must be the hash (and
 * issuer and serial, when given) of the certificate that verified the signature, so a certificate with the
 * same key but other attributes cannot be substituted. Checked when present. Returns why not, or the further
 * identifiers, which restrict the TSA's path ({@link pathRestrictionProblem}).
 */
async function checkSigningCertificate(attributes: readonly pkijs.Attribute[], signer: TokenCertificate): Promise<string | CertId[]> {
  const further: CertId[] = [];
  for (const [oid, v2] of [[TIMESTAMP_OIDS.signingCertificate, false], [TIMESTAMP_OIDS.signingCertificateV2, true]] as const) {
    const found = attributes.filter((a) => a.type === oid);
    if (found.length === 0) continue;
    const name = v2 ? 'signingCertificateV2' : 'signingCertificate';
    const ids = found.length === 1 && found[0]!.values.length === 1 ? certIds(found[0]!.values[0], v2) : undefined;
    if (ids === undefined) return `the ${name} attribute is malformed or repeated`;
    if (ids === 'unsupported-hash') return `the ${name} attribute uses a hash that is not accepted`;
    if (!(await identifies(ids[0]!, signer))) {
      return `the first ESSCertID of the ${name} attribute names another certificate (hash, issuer or serial number) than the one the token was signed with`;
    }
    further.push(...ids.slice(1));
  }
  return further;
}

/**
 * RFC 5035 section 5.4.1: certificate identifiers after the first name the other certificates the TSA's path
 * must use; each must identify a certificate of the validated path (leaf to anchor).
 */
async function pathRestrictionProblem(ids: readonly CertId[], path: readonly TokenCertificate[]): Promise<string | undefined> {
  for (const [n, id] of ids.entries()) {
    let found = false;
    for (const cert of path) if (await identifies(id, cert)) found = true;
    if (!found) return `ESSCertID #${n + 1} of the signing-certificate attribute names a certificate that is not in the validated TSA path`;
  }
  return undefined;
}

async function identifies(id: CertId, cert: TokenCertificate): Promise<boolean> {
  if (!constantTimeEqual(id.certHash, await digest(id.hash, cert.der))) return false;
  if (id.issuerSerial === undefined) return true;
  const serial = cert.cert.serialNumber.valueBlock.valueHexView;
  const directory = id.issuerSerial.issuer.names.find((n) => n.type === 4)?.value as pkijs.RelativeDistinguishedNames | undefined;
  return constantTimeEqual(id.issuerSerial.serialNumber.valueBlock.valueHexView, serial) && (directory === undefined || sameName(directory, cert.cert.issuer));
}

type CertId = { hash: Hash | 'SHA-1'; certHash: Uint8Array; issuerSerial?: pkijs.IssuerSerial };

/** Every ESSCertID(v2) of a SigningCertificate(V2) value: `SEQUENCE { certs SEQUENCE OF ..., policies OPTIONAL }`. */
function certIds(value: unknown, v2: boolean): CertId[] | 'unsupported-hash' | undefined {
  const certs = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const list = certs instanceof asn1js.Sequence ? certs.valueBlock.value : [];
  if (list.length === 0 || list.length > MAX_CERT_IDS) return undefined;
  const ids: CertId[] = [];
  for (const item of list) {
    const id = certId(item, v2);
    if (id === undefined || id === 'unsupported-hash') return id;
    ids.push(id);
  }
  return ids;
}

function certId(item: asn1js.AsnType, v2: boolean): CertId | 'unsupported-hash' | undefined {
  if (!(item instanceof asn1js.Sequence)) return undefined;
  const items = item.valueBlock.value;
  let hash: Hash | 'SHA-1' = v2 ? 'SHA-256' : 'SHA-1';
  let next = 0;
  // ESSCertIDv2's hashAlgorithm is DEFAULT sha256, so present only when it is another hash.
  if (v2 && items[0] instanceof asn1js.Sequence) {
    const named = hashOf(new pkijs.AlgorithmIdentifier({ schema: items[0] }));
    if (named === undefined) return 'unsupported-hash';
    hash = named;
    next = 1;
  }
  const certHash = items[next];
  if (!(certHash instanceof asn1js.OctetString)) return undefined;
  const serial = items[next + 1];
  if (serial !== undefined && !(serial instanceof asn1js.Sequence)) return undefined;
  if (items.length > next + 2) return undefined;
  const issuerSerial = serial instanceof asn1js.Sequence ? new pkijs.IssuerSerial({ schema: serial }) : undefined;
  return { hash, certHash: certHash.valueBlock.valueHexView, ...(issuerSerial !== undefined ? { issuerSerial } : {}) };
}

/**
 * RFC 3161 section 2.3: the TSA certificate's extendedKeyUsage is critical and holds id-kp-timeStamping alone;
 * a keyUsage, when present, allows signing. The chain check already required the purpose to be there.
 */
function tsaPurposeProblem(cert: pkijs.Certificate): string | undefined {
  const eku = extendedKeyUsageOf(cert);
  if (eku === undefined || !eku.critical) return 'the TSA certificate\'s extendedKeyUsage is not critical (RFC 3161 section 2.3)';
  if (eku.purposes.length !== 1) return 'the TSA certificate has purposes other than timeStamping (RFC 3161 section 2.3)';
  const usage = keyUsageOf(cert);
  if (usage !== undefined && !usage.has('digitalSignature') && !usage.has('nonRepudiation')) {
    return 'the TSA certificate\'s keyUsage does not allow signatures';
  }
  return undefined;
}

/**
 * The TSA certificate followed by its issuers among the token's certificates and the policy's intermediates (a
 * CMS certificate set has no order), stopping at a self-issued certificate, a missing issuer or
 * {@link MAX_CHAIN_LENGTH}. Of the candidates that bear the issuer's name, the first whose key verifies the
 * certificate's signature is taken, so a certificate of another PKI under the same name cannot hide the real one.
 */
async function buildPath(signer: TokenCertificate, pool: readonly TokenCertificate[]): Promise<TokenCertificate[]> {
  const path = [signer];
  while (path.length < MAX_CHAIN_LENGTH) {
    const last = path[path.length - 1]!.cert;
    if (sameName(last.subject, last.issuer)) break;
    let issuer: TokenCertificate | undefined;
    for (const c of pool) {
      if (path.includes(c) || !sameName(c.cert.subject, last.issuer)) continue;
      const check = await verifySignature(c.cert.subjectPublicKeyInfo, last.signatureAlgorithm, last.signatureValue.valueBlock.valueHexView, new Uint8Array(last.tbsView));
      if (check === true) {
        issuer = c;
        break;
      }
    }
    if (issuer === undefined) break;
    path.push(issuer);
  }
  return path;
}

async function digest(name: Hash | 'SHA-1', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, new Uint8Array(data)));
}

/**
 * The genTime a token claims, before any check of its signature or its TSA, or undefined when the bytes are no
 * token: what an archive-timestamp chain needs to leave out links made after the time it is judged at. Async,
 * like every export of this module, so that the verifier page can load the CMS code on demand.
 * @example
 * const claimed = await claimedGenTime(tokenDer);
 */
export async function claimedGenTime(der: Uint8Array): Promise<Date | undefined> {
  const parsed = parseTimestampToken(der);
  return typeof parsed === 'string' ? undefined : parsed.tstInfo.genTime;
}
