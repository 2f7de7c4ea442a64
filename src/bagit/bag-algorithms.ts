import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha384 } from '@noble/hashes/sha2.js';
import {
  DIGEST_ALGORITHM_NAMES,
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestBackend,
  type IncrementalHash,
  nobleBackend,
} from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { toHex } from '../internal/bytes.js';

/**
 * An algorithm a BagIt manifest may name (`manifest-<name>.txt`, RFC 8493 section 2.4): the library's registry
 * (by its key, `sha3-256`, though its file name is `manifest-sha3256.txt`) plus the legacy ones older bags use,
 * which are only ever checked, never produced.
 */
export type BagAlgorithmName = DigestAlgorithm | 'md5' | 'sha1' | 'sha224' | 'sha384';

interface BagAlgorithmInfo {
  readonly hexLength: number;
  /** MD5 and SHA-1: collisions can be made on purpose (RFC 8493 section 6.2). */
  readonly weak: boolean;
  /** The registry algorithm, when this is one (so a backend or `BagSource.digest` can compute it). */
  readonly registry?: DigestAlgorithm;
  readonly noble: () => IncrementalHash;
}

const LEGACY: Record<Exclude<BagAlgorithmName, DigestAlgorithm>, BagAlgorithmInfo> = {
  md5: { hexLength: 32, weak: true, noble: () => md5.create() },
  sha1: { hexLength: 40, weak: true, noble: () => sha1.create() },
  sha224: { hexLength: 56, weak: false, noble: () => sha224.create() },
  sha384: { hexLength: 96, weak: false, noble: () => sha384.create() },
};

// Keyed by the name in manifest file names (`sha3256`), which is not always the algorithm's name (`sha3-256`).
const TABLE = new Map<string, [BagAlgorithmName, BagAlgorithmInfo]>([
  ...DIGEST_ALGORITHM_NAMES.map((alg): [string, [BagAlgorithmName, BagAlgorithmInfo]] => {
    const info = DIGEST_ALGORITHMS[alg];
    return [info.bagitName, [alg, { hexLength: info.outputBytes * 2, weak: false, registry: alg, noble: info.noble }]];
  }),
  ...Object.entries(LEGACY).map(([name, info]): [string, [BagAlgorithmName, BagAlgorithmInfo]] => [
    name,
    [name as BagAlgorithmName, info],
  ]),
]);

const BY_NAME = new Map<string, BagAlgorithmInfo>([...TABLE.values()]);

/**
 * Looks up the algorithm a manifest file name uses (`sha256` in `manifest-sha256.txt`, `sha3256` in
 * `manifest-sha3256.txt`); undefined when unknown.
 */
export function bagAlgorithm(bagitName: string): ({ name: BagAlgorithmName } & BagAlgorithmInfo) | undefined {
  const found = TABLE.get(bagitName);
  return found === undefined ? undefined : { name: found[0], ...found[1] };
}

/** One pass over a file's bytes computing several BagIt algorithms at once. */
export interface BagHasher {
  update(chunk: Uint8Array): void;
  readonly size: number;
  /** Lower-case hex digests by BagIt algorithm name; call once. */
  digest(): Record<string, string>;
}

/**
 * Starts one hash per algorithm: registry algorithms through {@link createMultiDigest} (with `backend`, so
 * node:crypto is used when given), legacy ones (MD5, SHA-1...) from @noble/hashes.
 * @throws TypeError for a name that is not a BagIt algorithm.
 */
export function createBagHasher(algorithms: readonly BagAlgorithmName[], backend: DigestBackend = nobleBackend): BagHasher {
  const registry: DigestAlgorithm[] = [];
  const legacy: Array<[string, IncrementalHash]> = [];
  for (const name of algorithms) {
    const info = BY_NAME.get(name);
    if (info === undefined) throw new TypeError(`unknown BagIt algorithm ${JSON.stringify(name)}`);
    if (info.registry !== undefined) registry.push(info.registry);
    else legacy.push([name, info.noble()]);
  }
  // The multi-digest always computes SHA-256; it is only reported when asked for.
  const multi = createMultiDigest(registry, { backend });
  return {
    update(chunk) {
      multi.update(chunk);
      for (const [, hash] of legacy) hash.update(chunk);
    },
    get size() {
      return multi.size;
    },
    digest() {
      const all = multi.digest() as Record<string, string>;
      const out: Record<string, string> = {};
      for (const alg of registry) out[alg] = all[alg]!;
      for (const [name, hash] of legacy) out[name] = toHex(hash.digest());
      return out;
    },
  };
}
