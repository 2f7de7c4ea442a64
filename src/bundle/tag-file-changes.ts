import type { BagSource } from '../bagit/bag-source.js';
import { BAG_LIMITS } from '../bagit/validate-bag.js';
import type { DigestAlgorithm, DigestBackend, DigestSet } from '../digest/algorithms.js';
import { isDigestAlgorithm } from '../digest/algorithms.js';
import { digestStream } from '../digest/digest-stream.js';
import { EvidenceBundleError } from '../errors.js';
import { BUNDLE_FILE_LIMITS } from '../model/layout.js';
import { serializeTagManifests } from './create-tag-files.js';

const TAG_MANIFEST = /^tagmanifest-([a-z0-9-]+)\.txt$/;

/**
 * The full set of tag files to write when `changes` replace or add tag files of a bag: the changes themselves
 * and the tag manifests rewritten to match, for the same algorithms as the bag's current tag manifests (SHA-256
 * when it has none). Shared by every form's writer, so that a directory, a ZIP and a CBOR bundle get the same
 * new tag files. The other tag files are hashed as they are read, never held whole; payload files are not read.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` for a tag file larger than the verifier accepts,
 *   `ERR_BAG_INVALID` for a symbolic link or special file outside `data/`; what the source throws
 */
export async function tagFileChanges(
  source: BagSource,
  changes: ReadonlyMap<string, Uint8Array>,
  options: { backend?: DigestBackend } = {},
): Promise<Map<string, Uint8Array>> {
  const unchanged: string[] = [];
  const found: DigestAlgorithm[] = [];
  for await (const entry of source.list()) {
    if (entry.path.startsWith('data/')) continue;
    // New tag manifests must not leave out what the verifier refuses (a link, a FIFO among the tag files).
    if (entry.kind === 'symlink' || entry.kind === 'other') {
      throw new EvidenceBundleError('ERR_BAG_INVALID', `${entry.path} is not a regular file or directory`);
    }
    if (entry.kind !== 'file') continue;
    const m = TAG_MANIFEST.exec(entry.path);
    if (m !== null) {
      if (isDigestAlgorithm(m[1])) found.push(m[1]);
    } else if (!changes.has(entry.path)) {
      unchanged.push(entry.path);
    }
  }
  const algorithms = found.length > 0 ? found : ['sha256' as const];
  const backend = options.backend;
  const hash = (bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => digestStream(bytes, { algorithms, ...(backend ? { backend } : {}) });
  const tagFiles: Array<{ path: string; digests: DigestSet }> = [];
  // Within the limits the verifier reads them with: a tag file it would refuse (a sparse file of 100 GB) is
  // refused here by its size, before it is read.
  const limit = (path: string) => BUNDLE_FILE_LIMITS.get(path) ?? BAG_LIMITS.tagFileBytes;
  for (const path of unchanged) {
    const { digests, size } = await hash(source.read(path, { maxBytes: limit(path) }));
    // Grown past its limit while read: the source stopped one byte after it.
    if (size > limit(path)) throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path} is larger than ${limit(path)} bytes`);
    tagFiles.push({ path, digests });
  }
  for (const [path, bytes] of changes) tagFiles.push({ path, digests: (await hash([bytes])).digests });
  return new Map([...changes, ...serializeTagManifests(tagFiles, algorithms)]);
}
