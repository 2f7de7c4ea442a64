import { EvidenceBundleError } from '../errors.js';
import { toHex } from '../internal/bytes.js';
import {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestBackend,
  type DigestSet,
  type IncrementalHash,
  isDigestAlgorithm,
  nobleBackend,
} from './algorithms.js';

/** Several digests computed over one pass of the same bytes. */
export interface MultiDigest {
  /** Feeds the next chunk of bytes to every hash. */
  update(chunk: Uint8Array): void;
  /** Bytes seen so far. */
  readonly size: number;
  /** Finishes every hash; call once. */
  digest(): DigestSet;
}

/**
 * Normalises a list of algorithm names: SHA-256 always first, no duplicates.
 * @throws EvidenceBundleError `ERR_DIGEST_UNSUPPORTED_ALGORITHM` for a name outside the registry.
 */
export function normaliseAlgorithms(algorithms: Iterable<string> = []): DigestAlgorithm[] {
  const out: DigestAlgorithm[] = ['sha256'];
  for (const name of algorithms) {
    if (!isDigestAlgorithm(name)) {
      throw new EvidenceBundleError('ERR_DIGEST_UNSUPPORTED_ALGORITHM', `unsupported digest algorithm ${JSON.stringify(name)}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Starts one incremental hash per algorithm (SHA-256 always included), fed from the same chunks.
 * @throws EvidenceBundleError `ERR_DIGEST_UNSUPPORTED_ALGORITHM`
 */
export function createMultiDigest(
  algorithms: Iterable<string> = [],
  options: { backend?: DigestBackend } = {},
): MultiDigest {
  const backend = options.backend ?? nobleBackend;
  const hashes: Array<[DigestAlgorithm, IncrementalHash]> = normaliseAlgorithms(algorithms).map((alg) => [
    alg,
    backend.create(alg) ?? DIGEST_ALGORITHMS[alg].noble(),
  ]);
  let size = 0;
  return {
    update(chunk) {
      for (const [, hash] of hashes) hash.update(chunk);
      size += chunk.length;
    },
    get size() {
      return size;
    },
    digest() {
      const out: Record<string, string> = {};
      for (const [alg, hash] of hashes) out[alg] = toHex(hash.digest());
      return out as DigestSet;
    },
  };
}
