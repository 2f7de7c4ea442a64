// The copy worker's code, as plain JavaScript run with `new Worker(source, { eval: true })` (as the digest
// worker: no file of its own, so it runs the same from the TypeScript sources and from dist/). Only node: modules.

/** Code of the copy worker thread; see {@link createCopyPool} for the message protocol. */
export const COPY_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
const { createHash } = process.getBuiltinModule('node:crypto');
const { crc32 } = process.getBuiltinModule('node:zlib');

const { chunkBytes, notRegularFile, sourceChanged } = workerData;
// As openRegularFile: a final symbolic link is refused, a FIFO never blocks the open.
const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
// A new file only: O_EXCL refuses anything already there, a link included.
const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
let buffer;
const probe = Buffer.alloc(1);

const fail = (code, message) => Object.assign(new Error(message), { code });

// The source opened as a regular file and checked to be the one stated before (a final symbolic link refused,
// a FIFO never waited for).
function openStated(source, before) {
  const fd = fs.openSync(source, READ_FLAGS);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw fail(notRegularFile, source + ' is not a regular file');
    if (stat.ino !== before.ino || stat.dev !== before.dev) throw fail(sourceChanged, source + ' changed while it was being packed');
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

// The source stated again by name once read to its end: a file replaced or changed meanwhile is refused, as
// sourceBytes refuses it.
function checkUnchanged(source, size, before) {
  const after = fs.lstatSync(source);
  if (size !== before.size || after.ino !== before.ino || after.dev !== before.dev || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw fail(sourceChanged, source + ' changed while it was being packed');
  }
}

// One file, read once, each chunk hashed and written before the next is read (so one reused buffer is enough).
// Without a dest (a 'hash' job: packing in place), the same checks and the hash, nothing written.
function copyOne({ source, dest, mode, algorithms, before }) {
  const fd = openStated(source, before);
  let out;
  try {
    const hashes = algorithms.map((a) => createHash(a));
    buffer ??= Buffer.allocUnsafe(chunkBytes);
    // A small file gets one read of its size and one that sees its end; a read never asks for more than it needs.
    if (dest !== undefined) out = fs.openSync(dest, WRITE_FLAGS, mode);
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      if (size + n > before.size) throw fail(sourceChanged, source + ' changed while it was being packed');
      const chunk = buffer.subarray(0, n);
      for (const h of hashes) h.update(chunk);
      if (out !== undefined) for (let off = 0; off < n; ) off += fs.writeSync(out, chunk, off, n - off);
      size += n;
    }
    if (out !== undefined) fs.closeSync(out);
    out = undefined;
    checkUnchanged(source, size, before);
    return { size, digests: hashes.map((h) => h.digest('hex')) };
  } finally {
    if (out !== undefined) fs.closeSync(out);
    fs.closeSync(fd);
  }
}

// A 'read' job: the same checks as a copy, the whole file read into a fresh buffer of its stated size (handed
// over to the caller, not copied), hashed, and its CRC-32 computed (a ZIP entry's). One more byte asked must
// find the end: a file that grew is refused without reading on.
function readOne({ source, algorithms, before }) {
  const fd = openStated(source, before);
  try {
    const bytes = new Uint8Array(before.size);
    let size = 0;
    while (size < bytes.length) {
      const n = fs.readSync(fd, bytes, size, bytes.length - size, null);
      if (n === 0) break;
      size += n;
    }
    if (size !== before.size || fs.readSync(fd, probe, 0, 1, null) !== 0) throw fail(sourceChanged, source + ' changed while it was being packed');
    checkUnchanged(source, size, before);
    const digests = algorithms.map((a) => createHash(a).update(bytes).digest('hex'));
    return { size, digests, bytes, crc: crc32(bytes, 0) };
  } finally {
    fs.closeSync(fd);
  }
}

// Flushes one written file's data (and the size that reads it back) to the disk.
function syncOne({ dest }) {
  const fd = fs.openSync(dest, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return {};
}

parentPort.on('message', ({ jobs }) => {
  const results = jobs.map((job) => {
    try {
      return job.kind === 'sync' ? syncOne(job) : job.kind === 'read' ? readOne(job) : copyOne(job);
    } catch (error) {
      return { error: { code: error && error.code, message: String(error && error.message), syscall: error && error.syscall } };
    }
  });
  // The bytes a 'read' job gives are moved to the caller, not copied.
  parentPort.postMessage({ results }, results.flatMap((r) => (r.bytes ? [r.bytes.buffer] : [])));
});
`;
