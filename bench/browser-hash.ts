// Hashing throughput inside headless Chromium (Debian's /usr/bin/chromium), for the verifier page's choice of
// digest backend: @noble/hashes against hash-wasm (WebAssembly), CRC-32 of the ZIP reader, WebCrypto for reference.
// Run: npx tsx bench/browser-hash.ts [--size-mib N] (default 1024) [--runs N] (default 3: medians printed)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
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
  writeFileSync(join(work, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="bench.js"></script>');
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
    const before = load();
    const results = await page.evaluate(
      (mib, n) => (globalThis as unknown as { runBench(n: number, r: number): Promise<Array<{ label: string; gbPerSecond: number; all: number[] }>> }).runBench(mib, n),
      sizeMiB,
      runs,
    );
    console.log(`${await browser.version()}, ${sizeMiB} MiB in 1 MiB chunks, ${runs} interleaved runs; load average ${before} before, ${load()} after`);
    // On a shared machine the best run is the one least disturbed: it is printed beside the median.
    const best = (r: { all: number[] }): number => Math.max(...r.all);
    const reference = results.find((r) => r.label === 'SHA-256 hash-wasm')!;
    console.log(`  ${''.padEnd(42)} median  best   (SHA-256: ratio to hash-wasm, median / best)`);
    for (const r of results) {
      const ratio = r.label.startsWith('SHA-256') ? `  ${(r.gbPerSecond / reference.gbPerSecond).toFixed(2)}x / ${(best(r) / best(reference)).toFixed(2)}x` : '';
      console.log(`  ${r.label.padEnd(42)} ${r.gbPerSecond.toFixed(2)}    ${best(r).toFixed(2)} GB/s${ratio}   runs: ${r.all.map((x) => x.toFixed(2)).join(' ')}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
