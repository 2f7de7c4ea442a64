import { promises as fsp } from 'node:fs';
import type { BagSource } from '../bagit/bag-source.js';
import { bundleFiles, type BundleFile } from '../bundle/bundle-files.js';
import { tagFileChanges } from '../bundle/tag-file-changes.js';
import { compareBytes, utf8Encode } from '../internal/bytes.js';
import { nodeBackend } from './digest-backend.js';
import { ioError } from './io-error.js';
import { openBundleDirectoryForUpdate } from './open-bundle-directory.js';
import { openBundle } from './open-bundle.js';
import { updateTagFiles } from './update-tag-files.js';
import { replaceBundleFile } from './write-bundle.js';

/**
 * Changes tag files of a bundle of any form, recognised by content as {@link openBundle} does: `compute` reads
 * the bundle and returns the tag files to replace or add (nothing to write: `undefined`). A directory is
 * updated in one journalled commit ({@link updateTagFiles}); a ZIP or CBOR file is rewritten whole beside the
 * old one and renamed over it ({@link replaceBundleFile}), the payload bytes copied unchanged (streamed from a
 * ZIP) and the tag manifests computed as for a directory ({@link tagFileChanges}). A single file's bag is
 * validated before it is rewritten (`bundleFiles`): a broken one is refused, never repackaged.
 * @throws EvidenceBundleError what `compute`, {@link openBundle}, {@link openBundleDirectoryForUpdate},
 *   {@link updateTagFiles}, `bundleFiles` (`ERR_BAG_INVALID`) and {@link replaceBundleFile} throw; nothing is
 *   changed when it throws
 */
export async function updateBundle<T>(
  path: string,
  compute: (source: BagSource) => Promise<{ changes?: ReadonlyMap<string, Uint8Array>; result: T }>,
): Promise<T> {
  let isDirectory: boolean;
  try {
    isDirectory = (await fsp.stat(path)).isDirectory();
  } catch (cause) {
    throw ioError(cause, path);
  }
  if (isDirectory) {
    const { changes, result } = await compute(await openBundleDirectoryForUpdate(path));
    if (changes !== undefined) await updateTagFiles(path, changes);
    return result;
  }
  const opened = await openBundle(path);
  try {
    const { changes, result } = await compute(opened.source);
    if (changes === undefined) return result;
    const next = await tagFileChanges(opened.source, changes, { backend: nodeBackend });
    const kept = (await bundleFiles(opened.source, { backend: nodeBackend })).filter((f) => !next.has(f.path));
    const added: BundleFile[] = [...next].map(([p, bytes]) => ({ path: p, size: bytes.length, read: () => toAsync(bytes) }));
    const files = [...kept, ...added].sort((a, b) => compareBytes(utf8Encode(a.path), utf8Encode(b.path)));
    await replaceBundleFile(files, path, opened.form as 'zip' | 'cbor');
    return result;
  } finally {
    await opened.close();
  }
}

async function* toAsync(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
