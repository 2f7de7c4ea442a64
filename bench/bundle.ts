// Pack and verify throughput and peak RSS, against openssl and sha256sum on the same data in the same run.
// Usage: npm run bench [-- --large-mib 2048 --small 100000 --runs 1]
// Data is generated once under bench/.data/ (git-ignored); the page cache is warmed before timing.
import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, ensureDataFile, MiB, smallFileSet } from './lib/data.js';
import { bestOf, runCommand, warmPageCache, type CommandRun } from './lib/system.js';
import { mbPerSecond, mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'large-mib': { type: 'string', default: '2048' }, small: { type: 'string', default: '100000' }, runs: { type: 'string', default: '1' } },
});
const runs = Number(values.runs);
const work = join(DATA_DIR, 'bundles');

interface Measured extends CommandRun {
  label: string;
}

async function external(label: string, command: string, args: string[], cwd = REPO): Promise<Measured> {
  return { label, ...(await bestOf(runs, () => runCommand(command, args, { cwd }))) };
}

/** Runs bench/bundle-worker.ts in a child; the time is the one it measured around the command. */
async function ours(label: string, args: string[], before?: () => Promise<void>): Promise<Measured> {
  const run = await bestOf(runs, async () => {
    await before?.();
    const r = await runCommand(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'bundle-worker.ts'), ...args], { cwd: REPO });
    const inner = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; exitCode: number };
    if (inner.exitCode !== 0) throw new Error(`${label}: exit ${inner.exitCode}`);
    return { ...r, seconds: inner.seconds };
  });
  return { label, ...run };
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

function ratioRow(m: Measured, reference: Measured, bytes: number, count: number): Array<string | number> {
  return [m.label, m.seconds.toFixed(3), mbPerSecond(bytes, m.seconds), Math.round(count / m.seconds), `${(m.seconds / reference.seconds).toFixed(2)}x`, mib(m.peakRssBytes)];
}

const header = ['run', 'seconds', 'MB/s', 'files/s', 'time vs reference', 'peak RSS MiB'];
console.log(`node ${process.version}, ${availableParallelism()} CPUs, best of ${runs}; page cache warmed; our times measured inside the child around the command.`);
const { spec, key, pub } = await setup();

// One large file.
{
  const sizeMiB = Number(values['large-mib']);
  const folder = join(DATA_DIR, `large-${sizeMiB}MiB`);
  const file = ensureDataFile(join(folder, 'image.bin'), sizeMiB * MiB, `bundle-${sizeMiB}`);
  await warmPageCache([file]);
  const openssl = await external('openssl dgst -sha256', 'openssl', ['dgst', '-sha256', file]);
  // What packing cannot beat: writing the bytes and flushing them to disk, as a durable bundle must.
  const copied = join(work, 'copy.bin');
  const copyFloor = await external('cp + sync (write floor)', 'sh', ['-c', 'cp "$0" "$1" && sync "$1"', file, copied]);
  await fsp.rm(copied, { force: true });
  const out = join(work, 'large.bundle');
  const pack = await ours('evb pack (copy + hash + sign)', ['pack', folder, spec, out, key], () => fsp.rm(out, { recursive: true, force: true }));
  await warmPageCache([join(out, 'data', 'image.bin')]);
  const verify = await ours('evb verify', ['verify', out, pub]);
  console.log(`\nOne file of ${sizeMiB} MiB (reference: openssl dgst -sha256; goal: pack and verify <= 1.10x, RSS < 150 MB)`);
  printTable(header, [openssl, copyFloor, pack, verify].map((m) => ratioRow(m, openssl, sizeMiB * MiB, 1)));
  await fsp.rm(out, { recursive: true, force: true });
}

// Many small files.
{
  const count = Number(values.small);
  const { folder, bytes, checklist: list } = await smallFileSet(count, work);
  const sha256sum = await external('sha256sum -c', 'sha256sum', ['-c', '--quiet', list], folder);
  const out = join(work, 'small.bundle');
  const pack = await ours('evb pack', ['pack', folder, spec, out, key], () => fsp.rm(out, { recursive: true, force: true }));
  const verify = await ours('evb verify', ['verify', out, pub]);
  console.log(`\n${count} files of 1-16 KiB, ${mib(bytes)} MiB (reference: sha256sum -c; goal: verify <= 0.50x)`);
  printTable(header, [sha256sum, pack, verify].map((m) => ratioRow(m, sha256sum, bytes, count)));
  await fsp.rm(out, { recursive: true, force: true });
}
