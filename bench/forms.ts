// The bundle forms side by side: the same bundle verified as a directory and as a ZIP, packing to a directory
// against packing to a ZIP (one large item, and many small files), beside `openssl dgst -sha256` /
// `sha256sum -c` of the same data, in one run.
// Usage: npm run bench:forms [-- --large-mib 2048 --small 100000 --runs 5]
// Data is generated once under bench/.data/ (git-ignored) and shared with bench/bundle.ts; the page cache is
// warmed before timing. What is timed is the product: whole processes of the built CLI (`node dist/cli/evb.js`,
// built first), start-up included, peak RSS theirs (GNU time). The two sides of each ratio run in turn, pair by
// pair, in this process, with the load average printed before each run: each ratio is the median of the ratios
// of the pairs, so that the load of a shared machine, which drifts, weighs on both sides alike.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, ensureDataFile, MiB, smallFileSet } from './lib/data.js';
import { medianOf, runCommand, warmPageCache, type CommandRun } from './lib/system.js';
import { load, pair as pairRuns, showRatio, uptime, type Measured, type Side } from './lib/paired.js';
import { mbPerSecond, mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli', 'evb.js');
const { values } = parseArgs({
  options: { 'large-mib': { type: 'string', default: '2048' }, small: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } },
});
const runs = Number(values.runs);
const work = join(DATA_DIR, 'forms');

/** One whole process of the built CLI. */
async function evb(args: string[]): Promise<CommandRun> {
  return runCommand(process.execPath, [CLI, ...args], { cwd: work });
}

const pack = (input: string, out: string): string[] => ['pack', input, '--spec', 'spec.json', '--out', out, '--quiet', '--sign', 'packager=bench.jwk'];
const verify = (bundle: string): string[] => ['verify', bundle, '--trust', 'bench.pub.jwk', '--quiet'];

/** A pair of two evb commands, each run a whole process; see bench/lib/paired.ts. */
async function pair(a: [string, string[]], b: [string, string[]], before?: (args: string[]) => Promise<void>): Promise<[Measured, Measured, string, string]> {
  const side = ([label, args]: [string, string[]]): Side => ({ label, run: () => evb(args), ...(before ? { before: () => before(args) } : {}) });
  const r = await pairRuns(runs, side(a), side(b));
  return [r.a, r.b, showRatio(r.ratio), showRatio(r.cpuRatio)];
}

async function external(label: string, command: string, args: string[], cwd = REPO): Promise<Measured> {
  return { label, ...(await medianOf(runs, () => runCommand(command, args, { cwd }))) };
}

async function setup(): Promise<void> {
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(work, { recursive: true });
  const demo = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown };
  await fsp.writeFile(join(work, 'spec.json'), JSON.stringify({ metadata: demo.metadata }));
  await runCommand(process.execPath, [CLI, 'keygen', '--out', 'bench.jwk'], { cwd: work });
}

const rm = (path: string) => () => fsp.rm(path, { recursive: true, force: true });
/**
 * Before each pack (not timed): the output of the run before removed, and the disk's write-back of it waited for
 * (`sync`), so that a run does not pay for the flush of the one before it (the second of a pair was the slower
 * whichever form it was).
 */
const freshTarget = async (args: string[]): Promise<void> => {
  await rm(args[5]!)();
  execFileSync('sync');
};
const ratio = (a: Measured, b: Measured): string => `${(a.seconds / b.seconds).toFixed(2)}x`;
const header = ['run', 'seconds', 'MB/s', 'files/s', 'vs reference', 'CPU s', 'peak RSS MiB'];
const row = (m: Measured, reference: Measured, bytes: number, count: number): Array<string | number> => [
  m.label, m.seconds.toFixed(3), mbPerSecond(bytes, m.seconds), Math.round(count / m.seconds), ratio(m, reference), m.cpuSeconds?.toFixed(2) ?? '?', mib(m.peakRssBytes),
];
const goals: Array<[string, string, string]> = [];

execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`node ${process.version}, ${availableParallelism()} CPUs, median of ${runs}; page cache warmed; whole processes of the built CLI.`);
console.log(`load at start: ${uptime()}`);
await setup();
// Peak RSS of a process includes Node and the bundled sources: what a run costs before any work.
const baseline = { label: 'baseline: evb --version', ...(await medianOf(runs, () => evb(['--version']))) };
console.log(`load after baseline: ${load()}`);
console.log(`baseline of the built CLI (Node + dist, no work): ${baseline.seconds.toFixed(3)} s, peak RSS ${mib(baseline.peakRssBytes)} MiB`);

// (a) and (b): one large item.
{
  const sizeMiB = Number(values['large-mib']);
  const bytes = sizeMiB * MiB;
  const folder = join(DATA_DIR, `large-${sizeMiB}MiB`);
  const file = ensureDataFile(join(folder, 'image.bin'), bytes, `bundle-${sizeMiB}`);
  await warmPageCache([file]);
  const openssl = await external('openssl dgst -sha256', 'openssl', ['dgst', '-sha256', file]);
  const dir = join(work, 'large.bundle');
  const zip = join(work, 'large.zip');
  // Straight to the single file, streaming: no directory copy first. Each run writes a new bundle.
  const [packDir, packZip, packRatio, packCpu] = await pair(
    ['evb pack (directory)', pack(folder, dir)],
    ['evb pack --out x.zip (ZIP)', pack(folder, zip)],
    freshTarget,
  );
  await warmPageCache([join(dir, 'data', 'image.bin'), zip]);
  const [verifyDir, verifyZip, verifyRatio, verifyCpu] = await pair(['evb verify (directory)', verify(dir)], ['evb verify (ZIP)', verify(zip)]);
  console.log(`\nOne item of ${sizeMiB} MiB (reference: openssl dgst -sha256)`);
  printTable(header, [openssl, packDir, packZip, verifyDir, verifyZip].map((m) => row(m, openssl, bytes, 1)));
  goals.push(
    [`verify ${sizeMiB} MiB item: ZIP / directory`, verifyRatio, '<= 1.15x'],
    [`  the same, CPU time (user + system, all threads)`, verifyCpu, '(no goal)'],
    [`verify ${sizeMiB} MiB item as ZIP: peak RSS (baseline ${mib(baseline.peakRssBytes)} MiB)`, `${mib(verifyZip.peakRssBytes)} MiB`, '< 150 MB (143.1 MiB)'],
    [`pack ${sizeMiB} MiB item: straight to ZIP / to a directory`, packRatio, '<= 1.00x'],
    [`  the same, CPU time (user + system, all threads)`, packCpu, '(no goal)'],
  );
  await rm(dir)();
  await rm(zip)();
}

// (c): many small files, packed to each form in turn (each run a new bundle, every file flushed), then the last
// two verified in turn.
{
  const count = Number(values.small);
  const { folder, bytes, checklist: list } = await smallFileSet(count, work);
  const sha256sum = await external('sha256sum -c', 'sha256sum', ['-c', '--quiet', list], folder);
  const dir = join(work, 'small.bundle');
  const zip = join(work, 'small.zip');
  const [packDir, packZip, packRatio, packCpu] = await pair(
    ['evb pack (directory)', pack(folder, dir)],
    ['evb pack --out x.zip (ZIP)', pack(folder, zip)],
    freshTarget,
  );
  const [verifyDir, verifyZip, verifyRatio, verifyCpu] = await pair(['evb verify (directory)', verify(dir)], ['evb verify (ZIP)', verify(zip)]);
  console.log(`\n${count} files of 1-16 KiB, ${mib(bytes)} MiB (reference: sha256sum -c)`);
  printTable(header, [sha256sum, packDir, packZip, verifyDir, verifyZip].map((m) => row(m, sha256sum, bytes, count)));
  goals.push(
    [`pack ${count} small files: straight to ZIP / to a directory`, packRatio, '<= 1.00x'],
    [`  the same, CPU time (user + system, all threads)`, packCpu, '(no goal)'],
    [`verify ${count} small files: ZIP / directory`, verifyRatio, '<= 1.00x'],
    [`  the same, CPU time (user + system, all threads)`, verifyCpu, '(no goal)'],
  );
  await rm(dir)();
  await rm(zip)();
}

console.log('\nGoals (issue 9; ratios: medians of the ratios of pairs run in turn)');
printTable(['measure', 'measured', 'goal'], goals);
console.log(`load at end: ${uptime()}`);
