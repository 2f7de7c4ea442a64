import type { BagEntry, BagSource } from '../bagit/bag-source.js';
import { EvidenceBundleError } from '../errors.js';

// The file's bytes in pieces of this size: a consumer that streams (a ZIP writer, a hash) sees chunks, as from a file.
const CHUNK_BYTES = 1024 * 1024;

/**
 * A {@link BagSource} over a bag's files held in memory, by bag path: what a CBOR bundle decodes to
 * (`decodeCborBundle`). Lists each file and each of its parent directories once; the paths are listed as given,
 * for the validator to judge.
 * @throws TypeError when a file's content is not a Uint8Array. From `read`: EvidenceBundleError
 *   `ERR_SOURCE_NOT_FOUND` for a path that is not a file of the map; `ERR_LIMIT_EXCEEDED` for a file over `maxBytes`
 * @example const bag = await validateBag(filesSource(decodeCborBundle(bytes)));
 */
export function filesSource(files: ReadonlyMap<string, Uint8Array>): BagSource {
  const entries = new Map<string, BagEntry>();
  for (const [path, content] of files) {
    if (!(content instanceof Uint8Array)) throw new TypeError(`the content of ${JSON.stringify(path)} is not a Uint8Array`);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { path: dir, kind: 'directory', size: 0 });
    }
    entries.set(path, { path, kind: 'file', size: content.length });
  }
  return {
    async *list() {
      yield* entries.values();
    },
    async *read(path, options = {}) {
      const content = files.get(path);
      if (content === undefined) throw new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${JSON.stringify(path)} is not a file of the bundle`);
      if (options.maxBytes !== undefined && content.length > options.maxBytes) {
        throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${JSON.stringify(path)} holds ${content.length} bytes, over ${options.maxBytes}`);
      }
      for (let at = 0; at < content.length; at += CHUNK_BYTES) yield content.subarray(at, at + CHUNK_BYTES);
    },
  };
}
