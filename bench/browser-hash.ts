// Hashing throughput inside headless Chromium (Debian's /usr/bin/chromium), for the verifier page: the hashes alone
// (@noble/hashes, hash-wasm, the page's own SHA-256, CRC-32 of the ZIP reader, WebCrypto for reference), and the
// page's own read-and-hash path on a large File on disk, as a folder item and as a ZIP entry, before and with the
// hashing worker (bench/browser-hash-page.ts). Every page path's SHA-256 is checked against node:crypto's.
// Run: npm run bench:browser-hash -- [--size-mib N] (default 1024) [--runs N] (default 3: medians printed)
//      [--parts hash,page] (default both) [--chromium PATH]
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import puppeteer, { type ElementHandle } from 'puppeteer-core';
import { buildHashWorker } from '../scripts/build-page.js';
import { crc32 } from '../src/zip/crc32.js';

const { values } = parseArgs({
  options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' }, parts: { type: 'string', default: 'hash,page' }, chromium: { type: 'string', default: '/usr/bin/chromium' } },
});
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const parts = values.parts;
if (!Number.isSafeInteger(sizeMiB) || sizeMiB < 1 || sizeMiB > 4095 || !Number.isSafeInteger(runs) || runs < 1) throw new Error('--size-mib 1..4095 and --runs >= 1');
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const work = mkdtempSync(join(tmpdir(), 'evb-browser-hash-'));
try {
  const built = await esbuild.build({
    entryPoints: [join(import.meta.dirname, 'browser-hash-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  writeFileSync(join(work, 'bench.js'), built.outputFiles[0]!.text);
  const worker = (await buildHashWorker()).text;
  writeFileSync(
    join(work, 'index.html'),
    `<!doctype html><meta charset="utf-8"><input type="file" id="item"><input type="file" id="zip"><script type="text/plain" id="worker">${worker}</script><script type="module" src="bench.js"></script>`,
  );
  // The large item, pseudo-random, on disk; and a ZIP holding it STORED as data/item.bin (APPNOTE 4.3).
  const item = join(work, 'item.bin');
  const zip = join(work, 'item.zip');
  const expected = createHash('sha256');
  let crc = 0;
  if (parts.includes('page')) {
    const name = Buffer.from('data/item.bin');
    const size = sizeMiB * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024);
    const fd = openSync(item, 'w');
    for (let i = 0; i < sizeMiB; i++) {
      randomFillSync(chunk);
      expected.update(chunk);
      crc = crc32(chunk, crc);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(30 + name.length + size, 16);
    const out = openSync(zip, 'w');
    writeSync(out, Buffer.concat([local, name]));
    const source = openSync(item, 'r');
    for (let n; (n = readSync(source, chunk, 0, chunk.length, null)) > 0; ) writeSync(out, chunk, 0, n);
    closeSync(source);
    writeSync(out, Buffer.concat([central, name, end]));
    closeSync(out);
  }
  const expectedHex = expected.digest('hex');
  const browser = await puppeteer.launch({
    executablePath: values.chromium,
    headless: true,
    // Pure-JS BLAKE3 on a busy machine takes minutes for a GiB: no time limit on the one long evaluate.
    protocolTimeout: 0,
    userDataDir: join(work, 'profile'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--allow-file-access-from-files'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(work, 'index.html')).href);
    await page.waitForFunction(() => 'runBench' in globalThis);
    if (parts.includes('page')) {
      await ((await page.$('#item')) as ElementHandle<HTMLInputElement>).uploadFile(item);
      await ((await page.$('#zip')) as ElementHandle<HTMLInputElement>).uploadFile(zip);
    }
    const before = load();
    const results = await page.evaluate(
      (mib, n, p) =>
        (globalThis as unknown as { runBench(n: number, r: number, p: string): Promise<Array<{ label: string; gbPerSecond: number; all: number[]; digest?: string }>> }).runBench(mib, n, p),
      sizeMiB,
      runs,
      parts,
    );
    console.log(`${await browser.version()}, ${sizeMiB} MiB (1 MiB chunks for the hashes alone), ${runs} interleaved runs; load average ${before} before, ${load()} after`);
    for (const r of results) if (r.digest !== undefined && r.digest !== expectedHex) throw new Error(`${r.label}: SHA-256 ${r.digest}, not ${expectedHex}`);
    // On a shared machine the best run is the one least disturbed: it is printed beside the median.
    const best = (r: { all: number[] }): number => Math.max(...r.all);
    const ratioTo = (label: string): ((r: { gbPerSecond: number; all: number[] }) => string) => {
      const reference = results.find((r) => r.label === label);
      return (r) => (reference === undefined ? '' : `  ${(r.gbPerSecond / reference.gbPerSecond).toFixed(2)}x / ${(best(r) / best(reference)).toFixed(2)}x`);
    };
    const toHashWasm = ratioTo('SHA-256 hash-wasm');
    const toFolderBefore = ratioTo('page before: folder item, one thread');
    const toZipBefore = ratioTo('page before: ZIP entry + CRC-32, one thread');
    console.log(`  ${''.padEnd(48)} median  best   (ratio, median / best: SHA-256 to hash-wasm; page now to page before)`);
    for (const r of results) {
      const ratio = r.label.startsWith('SHA-256') ? toHashWasm(r) : r.label.startsWith('page now: folder') ? toFolderBefore(r) : r.label.startsWith('page now: ZIP') ? toZipBefore(r) : '';
      console.log(`  ${r.label.padEnd(48)} ${r.gbPerSecond.toFixed(2)}    ${best(r).toFixed(2)} GB/s${ratio}   runs: ${r.all.map((x) => x.toFixed(2)).join(' ')}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
