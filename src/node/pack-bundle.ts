import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { ItemDescription } from '../bundle/build-manifest.js';
import { checkPackInput, packBundleTo, type PackSourceItem, type PackToOptions } from '../bundle/pack-to.js';
import type { DigestBackend } from '../digest/algorithms.js';
import type { ByteSource } from '../digest/digest-stream.js';
import { EvidenceBundleError } from '../errors.js';
import { mapWithConcurrency } from '../internal/map-with-concurrency.js';
import type { Manifest } from '../model/manifest.js';
import { newBundleSink } from './bundle-sinks.js';
import type { StatedFile } from './copy-pool.js';
import { nodeBackend, nodeCryptoHashes } from './digest-backend.js';
import { ioError } from './io-error.js';
import { pathExists } from './path-exists.js';
import { guessMediaType } from './media-type.js';
import type { BundleForm } from './open-bundle.js';
import { sourceBytes, statSource } from './source-bytes.js';
import { formFromName } from './write-bundle.js';

export type { WithheldItem } from '../bundle/pack-to.js';

/** One piece of evidence to pack: where its bytes come from and what the manifest says of it. */
export interface PackItem extends Omit<ItemDescription, 'mediaType'> {
  /** The item's path inside `data/` (forward slashes, NFC). */
  path: string;
  /**
   * A file to copy (never followed through a symbolic link), or a function returning the bytes as a stream whose
   * chunks are not reused once yielded.
   */
  source: string | (() => ByteSource);
  /**
   * The exact size of a stream source: needed for the single-file forms (ZIP, CBOR), whose bag-info.txt is
   * written before the payload; a directory takes a stream of unknown size. A file's size is its own.
   */
  size?: number;
  /** Defaults to a guess from the file extension. */
  mediaType?: string;
}

/** Options of {@link packBundle}: those of the core's packBundleTo, with items named by their files on disk. */
export interface PackOptions extends Omit<PackToOptions, 'items' | 'backend'> {
  items: readonly PackItem[];
  /** Hash implementation for the payload and the tag files; node:crypto by default. */
  backend?: DigestBackend;
  /** The bundle's form; by default from the output's name: `.zip`, `.cbor` (any case), anything else a directory. */
  form?: BundleForm;
}

/**
 * Packs evidence into a new bundle (docs/format.md), a BagIt 1.0 bag: a directory, or a single `.zip` or `.cbor`
 * file (by `form`, else by the output's name), written directly, the ZIP streamed, without a directory copy
 * first. Each source byte is read once: hashed as it is written ({@link packBundleTo}). Everything is written
 * into a temporary directory or file beside `output` and renamed into place at the end, so a failure or a kill
 * never leaves a half bundle under the target name; sources are only read. The temporary,
 * `.<name>.partial-<pid>-<random>`, is removed on any failure and on abort; one left by a pack that was killed (its
 * process no longer exists) is removed by the next pack to the same target, while one whose process still runs is
 * left alone.
 * @returns the manifest written and the bundle path.
 * @throws TypeError when a signer's role is not one of `SIGNATURE_ROLES`, or a stream source has no `size` for a
 *   single-file form
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS`, `ERR_SOURCE_NOT_FOUND`, `ERR_SOURCE_NOT_REGULAR_FILE`,
 *   `ERR_SOURCE_CHANGED`, `ERR_PATH_UNSAFE`, `ERR_PATH_COLLISION`, `ERR_MANIFEST_INVALID`, `ERR_LIMIT_EXCEEDED`
 *   (also a CBOR bundle over `CBOR_BUNDLE_MAX_BYTES`, judged on the sizes before a byte is read), `ERR_ZIP_*`,
 *   `ERR_IO`, and what {@link signDetached} throws for a signature that would not verify (`ERR_X509_*`,
 *   `ERR_SIGNER_OUTPUT`); the `reason` of `signal` when it aborts
 * @example
 * await packBundle('out/case-42.zip', { metadata, items: [{ id: 'chat', path: 'chat/export.json', source: 'export.json' }] });
 */
export async function packBundle(output: string, options: PackOptions): Promise<{ path: string; manifest: Manifest }> {
  const target = resolve(output);
  const form = options.form ?? formFromName(output);
  const signal = options.signal;
  signal?.throwIfAborted();
  checkPackInput(options.items.map((i) => i.path), options.signers ?? []);
  if (await pathExists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
  // Every source is checked before anything is written, many at a time: one lstat after another cost seconds
  // for 100,000 files.
  const stats = await mapWithConcurrency(options.items, STAT_CONCURRENCY, async (item) =>
    typeof item.source === 'string' ? statSource(item.source) : undefined,
  );
  // The copy workers hash with node:crypto: with an algorithm it lacks (BLAKE3) or a caller's own backend, the
  // bytes stream through this thread instead.
  const copyable = options.backend === undefined && nodeCryptoHashes(options.algorithms ?? []);
  const items = options.items.map((item, i) => sourceItem(item, stats[i], copyable));
  const total = items.reduce((sum, i) => sum + (i.size ?? 0), 0);
  const sink = await newBundleSink(target, form, total, output);
  const { form: _form, ...rest } = options;
  try {
    const { manifest } = await packBundleTo(sink, {
      ...rest,
      items,
      bundleId: options.bundleId ?? randomUUID(),
      // The payload manifests of 100,000 files are megabytes: @noble/hashes, the core's default, took a third of a second.
      backend: options.backend ?? nodeBackend,
    });
    return { path: target, manifest };
  } catch (error) {
    // packBundleTo aborted the sink (the partial is gone) and rethrew the signal's reason on an abort.
    if (signal?.aborted) throw signal.reason;
    throw error instanceof EvidenceBundleError || error instanceof TypeError || error instanceof RangeError ? error : ioError(error, output);
  }
}

function sourceItem(item: PackItem, stat: Stats | undefined, copyable: boolean): PackSourceItem {
  const { source, mediaType, size, ...rest } = item;
  const base = { ...rest, mediaType: mediaType ?? guessMediaType(item.path) };
  if (typeof source === 'string') {
    const data = () => sourceBytes(source, stat!);
    // The sink decides which files it copies by itself (by their size); the others stream through `data`.
    if (!copyable) return { ...base, size: stat!.size, data };
    const copySource: StatedFile = { path: source, ino: stat!.ino, dev: stat!.dev, size: stat!.size, mtimeMs: stat!.mtimeMs };
    return { ...base, size: stat!.size, data, copySource };
  }
  return size === undefined ? { ...base, data: source } : { ...base, size, data: source };
}


/** Sources checked at the same time before packing. */
const STAT_CONCURRENCY = 64;

