import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { CBOR_BUNDLE_MAX_BYTES, encodeCborBundle } from '../bundle/cbor-bundle.js';
import { bundleFiles, type BundleFile } from '../bundle/bundle-files.js';
import { EvidenceBundleError } from '../errors.js';
import { joinChunks } from '../internal/bytes.js';
import { PAYLOAD_DIR } from '../model/layout.js';
import { assertBundlePath } from '../path/bundle-path.js';
import { createZipWriter } from '../zip/zip-writer.js';
import { nodeBackend } from './digest-backend.js';
import { fsyncDirectory, fsyncTree, writeAll } from './fs-sync.js';
import { ioError } from './io-error.js';
import { openBundle, type BundleForm } from './open-bundle.js';

/**
 * Writes a bag's files as a new bundle of the given form at `output` (its parent directories created as needed),
 * atomically: everything goes into `.<name>.partial-<pid>-<random>` beside the target, is flushed, and is renamed
 * into place at the end, so a failure or a kill never leaves a half bundle under the target name (the partial is
 * removed on failure).
 * `'zip'` streams each file into the ZIP profile's writer, never holding a whole file; `'cbor'` is built in memory
 * by design, within `CBOR_BUNDLE_MAX_BYTES`, judged on the sizes before a byte is read; `'directory'` creates
 * every directory and file fresh inside the partial (payload files read-only), each path checked by the path
 * rules first, so nothing is written outside it and no link is followed. Files must be in the ZIP order
 * ({@link bundleFiles} gives them so).
 * @throws EvidenceBundleError `ERR_TARGET_EXISTS` when `output` exists; `ERR_PATH_UNSAFE`; `ERR_LIMIT_EXCEEDED`
 *   (a CBOR bundle or a ZIP over its limits); `ERR_ZIP_ORDER`, `ERR_PATH_COLLISION`; `ERR_SOURCE_CHANGED` from a
 *   file whose bytes are not those announced; `ERR_IO`
 * @example await writeBundle(await bundleFiles(source), 'case-42.zip', 'zip');
 */
export async function writeBundle(files: readonly BundleFile[], output: string, form: BundleForm): Promise<void> {
  const target = resolve(output);
  if (await exists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
  if (form === 'cbor') {
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > CBOR_BUNDLE_MAX_BYTES) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${total} bytes of files, more than a CBOR bundle holds (${CBOR_BUNDLE_MAX_BYTES}); use ZIP`);
    }
  }
  const parent = dirname(target);
  await fsp.mkdir(parent, { recursive: true }).catch((cause: unknown) => {
    throw ioError(cause, parent);
  });
  const partial = join(parent, `.${basename(target)}.partial-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    if (form === 'directory') await writeDirectory(files, partial);
    else await writeFile(partial, form === 'zip' ? (handle) => writeZip(files, handle) : async (handle) => writeAll(handle, await cborBytes(files)));
    // Checked again just before: rename(2) would replace a file that appeared meanwhile.
    if (await exists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} already exists`);
    await fsp.rename(partial, target);
    await fsyncDirectory(parent);
  } catch (error) {
    await fsp.rm(partial, { recursive: true, force: true }).catch(() => undefined);
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
  const parent = dirname(target);
  await removeStalePartials(parent, basename(target));
  const partial = join(parent, `${partialPrefix(basename(target))}${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(partial, form === 'zip' ? (handle) => writeZip(files, handle) : async (handle) => writeAll(handle, await cborBytes(files)), mode);
    await fsp.rename(partial, target);
    await fsyncDirectory(parent);
  } catch (error) {
    await fsp.rm(partial, { force: true }).catch(() => undefined);
    throw error instanceof EvidenceBundleError ? error : ioError(error, path);
  }
}

const partialPrefix = (name: string): string => `.${name}.partial-`;

/**
 * Removes the partial files of earlier writers to the same target whose process is gone (killed, or the machine
 * crashed), as pack does for its partial directories: one whose process still runs may be a concurrent writer and
 * is left alone, as is one without a pid.
 */
async function removeStalePartials(parent: string, name: string): Promise<void> {
  const prefix = partialPrefix(name);
  let entries: string[];
  try {
    entries = await fsp.readdir(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(entry.slice(prefix.length))?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    // Only files: a directory of that name is none of ours.
    const stat = await fsp.lstat(join(parent, entry)).catch(() => undefined);
    if (stat?.isFile()) await fsp.rm(join(parent, entry), { force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
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
  const opened = await openBundle(input);
  try {
    // A bundle is only read: an output inside the input directory would add a file to the evidence.
    if (opened.form === 'directory' && isWithin(await realTarget(output), await fsp.realpath(input))) {
      throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${output} lies inside the bundle ${input}: write it elsewhere`);
    }
    await writeBundle(await bundleFiles(opened.source, { backend: nodeBackend }), output, form);
    return form;
  } finally {
    await opened.close();
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

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(cause, path);
  }
}

/** A new file, written by `fill`, flushed and closed (also when `fill` fails). */
async function writeFile(path: string, fill: (handle: FileHandle) => Promise<void>, mode = 0o644): Promise<void> {
  const handle = await fsp.open(path, 'wx', mode);
  try {
    await fill(handle);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeZip(files: readonly BundleFile[], handle: FileHandle): Promise<void> {
  // The handle is the caller's to flush and close: finish() closing the sink is a no-op here.
  const zip = createZipWriter({ write: (bytes) => writeAll(handle, bytes), close: () => Promise.resolve() });
  for (const file of files) await zip.add(file.path, file.read(), { size: file.size });
  await zip.finish();
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

async function cborBytes(files: readonly BundleFile[]): Promise<Uint8Array> {
  const contents = new Map<string, Uint8Array>();
  for (const file of files) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of exactBytes(file)) chunks.push(chunk);
    contents.set(file.path, joinChunks(chunks));
  }
  return encodeCborBundle(contents);
}

async function writeDirectory(files: readonly BundleFile[], root: string): Promise<void> {
  // Every path is judged before anything is created: a hostile one leaves nothing behind to clean.
  for (const file of files) assertBundlePath(file.path);
  await fsp.mkdir(root);
  for (const file of files) {
    const dest = join(root, file.path);
    await fsp.mkdir(dirname(dest), { recursive: true });
    // Evidence bytes are read-only, as pack writes them; tag files are rewritten by sign and custody append.
    const mode = file.path.startsWith(`${PAYLOAD_DIR}/`) ? 0o444 : 0o644;
    await writeFile(dest, async (handle) => {
      for await (const chunk of exactBytes(file)) await writeAll(handle, chunk);
    }, mode);
  }
  await fsyncTree(root);
}
