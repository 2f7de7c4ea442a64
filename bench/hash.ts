// Hashing throughput against the system tools, on the same warm file in the same run.
// Run: npx tsx bench/hash.ts [--size-mib N] [--runs N] [--small N]
//  - default: one N MiB pseudo-random file (1024 by default): openssl dgst -sha256, sha256sum, and our
//    digestFile with node:crypto, with @noble/hashes, and with all four algorithms; MB/s, ratio to openssl, peak RSS.
//  - --small N: N files of 1-16 KiB: `sha256sum -c` of a checklist against our worker pool checking the same list.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { DATA_DIR, MiB, ensureDataFile, ensureSmallFiles } from './lib/data.js';
import { type CommandRun, bestOf, runCommand, warmPageCache } from './lib/system.js';
import { mbPerSecond, mib, printTable } from './lib/table.js';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '3' },
    small: { type: 'string' },
  },
});
const runs = Number(values.runs);
const REPO = join(DATA_DIR, '..', '..');
const WORKER = join('bench', 'hash-worker.ts');

interface Measured {
  label: string;
  seconds: number;
  peakRssBytes: number | undefined;
}

/** Runs bench/hash-worker.ts in a child: its own timing (work only) and its peak RSS. */
async function ours(label: string, args: string[]): Promise<Measured & { sha256: string; bytes: number }> {
  const run = await bestOf(runs, async () => {
    const child = await runCommand(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: REPO });
    const line = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { seconds: number; sha256: string; bytes: number; maxRssBytes: number };
    return { ...line, peakRssBytes: child.peakRssBytes ?? line.maxRssBytes };
  });
  return { label, ...run };
}

async function external(label: string, command: string, args: string[]): Promise<Measured & CommandRun> {
  return { label, ...(await bestOf(runs, () => runCommand(command, args, { cwd: REPO }))) };
}

console.log(`node ${process.version}, ${availableParallelism()} CPUs, best of ${runs} run(s); page cache warmed first.`);

// Our runs' peak RSS includes Node, tsx and the library; this run loads the same and hashes nothing.
const baseline = await ours('(node + tsx, no hashing)', ['baseline', '-']);

if (values.small !== undefined) {
  const count = Number(values.small);
  const dir = join(DATA_DIR, `small-${count}`);
  const paths = ensureSmallFiles(dir, count, 1024, 16 * 1024);
  await warmPageCache(paths);
  // The checklist is written by sha256sum itself, so our pool is checked against an independent tool.
  const relPaths = paths.map((p) => relative(REPO, p));
  let checklist = '';
  for (let i = 0; i < relPaths.length; i += 1000) checklist += (await runCommand('sha256sum', relPaths.slice(i, i + 1000), { cwd: REPO })).stdout;
  const listFile = join(dir, 'SHA256SUMS');
  writeFileSync(listFile, checklist);
  const sha256sum = await external('sha256sum -c (1 process)', 'sha256sum', ['-c', '--quiet', relative(REPO, listFile)]);
  const pool = await ours(`our pool (${availableParallelism()} workers)`, ['pool', relative(REPO, listFile)]);
  const bytes = pool.bytes;
  console.log(`${count} files of 1-16 KiB, ${mib(bytes)} MiB in all`);
  printTable(
    ['tool', 'files/s', 'MB/s', 'speed vs sha256sum', 'peak RSS MiB'],
    [sha256sum, pool].map((m) => [
      m.label,
      Math.round(count / m.seconds),
      mbPerSecond(bytes, m.seconds),
      `${(sha256sum.seconds / m.seconds).toFixed(2)}x`,
      mib(m.peakRssBytes),
    ]),
  );
  console.log(`peak RSS of a child that loads the same code and hashes nothing: ${mib(baseline.peakRssBytes)} MiB`);
} else {
  const sizeMiB = Number(values['size-mib']);
  const file = ensureDataFile(join(DATA_DIR, `random-${sizeMiB}MiB.bin`), sizeMiB * MiB, `hash-${sizeMiB}`);
  const rel = relative(REPO, file);
  await warmPageCache([file]);
  const openssl = await external('openssl dgst -sha256', 'openssl', ['dgst', '-sha256', rel]);
  const sha256sum = await external('sha256sum', 'sha256sum', [rel]);
  const node = await ours('digestFile, node:crypto, sha256', ['file', rel, 'node', 'sha256']);
  const noble = await ours('digestFile, noble, sha256', ['file', rel, 'noble', 'sha256']);
  const all = await ours('digestFile, node:crypto, all four', ['file', rel, 'node', 'sha256,sha512,sha3-256,blake3']);
  // All of them must have hashed the same bytes to the same value, or the timings mean nothing.
  const reference = /([0-9a-f]{64})\s*$/.exec(openssl.stdout)?.[1];
  for (const m of [node, noble, all]) if (m.sha256 !== reference) throw new Error(`${m.label}: SHA-256 differs from openssl`);
  if (!sha256sum.stdout.startsWith(reference!)) throw new Error('sha256sum disagrees with openssl');

  const bytes = sizeMiB * MiB;
  console.log(`${sizeMiB} MiB file; external tools timed from spawn to exit, ours inside the child around the work.`);
  printTable(
    ['tool', 'seconds', 'MB/s', 'vs openssl', 'peak RSS MiB'],
    [openssl, sha256sum, node, noble, all].map((m) => [
      m.label,
      m.seconds.toFixed(3),
      mbPerSecond(bytes, m.seconds),
      `${(openssl.seconds / m.seconds).toFixed(2)}x`,
      mib(m.peakRssBytes),
    ]),
  );
  console.log(`peak RSS of a child that loads the same code and hashes nothing: ${mib(baseline.peakRssBytes)} MiB`);
}
