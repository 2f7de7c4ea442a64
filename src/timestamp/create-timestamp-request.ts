import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASH_BY_OID, type Hash } from '../x509/verify-signature.js';

/** Options of {@link createTimestampRequest}. */
export interface CreateTimestampRequestOptions {
  /** Hash of the message imprint (default SHA-256). */
  hashAlgorithm?: Hash;
  /** The nonce, a positive minimal big-endian integer (default: 8 random bytes, top bits `01`). */
  nonce?: Uint8Array;
  /** Ask the TSA to include its certificate in the token (default true: the verifier needs it). */
  certReq?: boolean;
  /** The TSA policy OID to ask for (default: none, the TSA's default policy). */
  policy?: string;
}

/** A TimeStampReq and what its answer must echo. */
export interface TimestampRequest {
  /** The DER TimeStampReq, the body of the HTTP POST (RFC 3161 section 3.4). */
  der: Uint8Array;
  hashAlgorithm: Hash;
  /** The OID of `hashAlgorithm`, as the TSTInfo must repeat it. */
  hashOid: string;
  /** The hash of the data: the message imprint the TSTInfo must repeat. */
  imprint: Uint8Array;
  /** The nonce the TSTInfo must repeat (replay protection, RFC 3161 section 2.4.1). */
  nonce: Uint8Array;
  certReq: boolean;
}

const OID_BY_HASH = Object.fromEntries(Object.entries(HASH_BY_OID).map(([oid, hash]) => [hash, oid])) as Record<Hash, string>;

/**
 * Builds an RFC 3161 TimeStampReq (section 2.4.1) for `data` with pkijs: a message imprint (SHA-256 unless
 * told otherwise, its AlgorithmIdentifier without parameters as RFC 5754 section 2 asks), a random nonce so a
 * replayed answer is detected, and certReq so the token carries the TSA certificate the verifier needs.
 * @throws TypeError when `data` is not a Uint8Array, the hash is not SHA-256/384/512 or the nonce is not a
 *   positive, minimally encoded integer of 1 to 32 bytes
 * @example
 * const request = await createTimestampRequest(signatureBytes);
 * await fetch(tsaUrl, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: request.der.slice() });
 */
export async function createTimestampRequest(data: Uint8Array, options: CreateTimestampRequestOptions = {}): Promise<TimestampRequest> {
  if (!(data instanceof Uint8Array)) throw new TypeError('createTimestampRequest: data must be a Uint8Array');
  const hashAlgorithm = options.hashAlgorithm ?? 'SHA-256';
  const hashOid = OID_BY_HASH[hashAlgorithm];
  if (hashOid === undefined) throw new TypeError(`createTimestampRequest: hash ${String(hashAlgorithm)} is not SHA-256, SHA-384 or SHA-512`);
  const nonce = options.nonce !== undefined ? new Uint8Array(options.nonce) : randomNonce();
  if (!isPositiveMinimal(nonce)) throw new TypeError('createTimestampRequest: the nonce must be a positive, minimally encoded integer of 1 to 32 bytes');
  const certReq = options.certReq ?? true;
  const imprint = new Uint8Array(await globalThis.crypto.subtle.digest(hashAlgorithm, new Uint8Array(data)));
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hashOid }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq,
    ...(options.policy !== undefined ? { reqPolicy: options.policy } : {}),
  });
  const der = new Uint8Array(request.toSchema().toBER());
  return { der, hashAlgorithm, hashOid, imprint, nonce, certReq };
}

// 62 random bits, like openssl's 64-bit nonce: the first byte is 0x40..0x7f, so the integer is positive and
// its encoding minimal, and the TSA's echo can be compared byte for byte.
function randomNonce(): Uint8Array {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(8));
  nonce[0] = (nonce[0]! & 0x3f) | 0x40;
  return nonce;
}

function isPositiveMinimal(n: Uint8Array): boolean {
  if (n.length === 0 || n.length > 32 || (n[0]! & 0x80) !== 0) return false;
  return !(n.length > 1 && n[0] === 0 && (n[1]! & 0x80) === 0);
}
