import { serializeTagManifests } from '../bundle/create-tag-files.js';
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
 */
export async function updateTagFiles(dir: string, changes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const source = await openBundleDirectory(dir);
  const unchanged: string[] = [];
  const found: DigestAlgorithm[] = [];
  for await (const entry of source.list()) {
    if (entry.kind !== 'file' || entry.path.startsWith('data/')) continue;
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
  for (const path of unchanged) tagFiles.push({ path, digests: (await hash(source.read(path))).digests });
  for (const [path, bytes] of changes) tagFiles.push({ path, digests: (await hash([bytes])).digests });
  await commitTagFiles(dir, new Map([...changes, ...serializeTagManifests(tagFiles, algorithms)]));
}
