// The digest worker's code, as plain JavaScript run with `new Worker(source, { eval: true })`: it then needs no
// file of its own, so it runs the same from the TypeScript sources (tests) and from the bundled dist/ files.
// Only node: modules are used; BLAKE3 comes from @noble/hashes through a URL the pool resolved.

/** Code of the digest worker thread; see {@link createDigestPool} for the message protocol. */
export const DIGEST_WORKER_SOURCE = String.raw`
'use strict';
// getBuiltinModule, not require: an eval worker inherits --input-type=module from a parent started with it,
// and then runs as an ES module where require does not exist.
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
const { createHash } = process.getBuiltinModule('node:crypto');
const { crc32 } = process.getBuiltinModule('node:zlib');

const { nodeNames, blake3Url, smallFileBytes, chunkBytes, notRegularFile, shortRead } = workerData;
// Same flags as digestFile: refuse symbolic links, never wait on a FIFO.
const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
let buffer;
let blake3;

function createHasher(algorithm) {
  const nodeName = nodeNames[algorithm];
  if (nodeName) {
    const hash = createHash(nodeName);
    return { update: (bytes) => hash.update(bytes), hex: () => hash.digest('hex'), bytes: () => hash.digest() };
  }
  if (algorithm === 'blake3' && blake3) {
    const hash = blake3.create();
    return { update: (bytes) => hash.update(bytes), hex: () => Buffer.from(hash.digest()).toString('hex'), bytes: () => hash.digest() };
  }
  throw Object.assign(new Error('no implementation of ' + algorithm + ' in the digest worker'), { code: 'EVB_NO_ALGORITHM' });
}

function digestOne(path, algorithms) {
  const fd = fs.openSync(path, FLAGS);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error(path + ' is not a regular file'), { code: notRegularFile });
    const hashers = algorithms.map(createHasher);
    let size = 0;
    if (stat.size <= smallFileBytes) {
      // One read for a small file; readFileSync on the descriptor still reads to the end if it grew.
      const bytes = fs.readFileSync(fd);
      for (const h of hashers) h.update(bytes);
      size = bytes.length;
    } else {
      buffer ??= new Uint8Array(chunkBytes);
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        const chunk = buffer.subarray(0, n);
        for (const h of hashers) h.update(chunk);
        size += n;
      }
    }
    const digests = {};
    algorithms.forEach((algorithm, i) => { digests[algorithm] = hashers[i].hex(); });
    return { digests, size };
  } finally {
    fs.closeSync(fd);
  }
}

// A range of a descriptor the main thread holds open (a ZIP entry's bytes): read with positioned reads, which
// never move a shared file position; hashed and, when asked, CRC-32'd in the same pass over each chunk.
function digestRange(range, algorithms) {
  const hashers = algorithms.map(createHasher);
  buffer ??= new Uint8Array(chunkBytes);
  let crc = 0;
  let done = 0;
  while (done < range.length) {
    const n = fs.readSync(range.fd, buffer, 0, Math.min(buffer.length, range.length - done), range.offset + done);
    if (n === 0) throw Object.assign(new Error('the archive ends ' + (range.length - done) + ' bytes before the entry does'), { code: shortRead });
    const chunk = buffer.subarray(0, n);
    for (const h of hashers) h.update(chunk);
    if (range.crc32) crc = crc32(chunk, crc);
    done += n;
  }
  const digests = {};
  algorithms.forEach((algorithm, i) => { digests[algorithm] = hashers[i].hex(); });
  return range.crc32 ? { digests, size: done, crc32: crc } : { digests, size: done };
}

// Whole files of a directory in batches (the pool's digestFiles): every worker gets the same list of names and
// claims the next BATCH of them through a shared counter, so the workers share the list however busy each one
// is, and never wait for the main thread between batches. Each claimed batch is answered with one message:
// sizes and the digests as bytes (algorithms in the order asked, each file's digests one after the other) in
// transferred buffers, and the failures by index. The same refusals as digestOne: a link (O_NOFOLLOW), anything
// but a regular file (fstat on the descriptor that is read).
let fileBuffer;
const hashOnce = typeof process.getBuiltinModule('node:crypto').hash === 'function' ? process.getBuiltinModule('node:crypto').hash : undefined;
function digestFiles({ id, root, names, algorithms, lengths, stride, counter, batch }) {
  const list = names.split('\0');
  const claim = new Int32Array(counter);
  fileBuffer ??= new Uint8Array(smallFileBytes);
  for (;;) {
    const start = Atomics.add(claim, 0, batch);
    if (start >= list.length) return;
    const count = Math.min(batch, list.length - start);
    const sizes = new Float64Array(count);
    const digests = new Uint8Array(count * stride);
    const errors = [];
    for (let i = 0; i < count; i++) {
      try {
        sizes[i] = digestWhole(root + list[start + i], algorithms, lengths, digests, i * stride);
      } catch (error) {
        sizes[i] = -1;
        errors.push([i, error && error.code, String(error && error.message)]);
      }
    }
    parentPort.postMessage({ files: { id, start, count, sizes, digests, errors } }, [sizes.buffer, digests.buffer]);
  }
}

function digestWhole(path, algorithms, lengths, out, offset) {
  const fd = fs.openSync(path, FLAGS);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error(path + ' is not a regular file'), { code: notRegularFile });
    // Read to the end whatever fstat said (a file may grow); one-shot hashes when it fits in the buffer. A large
    // file is read in the cache-sized chunks of digestOne.
    const into = stat.size < smallFileBytes ? fileBuffer : (buffer ??= new Uint8Array(chunkBytes));
    let hashers;
    let filled = 0;
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, into, filled, into.length - filled, null);
      if (n === 0) break;
      filled += n;
      size += n;
      if (filled === into.length) {
        hashers ??= algorithms.map(createHasher);
        for (const h of hashers) h.update(into);
        filled = 0;
      }
    }
    const rest = into.subarray(0, filled);
    let at = offset;
    algorithms.forEach((algorithm, i) => {
      let digest;
      if (hashers) {
        hashers[i].update(rest);
        digest = hashers[i].bytes();
      } else if (hashOnce && nodeNames[algorithm]) {
        digest = hashOnce(nodeNames[algorithm], rest, 'buffer');
      } else {
        const h = createHasher(algorithm);
        h.update(rest);
        digest = h.bytes();
      }
      out.set(digest, at);
      at += lengths[i];
    });
    return size;
  } finally {
    fs.closeSync(fd);
  }
}

// Ranges of one descriptor the main thread holds open (the entries of a ZIP archive) in batches, as digestFiles
// does for files: every worker gets the same list (offset and length of range i at 2i and 2i + 1 of a shared
// Float64Array) and claims the next BATCH of it through a shared counter. Ranges that lie close together in the
// file (the small entries of an archive, a local header apart) are read with one positioned read of at most
// spanBytes, and each is then hashed and CRC-32'd from that buffer; a larger range is read in chunks. Each batch
// is answered with one message: sizes, CRC-32s and digests as bytes, and the failures by index (a range the file
// ends before is shortRead; a failing read fails every range it was to serve).
let spanBuffer;
function digestRanges({ id, fd, ranges, algorithms, lengths, stride, counter, batch, spanBytes, maxGap }) {
  const list = new Float64Array(ranges);
  const total = list.length / 2;
  const claim = new Int32Array(counter);
  if (!spanBuffer || spanBuffer.length !== spanBytes) spanBuffer = new Uint8Array(spanBytes);
  for (;;) {
    const start = Atomics.add(claim, 0, batch);
    if (start >= total) return;
    const count = Math.min(batch, total - start);
    const sizes = new Float64Array(count);
    const crcs = new Uint32Array(count);
    const digests = new Uint8Array(count * stride);
    const errors = [];
    const fail = (i, error) => {
      sizes[i] = -1;
      errors.push([i, error && error.code, String(error && error.message)]);
    };
    for (let i = 0; i < count; ) {
      const offset = list[2 * (start + i)];
      const length = list[2 * (start + i) + 1];
      if (length > spanBytes) {
        try {
          crcs[i] = rangeChunked(fd, offset, length, algorithms, lengths, digests, i * stride);
          sizes[i] = length;
        } catch (error) {
          fail(i, error);
        }
        i++;
        continue;
      }
      // The ranges after this one that one read of the buffer can serve with it: in file order, a gap apart at most.
      let last = i;
      let end = offset + length;
      while (last + 1 < count) {
        const o = list[2 * (start + last + 1)];
        const e = o + list[2 * (start + last + 1) + 1];
        if (o < end || o - end > maxGap || e - offset > spanBytes) break;
        last++;
        end = e;
      }
      let got = 0;
      let failure;
      try {
        while (got < end - offset) {
          const n = fs.readSync(fd, spanBuffer, got, end - offset - got, offset + got);
          if (n === 0) break;
          got += n;
        }
      } catch (error) {
        failure = error;
      }
      for (let k = i; k <= last; k++) {
        if (failure) {
          fail(k, failure);
          continue;
        }
        const from = list[2 * (start + k)] - offset;
        const size = list[2 * (start + k) + 1];
        if (from + size > got) {
          fail(k, Object.assign(new Error('the archive ends ' + (from + size - Math.max(got, from)) + ' bytes before the entry does'), { code: shortRead }));
          continue;
        }
        const bytes = spanBuffer.subarray(from, from + size);
        crcs[k] = crc32(bytes, 0);
        let at = k * stride;
        for (let a = 0; a < algorithms.length; a++) {
          const algorithm = algorithms[a];
          let digest;
          if (hashOnce && nodeNames[algorithm]) {
            digest = hashOnce(nodeNames[algorithm], bytes, 'buffer');
          } else {
            const h = createHasher(algorithm);
            h.update(bytes);
            digest = h.bytes();
          }
          digests.set(digest, at);
          at += lengths[a];
        }
        sizes[k] = size;
      }
      i = last + 1;
    }
    parentPort.postMessage({ ranges: { id, start, count, sizes, crcs, digests, errors } }, [sizes.buffer, crcs.buffer, digests.buffer]);
  }
}

// A range larger than the span buffer: positioned reads in chunks, hashed and CRC-32'd in one pass.
function rangeChunked(fd, offset, length, algorithms, lengths, out, at) {
  const hashers = algorithms.map(createHasher);
  buffer ??= new Uint8Array(chunkBytes);
  let crc = 0;
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, length - done), offset + done);
    if (n === 0) throw Object.assign(new Error('the archive ends ' + (length - done) + ' bytes before the entry does'), { code: shortRead });
    const chunk = buffer.subarray(0, n);
    for (const h of hashers) h.update(chunk);
    crc = crc32(chunk, crc);
    done += n;
  }
  hashers.forEach((hasher, i) => {
    out.set(hasher.bytes(), at);
    at += lengths[i];
  });
  return crc;
}

// Batches are handled one after the other, so answers leave in the order the batches came, even when one of
// them waits for the BLAKE3 module to load.
let previous = Promise.resolve();
parentPort.on('message', (message) => {
  previous = previous.then(() => handle(message));
});

async function handle({ jobs, files, ranges }) {
  if (ranges) {
    if (!blake3 && blake3Url && ranges.algorithms.includes('blake3')) blake3 = await import(blake3Url).then((m) => m.blake3, () => undefined);
    try {
      digestRanges(ranges);
    } catch (error) {
      parentPort.postMessage({ ranges: { id: ranges.id, failed: String(error && error.message) } });
    }
    return;
  }
  if (files) {
    if (!blake3 && blake3Url && files.algorithms.includes('blake3')) blake3 = await import(blake3Url).then((m) => m.blake3, () => undefined);
    try {
      digestFiles(files);
    } catch (error) {
      // Not a file's failure (a bad message): said once, and the pool fails the call.
      parentPort.postMessage({ files: { id: files.id, failed: String(error && error.message) } });
    }
    return;
  }
  if (!blake3 && blake3Url && jobs.some((job) => job.algorithms.includes('blake3'))) {
    // A failed load leaves blake3 unset: those jobs then fail one by one with EVB_NO_ALGORITHM.
    blake3 = await import(blake3Url).then((m) => m.blake3, () => undefined);
  }
  const results = jobs.map((job) => {
    try {
      return job.range ? digestRange(job.range, job.algorithms) : digestOne(job.path, job.algorithms);
    } catch (error) {
      return { error: { code: error && error.code, message: String(error && error.message) } };
    }
  });
  parentPort.postMessage({ results });
}
`;
