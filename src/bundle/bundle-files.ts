import type { BagSource } from '../bagit/bag-source.js';
import { validateBag } from '../bagit/validate-bag.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { createMultiDigest } from '../digest/multi-digest.js';
import { EvidenceBundleError } from '../errors.js';
import { compareBytes, constantTimeEqual, utf8Encode } from '../internal/bytes.js';
import { BUNDLE_FILE_LIMITS, isCommitProtocolPath } from '../model/layout.js';

/** One file of a bag, as {@link bundleFiles} hands it to a writer of another form. */
export interface BundleFile {
  /** Bag path (`bagit.txt`, `data/...`, `evidence/manifest.json`), safe by the path rules. */
  path: string;
  /** Size in bytes when the bag was validated. */
  size: number;
  /**
   * The file's bytes, in chunks, read from the source again: the last chunk is followed by a check that they are
   * the bytes validated (size and SHA-256), so a file changed since cannot slip into the new form.
   */
  read(): AsyncIterable<Uint8Array>;
}

/** Options of {@link bundleFiles}. */
export interface BundleFilesOptions {
  /** Hash implementation for the bag check and the re-check; @noble/hashes by default. */
  backend?: DigestBackend;
}

/**
 * The files of a valid bag, in the strict ascending UTF-8 byte order of their paths (the ZIP profile's order),
 * for conversion to another form with every byte kept. The bag is validated first (`validateBag`, with the
 * bundle's tag-file limits) so that conversion never launders a broken bag into a fresh-looking container; what
 * the signed manifest says is not judged here (a converted bundle verifies as its original does).
 * @throws EvidenceBundleError `ERR_BAG_INVALID` when the bag check finds an error, naming its finding codes;
 *   `ERR_IO` as the source throws it. From `read`: what the source throws, and `ERR_SOURCE_CHANGED` when the file
 *   no longer has the size or SHA-256 digest it was validated with.
 * @example for (const file of await bundleFiles(source)) await zip.add(file.path, file.read(), { size: file.size });
 */
export async function bundleFiles(source: BagSource, options: BundleFilesOptions = {}): Promise<BundleFile[]> {
  const backend = options.backend;
  const bag = await validateBag(source, { tagFileLimits: BUNDLE_FILE_LIMITS, ...(backend ? { backend } : {}) });
  if (!bag.valid) {
    const codes = [...new Set(bag.findings.filter((f) => f.severity === 'error').map((f) => (f.path ? `${f.code} (${f.path})` : f.code)))];
    throw new EvidenceBundleError('ERR_BAG_INVALID', `the bag is not valid, refusing to copy it: ${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ', ...' : ''}`);
  }
  // The directory form hides its update protocol's files; carried into another form they would act once extracted.
  const protocol = [...bag.tagFiles.keys()].find(isCommitProtocolPath);
  if (protocol !== undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `the bag holds ${protocol}, a file of the update protocol, refusing to copy it`);
  const files = [...bag.payload, ...bag.tagFiles].map(([path, { size, digests }]) => ({ path, key: utf8Encode(path), size, sha256: digests.sha256 }));
  files.sort((a, b) => compareBytes(a.key, b.key));
  return files.map(({ path, size, sha256 }) => ({
    path,
    size,
    async *read() {
      const digest = createMultiDigest(['sha256'], backend ? { backend } : {});
      for await (const chunk of source.read(path)) {
        digest.update(chunk);
        if (digest.size > size) break;
        yield chunk;
      }
      if (digest.size !== size || !constantTimeEqual(digest.digest().sha256, sha256)) {
        throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `${JSON.stringify(path)} changed after the bag was validated`);
      }
    },
  }));
}
