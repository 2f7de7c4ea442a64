import { buildTagManifests } from '../bundle/create-tag-files.js';
import type { DigestAlgorithm } from '../digest/algorithms.js';
import { isDigestAlgorithm } from '../digest/algorithms.js';
import { concatBytes } from '../internal/bytes.js';
import { commitTagFiles } from './commit-tag-files.js';
import { openBundleDirectory } from './open-bundle-directory.js';

const TAG_MANIFEST = /^tagmanifest-([a-z0-9-]+)\.txt$/;

/**
 * Replaces or adds tag files of a bundle directory and rewrites its tag manifests to match, as one atomic
 * commit ({@link commitTagFiles}). Used to add a signature or a custody event; payload files are never read
 * or written here.
 */
export async function updateTagFiles(dir: string, changes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const source = await openBundleDirectory(dir);
  const tagFiles = new Map<string, Uint8Array>();
  const algorithms: DigestAlgorithm[] = [];
  for await (const entry of source.list()) {
    if (entry.kind !== 'file' || entry.path.startsWith('data/')) continue;
    const m = TAG_MANIFEST.exec(entry.path);
    if (m !== null) {
      if (isDigestAlgorithm(m[1])) algorithms.push(m[1]);
      continue;
    }
    if (changes.has(entry.path)) continue;
    const chunks: Uint8Array[] = [];
    for await (const chunk of source.read(entry.path)) chunks.push(chunk);
    tagFiles.set(entry.path, concatBytes(...chunks));
  }
  for (const [path, bytes] of changes) tagFiles.set(path, bytes);
  const manifests = buildTagManifests([...tagFiles], algorithms.length > 0 ? algorithms : ['sha256']);
  await commitTagFiles(dir, new Map([...changes, ...manifests]));
}
