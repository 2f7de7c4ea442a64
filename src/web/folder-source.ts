import { EvidenceBundleError, type BagEntry, type BagSource } from '../index.js';

/**
 * A {@link BagSource} over a bundle folder the user picked or dropped, as browser `File`s by bag path. Each file
 * is listed with its parent directories; `read` streams it through `File.stream()`, so an item is never whole in
 * memory. The paths are listed as given, for the validator to judge.
 * @throws TypeError when a value is not a File or Blob. From `read`: EvidenceBundleError `ERR_SOURCE_NOT_FOUND` for
 *   a path that is not a file of the folder, `ERR_LIMIT_EXCEEDED` for a file over `maxBytes`, `ERR_IO` when the
 *   browser cannot read the file (it changed or went away since it was picked).
 * @example const report = await verifyBundle(folderSource(filesOfFolder(input.files)), { policy });
 */
export function folderSource(files: ReadonlyMap<string, Blob>): BagSource {
  const entries = new Map<string, BagEntry>();
  for (const [path, file] of files) {
    if (!(file instanceof Blob)) throw new TypeError(`${JSON.stringify(path)} is not a File`);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { path: dir, kind: 'directory', size: 0 });
    }
    entries.set(path, { path, kind: 'file', size: file.size });
  }
  return {
    async *list() {
      yield* entries.values();
    },
    async *read(path, options = {}) {
      const file = files.get(path);
      if (file === undefined) throw new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${JSON.stringify(path)} is not a file of the folder`);
      if (options.maxBytes !== undefined && file.size > options.maxBytes) {
        throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${JSON.stringify(path)} holds ${file.size} bytes, over ${options.maxBytes}`);
      }
      const reader = file.stream().getReader();
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (cause) {
            // The browser's NotReadableError: the file on disk changed or vanished after it was picked.
            throw new EvidenceBundleError('ERR_IO', `${JSON.stringify(path)} could not be read`, { cause });
          }
          if (chunk.done) return;
          yield chunk.value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/**
 * The files of a picked folder (`<input webkitdirectory>`) by bag path: the folder's own name, the first segment
 * of every `webkitRelativePath`, is dropped, so `case-42/data/a.log` is `data/a.log`.
 * @throws TypeError when the files do not share one top folder (they were not picked as one folder).
 * @example const files = filesOfFolder(input.files);
 */
export function filesOfFolder(list: Iterable<File>): Map<string, File> {
  const files = new Map<string, File>();
  let top: string | undefined;
  for (const file of list) {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    const root = slash < 0 ? '' : relative.slice(0, slash);
    if (top !== undefined && root !== top) throw new TypeError('the files are not one folder');
    top = root;
    files.set(slash < 0 ? relative : relative.slice(slash + 1), file);
  }
  return files;
}
