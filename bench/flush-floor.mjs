// The durable-write floor of packing many small files: a plain copy (no hashing, no manifest) by worker threads
// with synchronous system calls, then one way of making the files durable, then the two directories flushed.
// Measures the alternatives the directory sink could use, as whole processes (run them in turn with `cp -r` plus
// `sync` on a quiet machine; the split of the time is printed).
// Usage: node bench/flush-floor.mjs SRC DEST STRATEGY [copy workers = 2] [flush workers = 8]
//   none          write only (no flush: not durable)
//   each          fdatasync each file right after its write, in the copying worker
//   after         write every file, then fdatasync them all, `flush workers` at a time
//   syncfs        write every file, then one `sync -f DEST` (syncfs(2), Linux)
//   syncfs+after  both: what `evb pack` does on Linux (the per-file flushes keep their error reports)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const [src, dest, strategy, copyWorkers = '2', flushWorkers = '8'] = process.argv.slice(2);
  if (src === undefined || dest === undefined || !['none', 'each', 'after', 'syncfs', 'syncfs+after'].includes(strategy ?? '')) {
    console.error('usage: node bench/flush-floor.mjs SRC DEST none|each|after|syncfs|syncfs+after [copy workers] [flush workers]');
    process.exit(2);
  }
  const t0 = performance.now();
  const names = fs.readdirSync(src);
  fs.mkdirSync(dest);
  fs.mkdirSync(join(dest, 'data'));
  const run = (kind, n) =>
    Promise.all(
      Array.from({ length: n }, (_, w) => new Promise((resolve, reject) => {
        const list = names.filter((_, i) => i % n === w);
        const worker = new Worker(new URL(import.meta.url), { workerData: { kind, src, dest: join(dest, 'data'), names: list, sync: strategy === 'each' } });
        worker.on('message', resolve);
        worker.on('error', reject);
      })),
    );
  await run('copy', Number(copyWorkers));
  const t1 = performance.now();
  if (strategy.startsWith('syncfs')) execFileSync('sync', ['-f', dest]);
  const t2 = performance.now();
  if (strategy.endsWith('after')) await run('sync', Number(flushWorkers));
  const t3 = performance.now();
  if (strategy !== 'none') {
    for (const d of [join(dest, 'data'), dest]) {
      const fd = fs.openSync(d, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
  }
  const t4 = performance.now();
  const s = (a, b) => ((b - a) / 1000).toFixed(2);
  console.log(`${strategy}: copy ${s(t0, t1)} s, syncfs ${s(t1, t2)} s, fdatasync pass ${s(t2, t3)} s, directories ${s(t3, t4)} s`);
} else {
  const { kind, src, dest, names, sync } = workerData;
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const name of names) {
    if (kind === 'copy') {
      const input = fs.openSync(join(src, name), 'r');
      const output = fs.openSync(join(dest, name), 'wx', 0o444);
      for (;;) {
        const n = fs.readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        for (let off = 0; off < n; ) off += fs.writeSync(output, buffer, off, n - off);
      }
      if (sync) fs.fdatasyncSync(output);
      fs.closeSync(output);
      fs.closeSync(input);
    } else {
      const fd = fs.openSync(join(dest, name), 'r');
      fs.fdatasyncSync(fd);
      fs.closeSync(fd);
    }
  }
  parentPort.postMessage(0);
}
