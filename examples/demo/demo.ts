// The cross-border scenario of the README, end to end, through the `evb` command line (the public API only).
// Viet Nam's central authority answers a mutual-legal-assistance request from Algeria under the UN Convention
// against Cybercrime: it packs the evidence, signs as packager and as certifying central authority; Algeria
// verifies with the keys it trusts; a copy with one altered byte is refused with the exact finding.
// Everything is written to a fresh temporary directory (or the one named by EVB_DEMO_DIR).
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../src/cli/main.js';

const here = import.meta.dirname;
const work = process.env.EVB_DEMO_DIR ?? (await fsp.mkdtemp(join(tmpdir(), 'evb-demo-')));
await fsp.mkdir(work, { recursive: true });

const bold = (t: string): string => (process.stdout.isTTY ? `\x1b[1m${t}\x1b[0m` : t);
const short = (p: string): string => (p.startsWith(work) ? `$DEMO/${relative(work, p)}` : relative(process.cwd(), p) || '.');

async function evb(title: string, args: string[], expected: number): Promise<string> {
  console.log(`\n${bold(`== ${title}`)}`);
  console.log(`$ evb ${args.map(short).join(' ')}`);
  let out = '';
  const code = await main(args, {
    stdout: (t) => {
      out += t;
      process.stdout.write(t.replaceAll(work, '$DEMO'));
    },
    stderr: (t) => process.stderr.write(t.replaceAll(work, '$DEMO')),
    stderrIsTTY: false,
    cwd: process.cwd(),
  });
  console.log(`(exit ${code})`);
  if (code !== expected) throw new Error(`demo: expected exit ${expected} from "evb ${args[0]}", got ${code}`);
  return out;
}

console.log(bold('evidence-bundle demo: Viet Nam answers a request from Algeria'));
console.log(`working directory: $DEMO = ${work}`);

const examinerKey = join(work, 'vn-examiner.jwk');
const authorityKey = join(work, 'vn-central-authority.jwk');
const strangerKey = join(work, 'unknown-signer.jwk');
await evb('Viet Nam: the forensic examiner creates a signing key', ['keygen', '--out', examinerKey], 0);
await evb("Viet Nam: the central authority's key (its public half was given to Algeria beforehand)", ['keygen', '--alg', 'ES256', '--out', authorityKey], 0);

const bundle = join(work, 'VN-A05-2026-0917.bundle');
await evb(
  'Viet Nam: pack the evidence with its legal basis, signed by the examiner as packager',
  ['pack', '--spec', join(here, 'case.json'), '--out', bundle, '--alg', 'sha512', '--sign', `packager=${examinerKey}`, '--quiet'],
  0,
);
await evb('Viet Nam: the central authority certifies the bundle (second signature)', ['sign', bundle, '--key', authorityKey, '--role', 'certifier'], 0);
await evb('Algeria: what did we receive?', ['inspect', bundle], 0);

const trust = [join(work, 'vn-examiner.pub.jwk'), join(work, 'vn-central-authority.pub.jwk')];
await evb(
  "Algeria: verify against the keys Algeria trusts -> VALID",
  ['verify', bundle, '--trust', trust[0]!, '--trust', trust[1]!, '--quiet'],
  0,
);

// A copy in which one byte of the server log was changed in transit.
const tampered = join(work, 'tampered.bundle');
await fsp.cp(bundle, tampered, { recursive: true });
const log = join(tampered, 'data', 'logs', 'access.log');
await fsp.chmod(log, 0o644);
const bytes = await fsp.readFile(log);
bytes[100] = bytes[100]! ^ 0x01;
await fsp.writeFile(log, bytes);
console.log(`\n(one byte of data/logs/access.log flipped in a copy: ${short(tampered)})`);
await evb('Algeria: verify the altered copy -> INVALID, with the exact finding', ['verify', tampered, '--trust', trust[0]!, '--trust', trust[1]!, '--quiet'], 1);

await evb('A third party signs a clean copy with an unknown key; Algeria trusts nobody else', ['keygen', '--out', strangerKey], 0);
const unknown = join(work, 'unknown-signer.bundle');
await evb('', ['pack', '--spec', join(here, 'case.json'), '--out', unknown, '--sign', `packager=${strangerKey}`, '--quiet'], 0);
await evb('Algeria: verify it -> INDETERMINATE (intact, but not from a trusted key)', ['verify', unknown, '--trust', trust[0]!, '--trust', trust[1]!, '--quiet'], 2);

console.log(`\n${bold('Demo complete.')} Bundles are in ${work}`);
