import type { BagSource } from '../bagit/bag-source.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { readTagFile } from '../verify/read-tag-file.js';

/**
 * Reads a tag file a writer is about to build on (the manifest it signs, the signature file or custody log it
 * extends), within its limit. Absent is `undefined`; anything else that is not a readable regular file stops
 * the writer, so that it never starts such a file afresh over what is there.
 * @throws EvidenceBundleError `ERR_BAG_INVALID` when the path is a link, a directory or a special file,
 *   `ERR_LIMIT_EXCEEDED` past `limit`, `ERR_IO`
 */
export async function readTagFileForUpdate(source: BagSource, path: string, limit: number): Promise<Uint8Array | undefined> {
  let bytes: Uint8Array | 'too-large' | undefined;
  try {
    bytes = await readTagFile(source, path, limit);
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_REGULAR_FILE')) {
      throw new EvidenceBundleError('ERR_BAG_INVALID', `${path} is not a regular file in the bundle`, { cause: error });
    }
    throw error;
  }
  if (bytes === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path} exceeds ${limit} bytes`);
  return bytes;
}
