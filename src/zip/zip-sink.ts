import type { BagSink } from '../bundle/bag-sink.js';
import { createZipWriter, type ZipSink, type ZipWriterOptions } from './zip-writer.js';

/**
 * A {@link BagSink} writing one ZIP archive of the evidence-bundle profile into `bytes` as the files arrive,
 * never holding a whole file: one file at a time, in ascending UTF-8 byte order (the ZIP writer refuses any other,
 * `ERR_ZIP_ORDER`). `commit` writes the central directory and closes `bytes`; `abort` closes it, and what was
 * written is the caller's to discard (a temporary file, a buffer).
 * @throws EvidenceBundleError from `add` and `commit` what {@link createZipWriter}'s `add` and `finish` throw
 * @example
 * const chunks: Uint8Array[] = [];
 * await packBundleTo(zipSink({ write: async (b) => void chunks.push(b.slice()), close: async () => {} }), options);
 */
export function zipSink(bytes: ZipSink, options: ZipWriterOptions = {}): BagSink {
  const zip = createZipWriter(bytes, options);
  return {
    ordered: true,
    concurrency: 1,
    add: (path, data, size) => {
      if (size === undefined) throw new TypeError(`the size of ${JSON.stringify(path)} is needed before its bytes`);
      return zip.add(path, data, { size });
    },
    commit: () => zip.finish(),
    abort: () => bytes.close(),
  };
}
