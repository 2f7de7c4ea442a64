// Pack and verify, whole processes of the built CLI, each paired with its reference on the same data in the
// same run: verify with `openssl dgst -sha256` / `sha256sum -c`, pack with `cp` (`cp -r`) plus `sync`, and
// `pack --in-place` of many small files with bagit.py creating a bag in place when EVB_BAGIT_PY names its script.
// Usage: npm run bench [-- --large-mib 2048 --small 100000 --runs 3 --markdown --pack-only]
// Data is generated once under bench/.data/ (git-ignored); the page cache is warmed before timing. What is timed
// is what a user waits for: `node dist/cli/evb.js` (built first) from spawn to exit, start-up included; peak RSS
// is the child's own (GNU time). Each ratio is the median of the ratios of pairs run in turn (which side goes
// first alternates), the load average printed before every run; a single run gives no ratio.
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, ensureDataFile, MiB, smallFileSet } from './lib/data.js';
import { pair, showRatio, uptime, type Measured, type PairResult } from './lib/paired.js';
import { medianOf, runCommand, warmPageCache, type CommandRun } from './lib/system.js';
import { mbPerSecond, mib, printMarkdownTable, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli', 'evb.js');
const { values } = parseArgs({
  options: {
    'large-mib': { type: 'string', default: '2048' },
    small: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    markdown: { type: 'boolean', default: false },
    // Only the pack pairs (pack, pack --in-place), not the verify ones: for work on packing.
    'pack-only': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError('--runs must be a positive integer');
const work = join(DATA_DIR, 'bundles');
// The command that runs bagit.py (`python3 path/to/bagit-run.py`, as bench/scale.ts takes it; a bare script path
// is run with python3); `COMMAND DIR` makes DIR a bag in place. Skipped when unset.
const bagitSetting = process.env['EVB_BAGIT_PY']?.trim() || undefined;
const bagitPy = bagitSetting === undefined ? undefined : /\s/.test(bagitSetting) ? bagitSetting : `python3 ${bagitSetting}`;

const evb = (args: string[]) => (): Promise<CommandRun> => runCommand(process.execPath, [CLI, ...args], { cwd: work });
const sh = (script: string, ...args: string[]) => (): Promise<CommandRun> => runCommand('sh', ['-c', script, 'sh', ...args], { cwd: work });
const rm = (path: string) => (): Promise<void> => fsp.rm(path, { recursive: true, force: true });
const pack = (input: string, out: string): string[] => ['pack', input, '--spec', 'spec.json', '--out', out, '--quiet', '--sign', 'packager=bench.jwk'];
const verify = (bundle: string): string[] => ['verify', bundle, '--trust', 'bench.pub.jwk', '--quiet'];

const header = ['run', 'seconds (median)', 'MB/s', 'files/s', 'vs reference', 'peak RSS MiB'];
const tables: Array<{ title: string; rows: Array<Array<string | number>> }> = [];
const goals: Array<[string, string, string]> = [];
const row = (m: Measured, ratio: string, bytes: number, count: number): Array<string | number> => [
  m.label, m.seconds.toFixed(3), mbPerSecond(bytes, m.seconds), Math.round(count / m.seconds), ratio, mib(m.peakRssBytes),
];
const rowsOf = (p: PairResult, bytes: number, count: number): Array<Array<string | number>> => [
  row(p.a, 'reference', bytes, count),
  row(p.b, showRatio(p.ratio), bytes, count),
];

async function setup(): Promise<void> {
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(work, { recursive: true });
  const demo = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown };
  await fsp.writeFile(join(work, 'spec.json'), JSON.stringify({ metadata: demo.metadata }));
  await evb(['keygen', '--out', 'bench.jwk'])();
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${runs} pairs per ratio; page cache warmed; whole processes of the built CLI.`);
console.log(`load at start: ${uptime()}`);
console.log(`peak RSS: ${existsSync('/usr/bin/time') ? 'GNU time -v' : 'not measured (no /usr/bin/time: apt-get install time)'}`);
await setup();
const baseline = { label: 'evb --version', ...(await medianOf(runs, evb(['--version']))) };
console.log(`baseline of the built CLI (Node + dist, no work): ${baseline.seconds.toFixed(3)} s, peak RSS ${mib(baseline.peakRssBytes)} MiB`);

// One large item (`--large-mib 0` skips it).
if (Number(values['large-mib']) > 0) {
  const sizeMiB = Number(values['large-mib']);
  const bytes = sizeMiB * MiB;
  const folder = join(DATA_DIR, `large-${sizeMiB}MiB`);
  const file = ensureDataFile(join(folder, 'image.bin'), bytes, `bundle-${sizeMiB}`);
  await warmPageCache([file]);
  const copy = join(work, 'copy.bin');
  const out = join(work, 'large.bundle');
  // What packing cannot beat: writing the bytes and flushing them, as a durable bundle must.
  const packed = await pair(
    runs,
    { label: 'cp + sync', run: sh('cp "$1" "$2" && sync "$2"', file, copy), before: rm(copy) },
    { label: 'evb pack', run: evb(pack(folder, out)), before: rm(out) },
  );
  await rm(copy)();
  await warmPageCache([join(out, 'data', 'image.bin')]);
  const verified = await pair(
    runs,
    { label: 'openssl dgst -sha256', run: () => runCommand('openssl', ['dgst', '-sha256', file]) },
    { label: 'evb verify', run: evb(verify(out)) },
  );
  tables.push({ title: `One file of ${sizeMiB} MiB`, rows: [...rowsOf(packed, bytes, 1), ...rowsOf(verified, bytes, 1)] });
  goals.push(
    [`verify ${sizeMiB} MiB / openssl dgst -sha256`, showRatio(verified.ratio), '<= 1.10x'],
    [`verify ${sizeMiB} MiB peak RSS`, `${mib(verified.b.peakRssBytes)} MiB`, '< 150 MB (143.1 MiB)'],
    [`pack ${sizeMiB} MiB / cp + sync`, showRatio(packed.ratio), '(the write floor)'],
  );
  await rm(out)();
}

// Many small files (`--small 0` skips them).
if (Number(values.small) > 0) {
  const count = Number(values.small);
  const { folder, bytes, checklist } = await smallFileSet(count, work);
  const copy = join(work, 'small-copy');
  const out = join(work, 'small.bundle');
  const packed = await pair(
    runs,
    { label: 'cp -r + sync', run: sh('cp -r "$1" "$2" && sync', folder, copy), before: rm(copy) },
    { label: 'evb pack', run: evb(pack(folder, out)), before: rm(out) },
  );
  await rm(copy)();
  const rows = rowsOf(packed, bytes, count);
  goals.push([`pack ${count} small files / cp -r + sync`, showRatio(packed.ratio), '<= 1.50x']);
  if (!values['pack-only']) {
    const verified = await pair(
      runs,
      { label: 'sha256sum -c', run: () => runCommand('sha256sum', ['-c', '--quiet', checklist], { cwd: folder }) },
      { label: 'evb verify', run: evb(verify(out)) },
    );
    rows.push(...rowsOf(verified, bytes, count));
    goals.push(
      [`verify ${count} small files / sha256sum -c`, showRatio(verified.ratio), '<= 0.50x'],
      [`verify ${count} small files peak RSS`, `${mib(verified.b.peakRssBytes)} MiB`, '< 150 MB (143.1 MiB)'],
    );
  }
  await rm(out)();
  if (bagitPy === undefined) {
    console.log('bagit.py: skipped (set EVB_BAGIT_PY to the command that runs it)');
    rows.push(['bagit.py (in place)', 'skipped', '-', '-', '-', '-']);
  } else {
    // Both sides turn a fresh copy of the folder into a bag in place (the copy made and flushed before the run,
    // not timed): bagit.py, and `evb pack --in-place` (rename only, signed).
    const bag = join(work, 'bagit-in-place');
    const mine = join(work, 'evb-in-place');
    const fresh = (dir: string) => async (): Promise<void> => {
      await rm(dir)();
      await runCommand('sh', ['-c', 'cp -r "$1" "$2" && sync', 'sh', folder, dir]);
    };
    const created = await pair(
      runs,
      { label: 'bagit.py (in place)', run: () => runCommand('sh', ['-c', `exec ${bagitPy} "$0"`, bag]), before: fresh(bag) },
      { label: 'evb pack --in-place', run: evb(['pack', '--in-place', mine, '--spec', 'spec.json', '--quiet', '--sign', 'packager=bench.jwk']), before: fresh(mine) },
    );
    rows.push(...rowsOf(created, bytes, count));
    goals.push([`pack --in-place ${count} small files / bagit.py creating a bag in place`, showRatio(created.ratio), '<= 0.50x']);
    await rm(mine)();
    await rm(bag)();
    await rm(out)();
  }
  tables.push({ title: `${count} files of 1-16 KiB, ${mib(bytes)} MiB`, rows });
}

const print = values.markdown ? printMarkdownTable : printTable;
console.log(`\nbaseline: evb --version ${baseline.seconds.toFixed(3)} s, peak RSS ${mib(baseline.peakRssBytes)} MiB`);
for (const { title, rows } of tables) {
  console.log(`\n${title} (each reference above the command paired with it)`);
  print(header, rows);
}
console.log('\nGoals (issue 13; ratios: medians of the ratios of pairs run in turn)');
print(['measure', 'measured', 'goal'], goals);
console.log(`load at end: ${uptime()}`);
