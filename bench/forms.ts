// The bundle forms side by side: the same bundle verified as a directory and as a ZIP, packing to a directory
// against packing to a ZIP, beside `openssl dgst -sha256` / `sha256sum -c` of the same data, in one run.
// Usage: npm run bench:forms [-- --large-mib 2048 --small 100000 --runs 3]
// Data is generated once under bench/.data/ (git-ignored) and shared with bench/bundle.ts; the page cache is
// warmed before timing. Every figure is the median of --runs runs; our times are measured inside the child
// around the command (bench/bundle-worker.ts), peak RSS is the child's (GNU time).
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, ensureDataFile, MiB, smallFileSet } from './lib/data.js';
import { medianOf, runCommand, warmPageCache, type CommandRun } from './lib/system.js';
import { mbPerSecond, mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'large-mib': { type: 'string', default: '2048' }, small: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } },
});
const runs = Number(values.runs);
const work = join(DATA_DIR, 'forms');
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

interface Measured extends CommandRun {
  label: string;
}

/** One child run of bench/bundle-worker.ts; the time is the one it measured around the command. */
async function evb(args: string[]): Promise<CommandRun> {
  const r = await runCommand(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'bundle-worker.ts'), ...args], { cwd: REPO });
  const inner = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; exitCode: number };
  if (inner.exitCode !== 0) throw new Error(`evb ${args[0]}: exit ${inner.exitCode}`);
  return { ...r, seconds: inner.seconds };
}

/** The median of `runs` runs of a sequence of evb commands, their times added, their peak RSS the highest. */
async function ours(label: string, steps: string[][], before?: () => Promise<void>): Promise<Measured> {
  const run = await medianOf(runs, async () => {
    await before?.();
    const total: CommandRun = { seconds: 0, peakRssBytes: undefined, stdout: '' };
    for (const step of steps) {
      const r = await evb(step);
      total.seconds += r.seconds;
      total.peakRssBytes = Math.max(total.peakRssBytes ?? 0, r.peakRssBytes ?? 0) || undefined;
    }
    return total;
  });
  return { label, ...run };
}

async function external(label: string, command: string, args: string[], cwd = REPO): Promise<Measured> {
  return { label, ...(await medianOf(runs, () => runCommand(command, args, { cwd }))) };
}

async function setup(): Promise<{ spec: string; key: string; pub: string }> {
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(work, { recursive: true });
  const demo = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown };
  const spec = join(work, 'spec.json');
  await fsp.writeFile(spec, JSON.stringify({ metadata: demo.metadata }));
  const { main } = await import('../src/cli/main.js');
  const silent = { stdout: () => undefined, stderr: (t: string) => void process.stderr.write(t), stderrIsTTY: false, cwd: work };
  await main(['keygen', '--out', 'bench.jwk'], silent);
  return { spec, key: join(work, 'bench.jwk'), pub: join(work, 'bench.pub.jwk') };
}

const rm = (path: string) => () => fsp.rm(path, { recursive: true, force: true });
const ratio = (a: Measured, b: Measured): string => `${(a.seconds / b.seconds).toFixed(2)}x`;
const header = ['run', 'seconds', 'MB/s', 'files/s', 'vs reference', 'peak RSS MiB'];
const row = (m: Measured, reference: Measured, bytes: number, count: number): Array<string | number> => [
  m.label, m.seconds.toFixed(3), mbPerSecond(bytes, m.seconds), Math.round(count / m.seconds), ratio(m, reference), mib(m.peakRssBytes),
];
const goals: Array<[string, string, string]> = [];

console.log(`node ${process.version}, ${availableParallelism()} CPUs, median of ${runs}; page cache warmed; our times measured inside the child around the command.`);
console.log(`load at start: ${uptime()}`);
const { spec, key, pub } = await setup();
// Peak RSS of a child includes Node, tsx and its compiled sources: this is what a run costs before any work.
const baseline = await ours('baseline: evb --version in the same child', [['version']]);
console.log(`baseline peak RSS of a child (Node + tsx, no work): ${mib(baseline.peakRssBytes)} MiB`);

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
  const packDir = await ours('evb pack (directory)', [['pack', folder, spec, dir, key]], rm(dir));
  // Straight to the single file, streaming: no directory copy first.
  const packZip = await ours('evb pack --out x.zip (ZIP)', [['pack', folder, spec, zip, key]], rm(zip));
  await warmPageCache([join(dir, 'data', 'image.bin'), zip]);
  const verifyDir = await ours('evb verify (directory)', [['verify', dir, pub]]);
  const verifyZip = await ours('evb verify (ZIP)', [['verify', zip, pub]]);
  console.log(`\nOne item of ${sizeMiB} MiB (reference: openssl dgst -sha256)`);
  printTable(header, [openssl, packDir, packZip, verifyDir, verifyZip].map((m) => row(m, openssl, bytes, 1)));
  goals.push(
    [`verify ${sizeMiB} MiB item: ZIP / directory`, ratio(verifyZip, verifyDir), '<= 1.15x'],
    [`verify ${sizeMiB} MiB item as ZIP: peak RSS (baseline ${mib(baseline.peakRssBytes)} MiB)`, `${mib(verifyZip.peakRssBytes)} MiB`, '< 150 MB (143.1 MiB)'],
    [`pack ${sizeMiB} MiB item: straight to ZIP / to a directory`, ratio(packZip, packDir), '<= 1.00x'],
  );
  await rm(dir)();
  await rm(zip)();
}

// (c): many small files, packed once as a directory and converted once; only verification is timed.
{
  const count = Number(values.small);
  const { folder, bytes, checklist: list } = await smallFileSet(count, work);
  const sha256sum = await external('sha256sum -c', 'sha256sum', ['-c', '--quiet', list], folder);
  const dir = join(work, 'small.bundle');
  const zip = join(work, 'small.zip');
  await evb(['pack', folder, spec, dir, key]);
  await evb(['convert', dir, zip]);
  const verifyDir = await ours('evb verify (directory)', [['verify', dir, pub]]);
  const verifyZip = await ours('evb verify (ZIP)', [['verify', zip, pub]]);
  console.log(`\n${count} files of 1-16 KiB, ${mib(bytes)} MiB (reference: sha256sum -c)`);
  printTable(header, [sha256sum, verifyDir, verifyZip].map((m) => row(m, sha256sum, bytes, count)));
  goals.push([`verify ${count} small files: ZIP / directory`, ratio(verifyZip, verifyDir), '<= 1.00x']);
  await rm(dir)();
  await rm(zip)();
}

console.log('\nGoals (issue 9)');
printTable(['measure', 'measured', 'goal'], goals);
console.log(`load at end: ${uptime()}`);
