// The manifest side of a verify at scale (issue 13): strict parse, RFC 8785 canonical check and schema check of a
// manifest of 10,000, 100,000 and 1,000,000 items, each in a child process of its own (so each peak RSS is that
// run's alone), medians of several runs. With `--base <dir>` the same children also run against another copy of
// the sources (a base commit extracted with `git archive`), alternately with this one, so the two are compared
// under the same load.
// Usage: npm run bench:manifest [-- --sizes 10000,100000 --runs 3 --base <dir with src/>]
// Inputs are generated under bench/.data/manifest-scale/ (git-ignored) and kept for later runs.
import { promises as fsp } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DATA_DIR } from './lib/data.js';
import { runCommand } from './lib/system.js';
import { mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const work = join(DATA_DIR, 'manifest-scale');
const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Writes the canonical bytes of a manifest of `count` present items (the smallest item the schema accepts, as a
 * mailbox or log export has: id, path, size, media type, SHA-256, disclosure) without building it whole.
 */
async function writeManifest(path: string, count: number): Promise<void> {
  const example = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'manifests', 'nl-to-gh-second-protocol-emergency.json'), 'utf8')) as Record<string, unknown>;
  const { canonicalize } = await import('../src/encoding/jcs.js');
  // The items are one array inside fixed text: the canonical document around an empty one.
  const [head, tail] = canonicalize({ ...example, items: [] }).split('"items":[]') as [string, string];
  const file = await fsp.open(path, 'w');
  try {
    let buffer = `${head}"items":[`;
    for (let i = 0; i < count; i++) {
      const id = `item-${String(i).padStart(7, '0')}`;
      buffer += `${i > 0 ? ',' : ''}{"digests":{"sha256":"${HEX}"},"disclosure":{"status":"present"},"id":"${id}","mediaType":"application/octet-stream","path":"f${i % 1000}/${id}.eml","size":${i % 16384}}`;
      if (buffer.length > 4 * 1024 * 1024) {
        await file.write(buffer);
        buffer = '';
      }
    }
    await file.write(`${buffer}]${tail}`);
  } finally {
    await file.close();
  }
}

/** Child: parse, canonical check and schema check of one manifest with the sources under `src`; one JSON line. */
async function child(src: string, manifestPath: string): Promise<void> {
  const load = <T>(p: string): Promise<T> => import(pathToFileURL(join(src, p)).href) as Promise<T>;
  const { parseCanonicalJson } = await load<typeof import('../src/encoding/strict-json.js')>('encoding/strict-json.ts');
  const { checkManifest } = await load<typeof import('../src/model/check-manifest.js')>('model/check-manifest.ts');
  const bytes = new Uint8Array(await fsp.readFile(manifestPath));
  let heapPeak = 0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
  // Timers only fire between turns: the checks of a sync API run in one turn, so also sample at the end.
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const value = parseCanonicalJson(bytes, { maxBytes: 1 << 30, maxValues: 1 << 30 });
  const parsed = performance.now();
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const checked = await checkManifest(value);
  const done = performance.now();
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  clearInterval(sampler);
  // A tree whose limits are lower (a base commit) refuses the largest manifests: said, not hidden.
  const refused = checked.manifest === undefined ? String(checked.findings[0]?.message ?? 'refused') : undefined;
  const items = checked.manifest?.items.length ?? 0;
  console.log(JSON.stringify({ refused, parse: (parsed - started) / 1000, check: (done - parsed) / 1000, seconds: (done - started) / 1000, items, rssBefore: before, heapPeak, maxRss: process.resourceUsage().maxRSS * 1024 }));
}

interface Run {
  refused?: string;
  seconds: number;
  parse: number;
  check: number;
  maxRss: number;
  heapPeak: number;
}

async function measure(src: string, manifestPath: string): Promise<Run> {
  const run = await runCommand(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', join(REPO, 'bench', 'manifest-scale.ts'), '--child', src, manifestPath], { cwd: REPO });
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as Run;
  return { ...r, maxRss: run.peakRssBytes ?? r.maxRss };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    sizes: { type: 'string', default: '10000,100000,1000000' },
    runs: { type: 'string', default: '3' },
    base: { type: 'string' },
  },
  allowPositionals: true,
  strict: false,
});
if (typeof values.child === 'string') {
  const positional = process.argv[process.argv.length - 1]!;
  await child(values.child, positional);
} else {
  const sizes = String(values.sizes).split(',').map(Number);
  const runs = Number(values.runs);
  if (!(runs >= 3)) throw new Error('--runs must be at least 3: no figure from a single run');
  const sources: Array<[string, string]> = [['this tree', join(REPO, 'src')]];
  if (typeof values.base === 'string') sources.push(['base', join(resolve(values.base), 'src')]);
  await fsp.mkdir(work, { recursive: true });
  console.log(`node ${process.version}, ${cpus().length} CPUs; child processes under tsx; medians of ${runs} runs, the sources taking turns`);
  const rows: Array<Array<string | number>> = [];
  for (const size of sizes) {
    const path = join(work, `manifest-${size}.json`);
    if ((await fsp.stat(path).catch(() => undefined)) === undefined) await writeManifest(path, size);
    const bytes = (await fsp.stat(path)).size;
    const results = new Map<string, Run[]>(sources.map(([name]) => [name, []]));
    const loads: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [name, src] of sources) {
        loads.push(loadavg()[0]!);
        results.get(name)!.push(await measure(src, path));
      }
    }
    const medians = sources.map(([name]) => {
      const rs = results.get(name)!;
      return { name, seconds: median(rs.map((r) => r.seconds)), parse: median(rs.map((r) => r.parse)), check: median(rs.map((r) => r.check)), maxRss: median(rs.map((r) => r.maxRss)), heapPeak: median(rs.map((r) => r.heapPeak)) };
    });
    for (const m of medians) {
      const refusal = results.get(m.name)!.find((r) => r.refused !== undefined)?.refused;
      if (refusal !== undefined) console.log(`${size} items, ${m.name}: manifest refused (${refusal})`);
      const ratio = medians.length > 1 ? (m.seconds / medians[medians.length - 1]!.seconds).toFixed(2) : '-';
      rows.push([size, refusal === undefined ? m.name : `${m.name} (refused)`, (bytes / 1e6).toFixed(1), m.parse.toFixed(2), m.check.toFixed(2), m.seconds.toFixed(2), ratio, mib(m.maxRss), mib(m.heapPeak), (m.maxRss / size).toFixed(0), median(loads).toFixed(2)]);
      console.log(rows[rows.length - 1]!.join(' | '));
    }
  }
  console.log('\nparse: strict parse + canonical check; check: schema and cross-field rules; ratio: time / the base\'s time in the same run');
  printTable(['items', 'sources', 'manifest MB', 'parse s', 'check s', 'total s', 'ratio', 'peak RSS MiB', 'heap peak MiB', 'RSS B/item', 'load'], rows);
}
