import { promises as fsp } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { BagSource } from '../bagit/bag-source.js';
import { CBOR_BUNDLE_MAX_BYTES, detectBundleForm } from '../bundle/bundle-form.js';
import { EvidenceBundleError } from '../errors.js';
import { openZipSource } from '../zip/open-zip-source.js';
import type { DigestPool } from './digest-pool.js';
import { nodeBackend } from './digest-backend.js';
import { fileReader } from './file-reader.js';
import { ioError } from './io-error.js';
import { openBundleDirectory } from './open-bundle-directory.js';
import { zipSourceOnPool } from './zip-pool-source.js';

/** The three forms of a bundle (docs/format.md, "Forms"). */
export type BundleForm = 'directory' | 'zip' | 'cbor';

/** Options of {@link openBundle}. */
export interface OpenBundleOptions {
  /**
   * Worker pool that hashes the files of a directory bundle and the entries of a ZIP (read at their offsets in
   * the archive, their CRC-32 checked in the same pass); a CBOR bundle is in memory and hashed in this thread.
   */
  pool?: DigestPool;
}

/** A bundle opened by {@link openBundle}: its source, the form it was found in, and what releases it. */
export interface OpenedBundle {
  source: BagSource;
  form: BundleForm;
  /** Closes the file of a ZIP bundle; nothing to do for the other forms. The source is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Opens a bundle in any form for reading: a directory is the directory form ({@link openBundleDirectory}); a
 * regular file is recognised by its first bytes (`detectBundleForm`), never by its name. A ZIP is read in place
 * through its central directory (`openZipSource`), its hostile properties reported by the source's `problems`;
 * a CBOR bundle is read whole, its size checked first, and decoded strictly (`openCborSource`). A single file
 * that starts as a ZIP or a CBOR bundle but is broken opens all the same, its problems (`zip.*`,
 * `bundle.cbor.malformed`, `bundle.cbor.too-large`) reported by the source, so that a verification gives a report
 * saying INVALID and why. Close the result when done.
 * @throws EvidenceBundleError `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE` (a FIFO, a device, a
 *   socket; a symbolic link is followed), `ERR_IO`; `ERR_BAG_INVALID` for a file that is neither a ZIP nor a CBOR
 *   bundle; `ERR_ZIP_MALFORMED` when a file that starts as a ZIP has no end record and no local header
 * @example
 * const bundle = await openBundle('case-42.zip');
 * let report; try { report = await verifyBundle(bundle.source, { policy }); } finally { await bundle.close(); }
 */
export async function openBundle(path: string, options: OpenBundleOptions = {}): Promise<OpenedBundle> {
  let isDirectory: boolean;
  try {
    isDirectory = (await fsp.stat(path)).isDirectory();
  } catch (cause) {
    throw ioError(cause, path);
  }
  if (isDirectory) {
    const source = await openBundleDirectory(path, options.pool ? { pool: options.pool } : {});
    return { source, form: 'directory', close: () => Promise.resolve() };
  }
  // The user names the bundle: a link to it is followed, as it is to a bundle directory.
  const reader = await fileReader(path, { followLinks: true });
  try {
    const form = detectBundleForm(await reader.read(0, Math.min(4, reader.size)));
    if (form === 'zip') {
      // Node's native CRC-32 for what the core source reads and checks itself (the tag files).
      const zip = await openZipSource(reader, { backend: nodeBackend, crc32 });
      const source = options.pool ? zipSourceOnPool(zip, options.pool, reader.fd, path) : zip;
      return { source, form, close: () => reader.close() };
    }
    if (form === 'cbor') {
      // The CBOR code (cbor-x) is imported for a CBOR bundle only.
      const { openCborSource, tooLargeCborSource } = await import('../bundle/cbor-source.js');
      // Read whole by design: the size is judged before a byte of the body is read.
      const source = reader.size > CBOR_BUNDLE_MAX_BYTES ? tooLargeCborSource(reader.size) : openCborSource(await reader.read(0, reader.size));
      await reader.close();
      return { source, form, close: () => Promise.resolve() };
    }
    throw new EvidenceBundleError('ERR_BAG_INVALID', `${path} is not a bundle (directory, ZIP or CBOR)`);
  } catch (error) {
    await reader.close().catch(() => undefined);
    throw error;
  }
}
