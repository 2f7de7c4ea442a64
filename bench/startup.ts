// Start-up: what a user waits for on a small bundle, where start-up is most of the time. Whole processes of the
// built CLI (spawn to exit) against `node -e 0` (Node's own start-up, the floor) and, with --baseline, against
// another build of the CLI (an earlier commit's) in pairs run in turn; medians of several runs, peak RSS.
// Usage: npm run bench:startup [-- --runs 9 --no-build --baseline other/dist/cli/evb.js]
// Data (a signed bundle of three small files, as a directory and as a ZIP, and the proof of one item of the same
// files packed as format 1.2) lives under bench/.data/startup/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR } from './lib/data.js';
import { load, pair, type Measured } from './lib/paired.js';
import { medianOf, runCommand } from './lib/system.js';
import { mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli', 'evb.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, 'no-build': { type: 'boolean', default: false }, baseline: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 2) throw new RangeError('--runs must be an integer of at least 2 (a ratio needs several runs)');

const evb = (...args: string[]): void => void execFileSync(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
if (!values['no-build']) execFileSync('npx', ['tsup'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
const root = join(DATA_DIR, 'startup');
const bundle = join(root, 'bundle');
const zip = join(root, 'bundle.zip');
const pub = join(root, 'key.pub.jwk');
const proof = join(root, 'proof.json');
if (!existsSync(proof)) {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'files'), { recursive: true });
  for (const name of ['subscriber.json', 'traffic.csv', 'note.txt']) writeFileSync(join(root, 'files', name), `${name}\n`);
  evb('keygen', '--out', join(root, 'key.jwk'));
  writeFileSync(join(root, 'spec.json'), JSON.stringify({ metadata: (JSON.parse(readFileSync(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown }).metadata }));
  evb('pack', join(root, 'files'), '--spec', join(root, 'spec.json'), '--out', bundle, '--quiet', '--sign', `packager=${join(root, 'key.jwk')}`);
  evb('convert', bundle, zip);
  // A format 1.2 bundle and the proof of one item, for verify-proof (what a third State receives).
  const disclosed = join(root, 'disclosed');
  evb('pack', join(root, 'files'), '--spec', join(root, 'spec.json'), '--out', disclosed, '--quiet', '--selective-disclosure', '--sign', `packager=${join(root, 'key.jwk')}`);
  evb('prove', disclosed, '--item', 'note.txt', '--out', proof);
}

const commands: Array<[string, string[]]> = [
  ['evb --version', ['--version']],
  ['evb --help', ['--help']],
  ['evb verify (directory)', ['verify', bundle, '--trust', pub, '--quiet']],
  ['evb verify (ZIP)', ['verify', zip, '--trust', pub, '--quiet']],
  ['evb inspect', ['inspect', bundle]],
  ['evb verify-proof', ['verify-proof', proof, '--trust', pub]],
];
console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${runs} runs per command; load average before: ${load()}`);
const floor = await medianOf(runs, () => runCommand(process.execPath, ['-e', '0']));

const rows: Array<Array<string | number>> = [];
for (const [label, args] of commands) {
  console.log(label);
  const side = (cli: string, name: string) => ({ label: name, run: () => runCommand(process.execPath, [cli, ...args], { cwd: REPO }) });
  let mine: Measured;
  let base: Measured | undefined;
  let ratio: number | undefined;
  if (values.baseline) {
    const result = await pair(runs, side(values.baseline, 'baseline'), side(CLI, 'this build'));
    [mine, base, ratio] = [result.b, result.a, result.ratio];
  } else {
    mine = { label: 'this build', ...(await medianOf(runs, side(CLI, 'this build').run)) };
  }
  rows.push([label, mine.seconds.toFixed(3), mib(mine.peakRssBytes), base ? base.seconds.toFixed(3) : '-', base ? mib(base.peakRssBytes) : '-', ratio === undefined ? '-' : `${ratio.toFixed(2)}x`]);
}
console.log(`\nStart-up, whole processes (medians of ${runs}; node -e 0, Node's own start-up: ${floor.seconds.toFixed(3)} s, ${mib(floor.peakRssBytes)} MiB); load average after: ${load()}`);
printTable(['command', 'seconds', 'peak RSS MiB', 'baseline s', 'baseline RSS MiB', 'this / baseline'], rows);
