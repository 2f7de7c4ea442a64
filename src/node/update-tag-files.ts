import { BAG_LIMITS } from '../bagit/validate-bag.js';
import { serializeTagManifests } from '../bundle/create-tag-files.js';
import { BUNDLE_FILE_LIMITS } from '../model/layout.js';
import { EvidenceBundleError } from '../errors.js';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import { isDigestAlgorithm } from '../digest/algorithms.js';
import { digestStream } from '../digest/digest-stream.js';
import { commitTagFiles } from './commit-tag-files.js';
import { nodeBackend } from './digest-backend.js';
import { openBundleDirectory } from './open-bundle-directory.js';

const TAG_MANIFEST = /^tagmanifest-([a-z0-9-]+)\.txt$/;

/**
 * Replaces or adds tag files of a bundle directory and rewrites its tag manifests to match, as one atomic
 * commit ({@link commitTagFiles}). Used to add a signature or a custody event; payload files are never read
 * or written here. The other tag files are hashed as they are read (node:crypto), never held whole: a payload
 * manifest of a million items costs no memory.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` for a tag file larger than the verifier accepts,
 *   `ERR_BAG_INVALID` for a symbolic link or special file outside `data/` (nothing is written in either case),
 *   and what {@link commitTagFiles} throws
 */
export async function updateTagFiles(dir: string, changes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const source = await openBundleDirectory(dir);
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
  const hash = (bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => digestStream(bytes, { algorithms, backend: nodeBackend });
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
  await commitTagFiles(dir, new Map([...changes, ...serializeTagManifests(tagFiles, algorithms)]));
}
