import { promises as fsp } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { CBOR_BUNDLE_MAX_BYTES } from '../bundle/bundle-form.js';
import { bundleFiles, type BundleFile } from '../bundle/bundle-files.js';
import type { BagSink } from '../bundle/bag-sink.js';
import { EvidenceBundleError } from '../errors.js';
import { joinChunks } from '../internal/bytes.js';
import { createReadAhead } from '../internal/read-ahead.js';
import { mapWithConcurrency } from '../internal/map-with-concurrency.js';
import { assertBundlePath } from '../path/bundle-path.js';
import { nodeBackend } from './digest-backend.js';
import { createDigestPool } from './digest-pool.js';
import { fileSink, newBundleSink } from './bundle-sinks.js';
import { ioError } from './io-error.js';
import { pathExists } from './path-exists.js';
import { partialPathFor, removeStalePartials } from './partial-path.js';
import { openBundle, type BundleForm } from './open-bundle.js';

/**
 * Writes a bag's files as a new bundle of the given form at `output` (its parent directories created as needed),
 * atomically: everything goes into `.<name>.partial-<pid>-<random>` beside the target, is flushed, and is renamed
 * into place at the end, so a failure or a kill never leaves a half bundle under the target name (the partial is
 * removed on failure).
 * `'zip'` streams each file into the ZIP profile's writer, holding whole only files of at most 1 MiB, up to 31 of
 * them read ahead of the one written (after a failure, those reads end before the call rejects); `'cbor'` is built in memory
 * by design, within `CBOR_BUNDLE_MAX_BYTES`, judged on the sizes before a byte is read; `'directory'` creates
 * every directory and file fresh inside the partial (payload files read-only; 16 files written at a time), each path checked by the path
 * rules first, so nothing is written outside it and no link is followed. Files must be in the ZIP order
 * ({@link bundleFiles} gives them so). The same sinks as `packBundle` write them.
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS` when `output` exists; `ERR_PATH_UNSAFE`; `ERR_LIMIT_EXCEEDED`
 *   (a CBOR bundle or a ZIP over its limits); `ERR_ZIP_ORDER`, `ERR_PATH_COLLISION`; `ERR_SOURCE_CHANGED` from a
 *   file whose bytes are not those announced; `ERR_IO`
 * @example await writeBundle(await bundleFiles(source), 'case-42.zip', 'zip');
 */
export async function writeBundle(files: readonly BundleFile[], output: string, form: BundleForm): Promise<void> {
  const target = resolve(output);
  if (await pathExists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
  // Every path is judged before anything is created: a hostile one leaves nothing behind to clean.
  for (const file of files) assertBundlePath(file.path);
  const sink = await newBundleSink(target, form, files.reduce((sum, f) => sum + f.size, 0), output);
  try {
    await addFiles(sink, files);
    await sink.commit();
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error instanceof EvidenceBundleError ? error : ioError(error, output);
  }
}

/**
 * Replaces the single-file bundle at `path` (a ZIP or CBOR file; a link to one is followed and the file it names is
 * replaced) with a new one of the given form holding `files`, atomically: the new file is written beside the old
 * one as `.<name>.partial-<pid>-<random>`, flushed, and renamed over it (the commit point), then the directory is
 * flushed. A kill at any moment leaves the old file or the new one under the name; a partial left by a killed
 * writer is removed by the next one once its process is gone. The new file keeps the old one's permission bits.
 * Files must be in the ZIP order ({@link bundleFiles} gives them so).
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED` (a CBOR bundle or a ZIP over its limits); `ERR_ZIP_ORDER`,
 *   `ERR_PATH_COLLISION`; `ERR_SOURCE_CHANGED` from a file whose bytes are not those announced; `ERR_IO`
 */
export async function replaceBundleFile(files: readonly BundleFile[], path: string, form: 'zip' | 'cbor'): Promise<void> {
  if (form === 'cbor') {
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > CBOR_BUNDLE_MAX_BYTES) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${total} bytes of files, more than a CBOR bundle holds (${CBOR_BUNDLE_MAX_BYTES}); use ZIP`);
    }
  }
  let target: string;
  let mode: number;
  try {
    target = await fsp.realpath(path);
    mode = (await fsp.stat(target)).mode & 0o777;
  } catch (cause) {
    throw ioError(cause, path);
  }
  await removeStalePartials(target);
  const partial = partialPathFor(target);
  // The same sink as a new single-file bundle, renaming over the old file: that rename is the commit point.
  const sink = await fileSink(partial, target, form, path, { replace: true, mode });
  try {
    await addFiles(sink, files);
    await sink.commit();
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error instanceof EvidenceBundleError ? error : ioError(error, path);
  }
}

/** Options of {@link convertBundle}. */
export interface ConvertBundleOptions {
  /** The output's form; by default from its name: `.zip`, `.cbor`, anything else a directory. */
  form?: BundleForm;
}

/**
 * Converts a bundle from any form (recognised by content, {@link openBundle}) to another, every file
 * byte-identical: the signed manifest, the signature file and the custody log stay valid. The input's bag is
 * validated first and a bag with an error is refused; the output is written atomically ({@link writeBundle}).
 * @returns the form written
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS` also for an output inside the input directory (it would add a
 *   file to the bundle read); what {@link openBundle}, {@link bundleFiles} (`ERR_BAG_INVALID`) and
 *   {@link writeBundle} throw
 * @example await convertBundle('case-42', 'case-42.zip');
 */
export async function convertBundle(input: string, output: string, options: ConvertBundleOptions = {}): Promise<BundleForm> {
  const form = options.form ?? formFromName(output);
  // The bag is checked with its files hashed on worker threads, as verifyBundleAt hashes them: on this thread,
  // one file after another, 100,000 small files took 18 s.
  const pool = createDigestPool();
  try {
    const opened = await openBundle(input, { pool });
    try {
      await assertOutsideInput(opened.form, input, output);
      await writeBundle(await bundleFiles(opened.source, { backend: nodeBackend }), output, form);
      return form;
    } finally {
      await opened.close();
    }
  } finally {
    await pool.close();
  }
}

/**
 * Refuses an output inside the input bundle directory: a bundle is only read, and an output inside it would add
 * a file to the evidence. Internal to the node writers.
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS`
 */
export async function assertOutsideInput(form: BundleForm, input: string, output: string): Promise<void> {
  if (form === 'directory' && isWithin(await realTarget(output), await fsp.realpath(input))) {
    throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} lies inside the bundle ${input}: write it elsewhere`);
  }
}

/**
 * The form an output's name asks for: `.zip` and `.cbor` (any case) the single-file forms, anything else a
 * directory. Inputs are never judged by name.
 */
export function formFromName(path: string): BundleForm {
  const ext = extname(path).toLowerCase();
  return ext === '.zip' ? 'zip' : ext === '.cbor' ? 'cbor' : 'directory';
}

/** The path `output` will have, its nearest existing ancestor's links resolved. */
async function realTarget(output: string): Promise<string> {
  const tail: string[] = [];
  for (let at = resolve(output); ; at = dirname(at)) {
    try {
      return join(await fsp.realpath(at), ...tail.reverse());
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw ioError(cause, output);
      tail.push(basename(at));
    }
  }
}

const isWithin = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);


/** Small files (at most 1 MiB) read whole ahead of the one being written into an ordered sink: at most 31 of them. */
const GATHER_AT_MOST_BYTES = 1024 * 1024;
const GATHER_AHEAD = { reads: 31, bytes: 32 * 1024 * 1024 } as const;

/**
 * Adds `files` to `sink`: to a directory, as many at a time as it takes; to a sink taking one file after another
 * (a ZIP, a CBOR bundle), in their order, the small ones read whole (with the checks of {@link exactBytes}) while
 * the ones before them are written, larger ones streamed at their turn. One small file read after another, each
 * read of a directory's file an open, a read and a close on libuv's pool, took 48 s for 100,000 files into a ZIP.
 * After a failure the reads started ahead end before the call rejects: none reads the source past that.
 */
async function addFiles(sink: BagSink, files: readonly BundleFile[]): Promise<void> {
  if (!sink.ordered) {
    await mapWithConcurrency(files, sink.concurrency, (file) => sink.add(file.path, exactBytes(file), file.size));
    return;
  }
  const small = (file: BundleFile): boolean => file.size <= GATHER_AT_MOST_BYTES;
  const ahead = createReadAhead(files.filter(small), async (file) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of exactBytes(file)) chunks.push(chunk);
    return joinChunks(chunks);
  }, { ...GATHER_AHEAD, sizeOf: (file) => file.size });
  try {
    for (const file of files) await sink.add(file.path, small(file) ? await ahead.take(file) : exactBytes(file), file.size);
  } finally {
    await ahead.settled();
  }
}

/** The file's bytes, refused once they are more or fewer than its announced size (the ZIP writer checks its own). */
async function* exactBytes(file: BundleFile): AsyncGenerator<Uint8Array> {
  let count = 0;
  for await (const chunk of file.read()) {
    count += chunk.length;
    if (count > file.size) break;
    yield chunk;
  }
  if (count !== file.size) throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `${JSON.stringify(file.path)} gave ${count > file.size ? 'more' : count} bytes, not the ${file.size} announced`);
}
