// One measured run of `evb pack`, `evb verify` or `evb convert` (the real CLI code, in process), in its own child so that
// bench/bundle.ts sees this run's peak RSS alone. Prints one JSON line: { seconds, exitCode }.
// Time is measured around the command only: Node and tsx start-up are not counted.
// Usage: tsx bench/bundle-worker.ts pack <folder> <spec.json> <out>
//        tsx bench/bundle-worker.ts verify <bundle> <trusted.pub.jwk>
//        tsx bench/bundle-worker.ts convert <in> <out>
//        tsx bench/bundle-worker.ts version   (the baseline: what Node and tsx alone cost)
import { main } from '../src/cli/main.js';

const [mode, ...args] = process.argv.slice(2);
const io = { stdout: () => undefined, stderr: (t: string) => void process.stderr.write(t), stderrIsTTY: false, cwd: process.cwd() };
const argv =
  mode === 'pack'
    ? ['pack', args[0]!, '--spec', args[1]!, '--out', args[2]!, '--quiet', '--sign', `packager=${args[3]!}`]
    : mode === 'convert'
      ? ['convert', args[0]!, args[1]!]
      : mode === 'version'
        ? ['--version']
        : ['verify', args[0]!, '--trust', args[1]!, '--quiet'];
const started = performance.now();
const exitCode = await main(argv, io);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, exitCode }));
process.exitCode = exitCode;
