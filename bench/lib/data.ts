// Benchmark inputs: deterministic pseudo-random files, generated once under bench/.data/ (git-ignored).
import { createCipheriv } from 'node:crypto';
import { closeSync, mkdirSync, openSync, promises as fsp, statSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, warmPageCache } from './system.js';

/** bench/.data/, created on demand. */
export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.data');

export const MiB = 1024 * 1024;

/**
 * A keystream of AES-256-CTR over zeros: incompressible, the same for the same seed, and produced at GB/s
 * so generating a 1 GiB file does not dominate the benchmark.
 */
export function pseudoRandomStream(seed: string): (length: number) => Uint8Array {
  const key = Buffer.alloc(32);
  key.write(seed.padEnd(32, '.').slice(0, 32), 'latin1');
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return (length) => {
    const out = cipher.update(Buffer.alloc(length));
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
}

/** Writes `size` pseudo-random bytes to `path` unless a file of that size is already there. */
export function ensureDataFile(path: string, size: number, seed = path): string {
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isFile() && existing.size === size) return path;
  mkdirSync(dirname(path), { recursive: true });
  const next = pseudoRandomStream(seed);
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const chunk = next(Math.min(16 * MiB, size - done));
      for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
      done += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * Creates `count` files of `minBytes`..`maxBytes` bytes in `dir` (sizes drawn from the same seed), unless the
 * directory already holds that set. Returns their paths.
 */
export function ensureSmallFiles(dir: string, count: number, minBytes: number, maxBytes: number): string[] {
  mkdirSync(dir, { recursive: true });
  const next = pseudoRandomStream(`small-${count}-${minBytes}-${maxBytes}`);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const sizeBytes = next(4);
    const size = minBytes + (new DataView(sizeBytes.buffer, sizeBytes.byteOffset, 4).getUint32(0) % (maxBytes - minBytes + 1));
    const content = next(size);
    const path = join(dir, `f${String(i).padStart(6, '0')}.bin`);
    const existing = statSync(path, { throwIfNoEntry: false });
    if (!(existing?.isFile() && existing.size === size)) {
      const fd = openSync(path, 'w');
      try {
        for (let off = 0; off < content.length; ) off += writeSync(fd, content, off);
      } finally {
        closeSync(fd);
      }
    }
    paths.push(path);
  }
  return paths;
}

/**
 * The small-file data set of the benchmarks: `count` files of 1-16 KiB in DATA_DIR (made once), the page cache
 * warmed, and their `sha256sum` checklist written to `work` for the `sha256sum -c` reference.
 */
export async function smallFileSet(count: number, work: string): Promise<{ folder: string; paths: string[]; bytes: number; checklist: string }> {
  const folder = join(DATA_DIR, `small-${count}`);
  const paths = ensureSmallFiles(folder, count, 1024, 16 * 1024);
  let bytes = 0;
  for (const p of paths) bytes += (await fsp.stat(p)).size;
  await warmPageCache(paths);
  const rel = paths.map((p) => relative(folder, p));
  let sums = '';
  for (let i = 0; i < rel.length; i += 1000) sums += (await runCommand('sha256sum', rel.slice(i, i + 1000), { cwd: folder })).stdout;
  const checklist = join(work, 'SHA256SUMS');
  await fsp.writeFile(checklist, sums);
  return { folder, paths, bytes, checklist };
}
