import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { BagData, BagSink } from '../bundle/bag-sink.js';
import type { DigestAlgorithm, DigestSet } from '../digest/algorithms.js';
import { memorySink } from '../bundle/bag-sink.js';
import { CBOR_BUNDLE_MAX_BYTES } from '../bundle/bundle-form.js';
import { EvidenceBundleError } from '../errors.js';
import { joinChunks } from '../internal/bytes.js';
import { createReadAhead, type ReadAhead } from '../internal/read-ahead.js';
import { PAYLOAD_DIR } from '../model/layout.js';
import { assertBundlePath } from '../path/bundle-path.js';
import { createZipWriter, type ZipWriter } from '../zip/zip-writer.js';
import { createCopyPool, type CopyPool, type ReadFile, type StatedFile } from './copy-pool.js';
import { nodeCryptoHashes } from './digest-backend.js';
import { fsyncDirectory, fsyncTree, syncFileSystem, writeAll } from './fs-sync.js';
import { ioError } from './io-error.js';
import { pathExists } from './path-exists.js';
import type { BundleForm } from './open-bundle.js';
import { partialPathFor, removeStalePartials } from './partial-path.js';
import { copyStatedFile } from './source-bytes.js';

/** Files written at the same time into a directory from streams (each holds a chunk in memory). */
const DIRECTORY_CONCURRENCY = 16;
/** Copies and flushes asked of the copy workers at the same time: messages, not bytes, wait here. */
const COPIES_IN_FLIGHT = 512;
/** Workers flushing files at commit: an fdatasync waits on the disk, not the CPU, and several share a journal commit. */
const SYNC_WORKERS = 8;
/**
 * Files up to this size are copied by the copy workers: into a directory many at a time, read, hashed and
 * written there (a 2 GiB file that way took 14-23 s in `npm run bench` against 2.2-2.9 s for `cp` plus `sync`, at
 * load 13-17); for a ZIP read whole there, ahead of their turn, and written here.
 */
const WORKER_COPY_AT_MOST_BYTES = 1024 * 1024;
/** Small files a ZIP sink has read ahead at most, and their bytes held at most. */
const ZIP_READ_AHEAD = { reads: 256, bytes: 32 * 1024 * 1024, sizeOf: (file: StatedFile) => file.size };
/**
 * Files of at least this size are copied, into a directory or a ZIP, from shared chunks (`copyStatedFile`): read
 * once, written (and their CRC-32 computed, for a ZIP) here while a worker hashes the same chunk, one file at a
 * time. Streamed through this thread, a chunk is hashed here between its read and its write, and for a ZIP
 * CRC-32'd after the hash: one 2 GiB file took 4.8-5.1 s that way, 2.9-3.2 s shared (three runs each). Below
 * it, streaming wins: 40 files of 20 MiB (three or four runs each, in turn) into a directory, 16 streams at a time, 1.8 s against
 * 2.2 s for one shared copy at a time (each with a worker started anew); into a ZIP 2.1 s against 2.4-2.6 s.
 */
const SHARED_COPY_AT_LEAST_BYTES = 64 * 1024 * 1024;

/** How the directory sink makes its files durable at commit; see {@link directorySink}. Internal. */
export type FlushMode = 'syncfs' | 'files';

/** `syncfs` on Linux, where `sync -f` exists; `EVB_PACK_FLUSH=files` asks for the portable path alone. */
export const defaultFlushMode = (): FlushMode => (process.platform === 'linux' && process.env['EVB_PACK_FLUSH'] !== 'files' ? 'syncfs' : 'files');

/**
 * A sink writing a bag directory into `partial` (an empty directory the caller made beside `target`): every file
 * created fresh (payload files 0444: evidence is never edited in place; tag files 0644, as sign and custody append
 * rewrite them). Payload files named by a {@link StatedFile} `copySource` are copied by the sink itself (`copy`):
 * up to 1 MiB by the copy workers, many at a time, from 64 MiB one at a time from shared chunks a worker hashes
 * (`copyStatedFile`); the others, and those between, stream through `add`. No file is flushed as it is written
 * (one fdatasync after another made 100,000 small files wait on the disk 100,000 times): `commit` makes every file written durable, then the
 * directories, and only then renames `partial` to `target` (refused, `ERR_TARGET_EXISTS`, when something appeared
 * there meanwhile), so the rename publishes only durable content; `abort` removes `partial`. Every file gets its
 * own fdatasync at commit, many at a time, whatever `flush`; with `'syncfs'` (Linux, the default there) one
 * syncfs(2) of the file system first writes back all of them at once ({@link syncFileSystem}), so that those
 * fdatasync calls find nothing left to wait for; when it cannot run, the fdatasync calls do the work alone.
 * Internal.
 */
export function directorySink(partial: string, target: string, name = target, flushMode: FlushMode = defaultFlushMode()): BagSink {
  const made = new Map<string, Promise<void>>();
  const written: string[] = [];
  let copier: CopyPool | undefined;
  let flusher: CopyPool | undefined;
  // The large files' copies, in turn (see `copy`), and the first failure among them.
  let sharedTurn: Promise<unknown> = Promise.resolve();
  let sharedFailure: { error: unknown } | undefined;
  // Flushes under way at commit; the first failure is kept, never left unhandled.
  const flushing: Array<Promise<void>> = [];
  let flushFailure: { error: unknown } | undefined;
  const flush = (dest: string): void => {
    flusher ??= createCopyPool(SYNC_WORKERS);
    flushing.push(flusher.sync(dest).catch((error: unknown) => void (flushFailure ??= { error })));
  };
  // One mkdir per directory, shared by every file that lands in it at the same time.
  const directory = (dir: string): Promise<void> => {
    let making = made.get(dir);
    if (making === undefined) {
      making = fsp.mkdir(dir, { recursive: true }).then(
        () => undefined,
        (cause: unknown) => {
          throw ioError(cause, name);
        },
      );
      made.set(dir, making);
    }
    return making;
  };
  return {
    ordered: false,
    concurrency: DIRECTORY_CONCURRENCY,
    copyConcurrency: COPIES_IN_FLIGHT,
    async add(path, data) {
      // The pipeline checked every path already; a sink must not trust that nothing writes outside it.
      assertBundlePath(path);
      const dest = join(partial, path);
      await directory(dirname(dest));
      await writeNewFile(dest, data, path.startsWith(`${PAYLOAD_DIR}/`) ? 0o444 : 0o644, name);
      written.push(dest);
    },
    async copy(path, source, _size, algorithms, options = {}) {
      assertBundlePath(path);
      if (!path.startsWith(`${PAYLOAD_DIR}/`)) throw new TypeError(`only payload files are copied, not ${JSON.stringify(path)}`);
      const file = statedFile(path, source);
      const shared = file.size >= SHARED_COPY_AT_LEAST_BYTES;
      if (shared ? !nodeCryptoHashes(algorithms) : file.size > WORKER_COPY_AT_MOST_BYTES) return undefined;
      const dest = join(partial, path);
      await directory(dirname(dest));
      let copied;
      if (shared) {
        // One at a time, whatever the pipeline's copy concurrency: each has a thread and a 16 MiB ring. A copy
        // waiting its turn does not start once the pack is stopped or another large copy has failed.
        const turn = sharedTurn.then(() => {
          options.signal?.throwIfAborted();
          if (sharedFailure !== undefined) throw sharedFailure.error;
          return copyIntoFile(file, dest, 0o444, algorithms, name, options);
        });
        sharedTurn = turn.catch((error: unknown) => void (sharedFailure ??= { error }));
        copied = await turn;
      } else {
        copier ??= createCopyPool();
        copied = await copier.copy(file, dest, 0o444, algorithms);
      }
      written.push(dest);
      return copied;
    },
    async commit() {
      await copier?.close();
      copier = undefined;
      // Everything is written: one syncfs writes it all back with a single journal commit, where 100,000
      // fdatasync calls each waited on one (ext4). The per-file flushes below then find the work done.
      if (flushMode === 'syncfs') await syncFileSystem(partial);
      for (const dest of written) flush(dest);
      try {
        await Promise.all(flushing);
        if (flushFailure !== undefined) throw flushFailure.error;
      } finally {
        await flusher?.close();
        flusher = undefined;
      }
      await fsyncTree(partial);
      // rename(2) would replace an empty directory that appeared meanwhile.
      if (await pathExists(target)) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${name} already exists`);
      await fsp.rename(partial, target).catch((cause: unknown) => {
        throw ioError(cause, name);
      });
      await fsyncDirectory(dirname(target));
    },
    async abort() {
      await copier?.close();
      await sharedTurn;
      await flusher?.close();
      await Promise.all(flushing);
      await fsp.rm(partial, { recursive: true, force: true });
    },
  };
}

/**
 * A sink writing a single-file bundle into the new file `partial` beside `target`: `'zip'` streams each file into
 * the ZIP writer as it arrives, except the stated files `copy` reads itself: up to 1 MiB whole on the copy workers,
 * those the pipeline planned read ahead of their turn (at most 256 files and 32 MiB held), and from 64 MiB from
 * shared chunks (see `copyIntoZip`); `'cbor'` gathers the files in memory (the CBOR form is built whole, by design) and
 * encodes them on commit. `commit` flushes the file and renames it to `target` (refused, `ERR_TARGET_EXISTS`, when
 * something appeared there meanwhile, unless `replace`: then the rename over the old file is the commit point);
 * `abort` removes `partial`. Internal.
 * @throws EvidenceBundleError `ERR_IO` when `partial` cannot be created
 */
export async function fileSink(
  partial: string,
  target: string,
  form: 'zip' | 'cbor',
  name = target,
  { replace = false, mode = 0o644 }: { replace?: boolean; mode?: number } = {},
): Promise<BagSink> {
  const handle = await fsp.open(partial, 'wx', mode).catch((cause: unknown) => {
    throw ioError(cause, name);
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  const file = bufferedWriter(handle);
  // The handle is this sink's to flush and close: the ZIP writer closing its byte sink only drains the writes.
  const zip = form === 'zip' ? createZipWriter({ write: file.write, close: file.drain }, { crc32 }) : undefined;
  const memory = zip === undefined ? memorySink() : undefined;
  // Small files are read on the copy workers, ahead of their turn when the pipeline planned them.
  let copier: CopyPool | undefined;
  let readAhead: { ahead: ReadAhead<StatedFile, ReadFile>; algorithms: string } | undefined;
  const readSmall = (stated: StatedFile, algorithms: readonly DigestAlgorithm[]): Promise<ReadFile> => {
    copier ??= createCopyPool();
    if (readAhead !== undefined && readAhead.algorithms === algorithms.join()) return readAhead.ahead.take(stated);
    return copier.read(stated, algorithms);
  };
  const small = (stated: StatedFile): boolean => stated.size <= WORKER_COPY_AT_MOST_BYTES;
  return {
    ordered: true,
    concurrency: 1,
    async add(path, data, size) {
      if (memory !== undefined) return memory.add(path, data, size);
      if (size === undefined) throw new TypeError(`the size of ${JSON.stringify(path)} is needed before its bytes`);
      return zip!.add(path, data, { size });
    },
    planCopies(copies, algorithms) {
      if (zip === undefined || !nodeCryptoHashes(algorithms)) return;
      const planned = copies.map(({ path, source }) => statedFile(path, source)).filter(small);
      if (planned.length === 0) return;
      const pool = (copier ??= createCopyPool());
      readAhead = { ahead: createReadAhead(planned, (stated) => pool.read(stated, algorithms), ZIP_READ_AHEAD), algorithms: algorithms.join() };
    },
    async copy(path, source, _size, algorithms, options = {}) {
      const stated = statedFile(path, source);
      if (zip === undefined || !nodeCryptoHashes(algorithms)) return undefined;
      if (stated.size >= SHARED_COPY_AT_LEAST_BYTES) return copyIntoZip(zip, path, stated, algorithms, file, options);
      if (!small(stated)) return undefined;
      options.signal?.throwIfAborted();
      // The bytes are the worker's fresh buffer, never reused: the writer may hold them until its next write.
      const { bytes, crc32: crc, size, digests } = await readSmall(stated, algorithms);
      await zip.addFilled(path, stated.size, async (write) => {
        await write(bytes);
        return crc;
      });
      return { size, digests };
    },
    async commit() {
      await copier?.close();
      copier = undefined;
      if (zip !== undefined) await zip.finish();
      if (memory !== undefined) {
        // The CBOR encoder (cbor-x) is imported for a CBOR bundle only.
        const { encodeCborBundle } = await import('../bundle/cbor-bundle.js');
        await writeAll(handle, encodeCborBundle(memory.files));
      }
      await handle.sync();
      await close();
      if (!replace && (await pathExists(target))) throw new EvidenceBundleError('ERR_TARGET_EXISTS', `${name} already exists`);
      await fsp.rename(partial, target);
      await fsyncDirectory(dirname(target));
    },
    async abort() {
      await copier?.close();
      await file.drain().catch(() => undefined);
      await close().catch(() => undefined);
      await fsp.rm(partial, { force: true });
    },
  };
}

/**
 * Copies the stated file `stated` into `zip` as the entry `path` with `copyStatedFile`, whose CRC-32 the
 * entry records; a failure leaves the archive unusable, and the pack aborts it.
 */
async function copyIntoZip(
  zip: ZipWriter,
  path: string,
  stated: StatedFile,
  algorithms: readonly DigestAlgorithm[],
  file: ReturnType<typeof bufferedWriter>,
  options: CopyOptions,
): Promise<{ size: number; digests: DigestSet }> {
  let copied: { size: number; digests: DigestSet } | undefined;
  await zip.addFilled(path, stated.size, async (write) => {
    const { crc32: crc, ...rest } = await copyStatedFile(stated, algorithms, async (chunk) => {
      // A slot is reused once its bytes are written, not when they are only gathered for writing.
      await write(chunk);
      await file.drain();
    }, options);
    copied = rest;
    return crc!;
  });
  return copied!;
}

/**
 * Copies the stated file `stated` to the new file `dest` (mode `mode`, refused if anything is there) with
 * `copyStatedFile`, no CRC-32; not flushed (the directory sink flushes every file at commit).
 */
async function copyIntoFile(
  stated: StatedFile,
  dest: string,
  mode: number,
  algorithms: readonly DigestAlgorithm[],
  name: string,
  options: CopyOptions,
): Promise<{ size: number; digests: DigestSet }> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(dest, 'wx', mode);
  } catch (cause) {
    throw ioError(cause, name);
  }
  try {
    return await copyStatedFile(stated, algorithms, (chunk) => writeAll(handle, chunk).catch((cause: unknown) => {
      throw ioError(cause, name);
    }), { ...options, crc32: false });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The options of {@link BagSink.copy}: a signal that stops the copy, and the bytes copied so far as they pass. */
type CopyOptions = NonNullable<Parameters<NonNullable<BagSink['copy']>>[4]>;

/** The copy source of `path` as the Node sinks take it. */
function statedFile(path: string, source: unknown): StatedFile {
  const file = source as StatedFile;
  if (typeof file?.path !== 'string') throw new TypeError(`the copy source of ${JSON.stringify(path)} is not a stated file`);
  return file;
}

/** Bytes gathered before one write: a ZIP of small files is three small pieces per entry. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/**
 * Sequential writes to `handle` that return before the bytes are on their way: small pieces are gathered into one
 * write, and one write is in flight while the caller reads and checks the next chunk (as the directory sink
 * overlaps them). The pieces must not change until they are written: the ZIP writer's records are fresh, and so
 * are the chunks of every source the pipelines read (`sourceBytes`, `fileReader`, memory); `copyIntoZip` gives
 * views of a ring it reuses, and so waits for `drain` after each. A failed write is thrown by the next `write`
 * or by `drain`, which waits for every byte to be written. One caller at a time: two flushes at once would
 * write at the same position.
 */
function bufferedWriter(handle: FileHandle): { write(bytes: Uint8Array): Promise<void>; drain(): Promise<void> } {
  let pieces: Uint8Array[] = [];
  let gathered = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (gathered === 0) return;
    const bytes = pieces.length === 1 ? pieces[0]! : joinChunks(pieces);
    pieces = [];
    gathered = 0;
    await inFlight;
    inFlight = writeAll(handle, bytes);
    // Observed by the next write or drain; never an unhandled rejection meanwhile.
    inFlight.catch(() => undefined);
  };
  return {
    async write(bytes) {
      pieces.push(bytes);
      gathered += bytes.length;
      if (gathered >= WRITE_BUFFER_BYTES) await flush();
    },
    async drain() {
      await flush();
      await inFlight;
    },
  };
}

/** Writes a new file, not flushed: the directory sink flushes every file at commit. */
async function writeNewFile(dest: string, data: BagData, mode: number, name: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(dest, 'wx', mode);
  } catch (cause) {
    throw ioError(cause, name);
  }
  let writing: Promise<void> | undefined;
  try {
    if (data instanceof Uint8Array) await writeAll(handle, data);
    else {
      // Each chunk is written while the next is read and hashed (chunks are fresh buffers, never reused): the
      // copy costs little more than the hash.
      for await (const chunk of data) {
        await writing;
        writing = writeAll(handle, chunk);
        // A write failing while the next read is awaited is observed here, not reported as unhandled.
        writing.catch(() => undefined);
      }
      await writing;
    }
  } catch (cause) {
    // A failure of the file system is this file's; one of the bytes' source (a changed file, an abort) passes.
    throw (cause as NodeJS.ErrnoException).syscall !== undefined ? ioError(cause, name) : cause;
  } finally {
    // A write still in flight when the source failed must settle before its handle closes.
    await writing?.catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
}


/**
 * The sink for a new bundle of `form` at `target` (which must not exist): refuses a CBOR bundle whose files would
 * exceed `CBOR_BUNDLE_MAX_BYTES` before a byte is read (`totalBytes`), creates the parent directories, removes the
 * partials of earlier writers that were killed, and opens the partial beside the target that `commit` renames.
 * Shared by pack and convert. Internal.
 * @throws EvidenceBundleError `ERR_LIMIT_EXCEEDED`, `ERR_IO`
 */
export async function newBundleSink(target: string, form: BundleForm, totalBytes: number, name: string): Promise<BagSink> {
  if (form === 'cbor' && totalBytes > CBOR_BUNDLE_MAX_BYTES) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${totalBytes} bytes of files, more than a CBOR bundle holds (${CBOR_BUNDLE_MAX_BYTES}); use ZIP`);
  }
  const parent = dirname(target);
  await fsp.mkdir(parent, { recursive: true }).catch((cause: unknown) => {
    throw ioError(cause, parent);
  });
  await removeStalePartials(target);
  const partial = partialPathFor(target);
  if (form !== 'directory') return fileSink(partial, target, form, name);
  await fsp.mkdir(partial).catch((cause: unknown) => {
    throw ioError(cause, parent);
  });
  return directorySink(partial, target, name);
}
