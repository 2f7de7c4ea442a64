import { blake3 } from '@noble/hashes/blake3.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256 } from '@noble/hashes/sha3.js';

/** A digest algorithm the bundle format knows. SHA-256 is mandatory; the others are optional extras. */
export type DigestAlgorithm = 'sha256' | 'sha512' | 'sha3-256' | 'blake3';

/** An incremental hash: feed chunks, then take the digest once. */
export interface IncrementalHash {
  /** Feeds the next chunk of bytes. */
  update(chunk: Uint8Array): void;
  /** Finishes the hash and returns it; call once. */
  digest(): Uint8Array;
}

interface DigestAlgorithmInfo {
  /**
   * Name in BagIt manifest file names (`manifest-<name>.txt`): RFC 8493 section 2.4 lowercases the algorithm's
   * common name and removes every non-alphanumeric character, so SHA3-256 is `sha3256`, never `sha3-256`.
   */
  readonly bagitName: string;
  /** Name understood by node:crypto, where it has the algorithm. */
  readonly nodeName?: string;
  /** Length of the digest in bytes (hex strings are twice as long). */
  readonly outputBytes: number;
  /** The portable implementation (@noble/hashes). */
  readonly noble: () => IncrementalHash;
}

/** The one registry of digest algorithms: every other module looks algorithms up here. */
export const DIGEST_ALGORITHMS: Readonly<Record<DigestAlgorithm, DigestAlgorithmInfo>> = {
  sha256: { bagitName: 'sha256', nodeName: 'sha256', outputBytes: 32, noble: () => sha256.create() },
  sha512: { bagitName: 'sha512', nodeName: 'sha512', outputBytes: 64, noble: () => sha512.create() },
  'sha3-256': { bagitName: 'sha3256', nodeName: 'sha3-256', outputBytes: 32, noble: () => sha3_256.create() },
  blake3: { bagitName: 'blake3', outputBytes: 32, noble: () => blake3.create() },
};

/** Every supported algorithm, SHA-256 first. */
export const DIGEST_ALGORITHM_NAMES = Object.keys(DIGEST_ALGORITHMS) as DigestAlgorithm[];

/** Lower-case hex digests by algorithm; `sha256` is always present in what the library produces. */
export type DigestSet = { sha256: string } & Partial<Record<Exclude<DigestAlgorithm, 'sha256'>, string>>;

/** True for a digest algorithm name of the registry. */
export function isDigestAlgorithm(name: unknown): name is DigestAlgorithm {
  return typeof name === 'string' && Object.hasOwn(DIGEST_ALGORITHMS, name);
}

/**
 * Where hashes come from. The portable backend is @noble/hashes; the Node subpath offers node:crypto, which is
 * several times faster for SHA-2 on CPUs with SHA extensions. A backend may decline an algorithm (return
 * undefined) and the portable implementation is used instead.
 */
export interface DigestBackend {
  readonly name: string;
  /** A new hash for `algorithm`, or undefined when this backend does not have it (the next backend is asked). */
  create(algorithm: DigestAlgorithm): IncrementalHash | undefined;
  /**
   * Optional: the digest of one short input in a single call, or undefined when declined. Cheaper than
   * `create`, `update` and `digest` where a call into native code costs more than the hashing (the millions of
   * 65-byte node hashes of a Merkle tree); the result must equal what `create` gives.
   */
  digestOnce?(algorithm: DigestAlgorithm, data: Uint8Array): Uint8Array | undefined;
}

/** The portable backend: @noble/hashes, in every runtime. */
export const nobleBackend: DigestBackend = {
  name: 'noble',
  create: (algorithm) => DIGEST_ALGORITHMS[algorithm].noble(),
};
