import { tagFileChanges } from '../bundle/tag-file-changes.js';
import { commitTagFiles } from './commit-tag-files.js';
import { nodeBackend } from './digest-backend.js';
import { openBundleDirectory } from './open-bundle-directory.js';

/**
 * Replaces or adds tag files of a bundle directory and rewrites its tag manifests to match
 * ({@link tagFileChanges}), as one atomic commit ({@link commitTagFiles}). Used to add a signature or a custody
 * event; payload files are never read or written here. The other tag files are hashed as they are read
 * (node:crypto), never held whole: a payload manifest of a million items costs no memory.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` for a tag file larger than the verifier accepts,
 *   `ERR_BAG_INVALID` for a symbolic link or special file outside `data/` (nothing is written in either case),
 *   and what {@link commitTagFiles} throws
 */
export async function updateTagFiles(dir: string, changes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const source = await openBundleDirectory(dir);
  await commitTagFiles(dir, await tagFileChanges(source, changes, { backend: nodeBackend }));
}
