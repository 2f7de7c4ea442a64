// Verification of many small files at scale: whole processes of the built CLI against `sha256sum -c` and
// bagit.py on the same bundle, in the same run, in pairs of alternating order; medians of several runs; peak RSS
// and bytes per item; a scaling table for the README.
// Usage: npm run bench:scale [-- --runs 5 --sizes 10000,100000 --million --no-build --baseline other/dist/cli/evb.js]
//   --baseline: another build of the CLI (an earlier commit's), timed in pairs with this one, for before/after.
//   EVB_BAGIT_PY="python3 path/to/bagit-run.py" adds bagit.py (`--validate --processes 2`); 'skipped' otherwise.
// Data (files of 1-16 KiB in folders of 1,000, packed once with the CLI) lives under bench/.data/scale/.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, promises as fsp, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, pseudoRandomStream } from './lib/data.js';
import { printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli', 'evb.js');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '10000,100000' },
    million: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError('--runs must be a positive integer');
const sizes = values.sizes.split(',').map(Number);
if (values.million) sizes.push(1_000_000);
if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new RangeError('--sizes must list positive integers');
const bagitPy = process.env.EVB_BAGIT_PY?.trim() || undefined;
const root = join(DATA_DIR, 'scale');
const FILES_PER_FOLDER = 1000;

interface Run {
  seconds: number;
  /** Peak RSS of the process (GNU time's maximum resident set size), in bytes. */
  rss: number;
  /** User plus system CPU seconds of the process and its children: less sensitive to a busy machine than wall time. */
  cpu: number;
  load: number;
}

/** Runs `argv` to completion under GNU time; throws on a non-zero exit. */
function timed(argv: readonly string[], cwd = REPO): Promise<Run> {
  const load = loadavg()[0]!;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-v', ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      if (code !== 0 || rss === null || user === null || system === null) reject(new Error(`${argv.join(' ')} exited with ${code}\n${stderr.slice(-2000)}`));
      else resolve({ seconds, rss: Number(rss[1]) * 1024, cpu: Number(user[1]) + Number(system[1]), load });
    });
  });
}

function run(argv: readonly string[], cwd = REPO): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}`);
}

/** `count` files of 1-16 KiB (sizes and bytes from a fixed seed) in folders of 1,000, packed into a signed bundle. */
async function ensureBundle(count: number, key: string, spec: string): Promise<string> {
  const dir = join(root, String(count));
  const bundle = join(dir, 'bundle');
  if (existsSync(join(dir, 'complete'))) return bundle;
  await fsp.rm(dir, { recursive: true, force: true });
  const source = join(dir, 'source');
  const next = pseudoRandomStream(`scale-${count}`);
  for (let i = 0; i < count; i++) {
    const folder = join(source, `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(4, '0')}`);
    if (i % FILES_PER_FOLDER === 0) mkdirSync(folder, { recursive: true });
    const head = next(2);
    const size = 1024 + (((head[0]! << 8) | head[1]!) % (15 * 1024 + 1));
    const fd = openSync(join(folder, `f${String(i).padStart(7, '0')}.bin`), 'w');
    try {
      const bytes = next(size);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    } finally {
      closeSync(fd);
    }
  }
  console.log(`packing ${count} files...`);
  run([process.execPath, CLI, 'pack', source, '--spec', spec, '--out', bundle, '--quiet', '--sign', `packager=${key}`]);
  await fsp.rm(source, { recursive: true, force: true });
  await fsp.writeFile(join(dir, 'complete'), '');
  return bundle;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

if (!values['no-build']) run(['npx', 'tsup'], REPO);
mkdirSync(root, { recursive: true });
const key = join(root, 'bench.jwk');
const pub = join(root, 'bench.pub.jwk');
const spec = join(root, 'spec.json');
if (!existsSync(pub)) run([process.execPath, CLI, 'keygen', '--out', key], root);
const demo = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown };
await fsp.writeFile(spec, JSON.stringify({ metadata: demo.metadata }));

console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${runs} runs per command, pairs in alternating order; load average (1 min) before each run in brackets`);
console.log(`bagit.py: ${bagitPy ?? 'skipped (set EVB_BAGIT_PY)'}`);

interface Row {
  count: number;
  evb: Run[];
  sha: Run[];
  bagit: Run[];
  base: Run[];
}
// A ratio needs several runs of each side: one run says nothing about the noise of a shared machine.
const ratio = (a: Run[], b: Run[]): string =>
  b.length === 0 ? 'skipped' : a.length < 2 || b.length < 2 ? 'n/a (1 run)' : `${(median(a.map((r) => r.seconds)) / median(b.map((r) => r.seconds))).toFixed(2)}x`;
const rows: Row[] = [];
for (const count of sizes) {
  const bundle = await ensureBundle(count, key, spec);
  const evbCommand = [process.execPath, CLI, 'verify', bundle, '--trust', pub, '--quiet'];
  const shaCommand = ['sha256sum', '-c', '--quiet', 'manifest-sha256.txt'];
  const bagitCommand = bagitPy ? ['sh', '-c', `exec ${bagitPy} --validate --processes 2 "$0"`, bundle] : undefined;
  // Page cache warm: one untimed run of each.
  await timed(shaCommand, bundle);
  await timed(evbCommand);
  const baseCommand = values.baseline ? [process.execPath, values.baseline, ...evbCommand.slice(2)] : undefined;
  const row: Row = { count, evb: [], sha: [], bagit: [], base: [] };
  for (let i = 0; i < runs; i++) {
    const pairs: Array<[Run[], string[], string]> = [[row.sha, shaCommand, bundle]];
    if (bagitCommand) pairs.push([row.bagit, bagitCommand, REPO]);
    if (baseCommand) pairs.push([row.base, baseCommand, REPO]);
    for (const [into, reference, cwd] of pairs) {
      // Alternate which of the pair runs first, so that neither always meets a warmer or a busier machine.
      if (i % 2 === 0) {
        row.evb.push(await timed(evbCommand));
        into.push(await timed(reference, cwd));
      } else {
        into.push(await timed(reference, cwd));
        row.evb.push(await timed(evbCommand));
      }
    }
  }
  rows.push(row);
  const line = (name: string, rs: Run[]): string =>
    `  ${name.padEnd(12)} ${rs.map((r) => `${r.seconds.toFixed(2)}s[${r.load.toFixed(1)}]`).join(' ')}  median ${median(rs.map((r) => r.seconds)).toFixed(3)} s, CPU ${median(rs.map((r) => r.cpu)).toFixed(2)} s, RSS ${mib(median(rs.map((r) => r.rss)))} MiB`;
  console.log(`\n${count} files:`);
  console.log(line('evb verify', row.evb));
  console.log(line('sha256sum -c', row.sha));
  console.log(bagitCommand ? line('bagit.py', row.bagit) : '  bagit.py     skipped');
  if (baseCommand) {
    console.log(line('baseline', row.base));
    const cpu = (rs: Run[]): number => median(rs.map((r) => r.cpu));
    console.log(`  this build / baseline: time ${ratio(row.evb, row.base)}, CPU ${(cpu(row.evb) / cpu(row.base)).toFixed(2)}x, RSS ${(median(row.evb.map((r) => r.rss)) / median(row.base.map((r) => r.rss))).toFixed(2)}x`);
  }
}

console.log(`\nScaling (medians of ${runs}; goals at 100,000: <= 0.50x sha256sum -c, <= 0.25x bagit.py, RSS < 150 MB; 1,000,000: RSS < 400 MB)`);
printTable(
  ['files', 'evb verify s', 'CPU s', 'vs sha256sum -c', 'vs bagit.py', 'peak RSS MiB', 'RSS bytes/file', 'extra bytes/file', 'us/file'],
  rows.map((row, i) => {
    const rss = median(row.evb.map((r) => r.rss));
    const seconds = median(row.evb.map((r) => r.seconds));
    const previous = rows[i - 1];
    const extra = previous ? (rss - median(previous.evb.map((r) => r.rss))) / (row.count - previous.count) : undefined;
    const perFile = previous ? (seconds - median(previous.evb.map((r) => r.seconds))) / (row.count - previous.count) : undefined;
    return [
      row.count,
      seconds.toFixed(3),
      median(row.evb.map((r) => r.cpu)).toFixed(2),
      ratio(row.evb, row.sha),
      ratio(row.evb, row.bagit),
      mib(rss),
      Math.round(rss / row.count),
      extra === undefined ? '-' : Math.round(extra),
      perFile === undefined ? '-' : (perFile * 1e6).toFixed(1),
    ];
  }),
);
console.log('extra bytes/file and us/file: growth of peak RSS and time per file from the size above.');
