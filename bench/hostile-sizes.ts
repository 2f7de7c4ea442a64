// Hostile sizes inside the documented limits (issue 8, section 4): builds each hostile bundle, verifies it in a
// child process of its own and prints wall time, peak RSS and the findings it gave. One case at a time: the
// children never run in parallel, so each peak RSS is that case's alone.
// Usage: npm run bench:hostile [-- case ...]      (no case: all of them; --list names them)
// Inputs are generated under bench/.data/hostile/ (git-ignored) and removed after each case.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { bagManifestBytes, LIMITS, MANIFEST_FILE, CUSTODY_FILE, SIGNATURES_FILE } from '../src/model/layout.js';
import { BAG_LIMITS } from '../src/bagit/validate-bag.js';
import { canonicalize } from '../src/encoding/jcs.js';
import { parseJson } from '../src/encoding/strict-json.js';
import { toHex } from '../src/internal/bytes.js';
import { DATA_DIR, MiB } from './lib/data.js';
import { runCommand } from './lib/system.js';
import { mib, printTable } from './lib/table.js';

const REPO = join(import.meta.dirname, '..');
const work = join(DATA_DIR, 'hostile');
const encoder = new TextEncoder();

/** Writes `count` copies of `unit` between `head` and `tail`, separated by `separator`, without one big string. */
async function writeRepeated(path: string, head: string, unit: (i: number) => string, count: number, separator: string, tail: string): Promise<void> {
  const file = await fsp.open(path, 'w');
  try {
    let buffer = head;
    for (let i = 0; i < count; i++) {
      buffer += (i > 0 ? separator : '') + unit(i);
      if (buffer.length > 4 * MiB) {
        await file.write(buffer);
        buffer = '';
      }
    }
    await file.write(buffer + tail);
  } finally {
    await file.close();
  }
}

/** A small, valid, signed bundle to make hostile variants of (packed by the real CLI). */
async function baseBundle(): Promise<string> {
  const base = join(work, 'base');
  if ((await fsp.stat(join(base, 'bundle', 'bagit.txt')).catch(() => undefined)) !== undefined) return base;
  await fsp.rm(base, { recursive: true, force: true });
  await fsp.mkdir(join(base, 'payload'), { recursive: true });
  await fsp.writeFile(join(base, 'payload', 'a.txt'), 'evidence\n');
  const demo = JSON.parse(await fsp.readFile(join(REPO, 'examples', 'demo', 'case.json'), 'utf8')) as { metadata: unknown };
  await fsp.writeFile(join(base, 'spec.json'), JSON.stringify({ metadata: demo.metadata }));
  const { main } = await import('../src/cli/main.js');
  const io = { stdout: () => undefined, stderr: (t: string) => void process.stderr.write(t), stderrIsTTY: false, cwd: base };
  if ((await main(['keygen', '--out', 'key.jwk'], io)) !== 0) throw new Error('keygen failed');
  const packed = await main(['pack', 'payload', '--spec', 'spec.json', '--out', 'bundle', '--quiet', '--sign', 'packager=key.jwk'], io);
  if (packed !== 0) throw new Error('pack failed');
  return base;
}

/** A copy of the base bundle, for one case to spoil. */
async function copyOfBase(name: string): Promise<string> {
  const base = await baseBundle();
  const dir = join(work, name);
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.cp(join(base, 'bundle'), dir, { recursive: true });
  return dir;
}

async function baseManifest(): Promise<Record<string, unknown>> {
  const base = await baseBundle();
  return parseJson(await fsp.readFile(join(base, 'bundle', MANIFEST_FILE))) as Record<string, unknown>;
}

/** Rewrites the tag manifest so that the spoiled tag files still match it: only the hostile part is wrong. */
async function fixTagManifest(dir: string): Promise<void> {
  const path = join(dir, 'tagmanifest-sha256.txt');
  const lines = (await fsp.readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  const out: string[] = [];
  for (const line of lines) {
    const name = line.slice(66);
    const bytes = await fsp.readFile(join(dir, name)).catch(() => undefined);
    out.push(bytes === undefined ? line : `${toHex(sha256(bytes))}  ${name}`);
  }
  // A tag file the case added (the base bundle has no custody log) is listed too.
  for (const name of [CUSTODY_FILE]) {
    const bytes = await fsp.readFile(join(dir, name)).catch(() => undefined);
    if (bytes !== undefined && !lines.some((l) => l.slice(66) === name)) out.push(`${toHex(sha256(bytes))}  ${name}`);
  }
  await fsp.writeFile(path, `${out.join('\n')}\n`);
}

interface Case {
  name: string;
  what: string;
  build(dir: string): Promise<void>;
}

const HEX64 = '0'.repeat(64);

const cases: Case[] = [
  {
    name: 'manifest-items',
    what: `manifest of LIMITS.items (${LIMITS.items}) items in their smallest form (what fits LIMITS.manifestValues), none of them in data/`,
    async build(dir) {
      const manifest = await baseManifest();
      const first = (manifest['items'] as Record<string, unknown>[])[0]!;
      const small = { mediaType: first['mediaType'], size: first['size'], digests: first['digests'], disclosure: first['disclosure'] };
      const items = Array.from({ length: LIMITS.items }, (_, i) => ({ ...small, id: `item-${i}`, path: `f/${i}.bin` }));
      await fsp.writeFile(join(dir, MANIFEST_FILE), canonicalize({ ...manifest, items }));
      await fixTagManifest(dir);
    },
  },
  {
    name: 'items-present',
    what: `LIMITS.items (${LIMITS.items}) items, each present as a file of data/ listed in manifest-sha256.txt, and undeclared files beside them up to LIMITS.bagEntries (${LIMITS.bagEntries})`,
    async build(dir) {
      const manifest = await baseManifest();
      const first = (manifest['items'] as Record<string, unknown>[])[0]!;
      const empty = toHex(sha256(new Uint8Array(0)));
      const items = Array.from({ length: LIMITS.items }, (_, i) => ({ ...first, id: `item-${i}`, path: `f${i % 500}/${i}.bin`, size: 0, digests: { sha256: empty } }));
      await fsp.writeFile(join(dir, MANIFEST_FILE), canonicalize({ ...manifest, items }));
      await fsp.rm(join(dir, 'data'), { recursive: true, force: true });
      for (let d = 0; d < 500; d++) await fsp.mkdir(join(dir, 'data', `f${d}`), { recursive: true });
      const lines: string[] = [];
      for (let i = 0; i < LIMITS.items; i++) {
        await fsp.writeFile(join(dir, 'data', `f${i % 500}`, `${i}.bin`), '');
        lines.push(`${empty}  data/f${i % 500}/${i}.bin`);
      }
      // Undeclared files up to the entry limit: what the bag check lists and hashes beside the items.
      for (let i = 0; i < LIMITS.bagEntries - LIMITS.items - 600; i++) await fsp.writeFile(join(dir, 'data', `f${i % 500}`, `x${i}.bin`), '');
      lines.sort();
      await fsp.writeFile(join(dir, 'manifest-sha256.txt'), `${lines.join('\n')}\n`);
      for (const name of await fsp.readdir(dir)) if (/^(tag)?manifest-(?!sha256)/.test(name)) await fsp.rm(join(dir, name));
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-zeros',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: one member the schema refuses holding [0,0,...]`,
    async build(dir) {
      const count = Math.floor((LIMITS.manifestBytes - 16) / 2);
      await writeRepeated(join(dir, MANIFEST_FILE), '{"zeros":[', () => '0', count, ',', ']}');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-top-array',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: a top-level array of 0s`,
    async build(dir) {
      const count = Math.floor((LIMITS.manifestBytes - 4) / 2);
      await writeRepeated(join(dir, MANIFEST_FILE), '[', () => '0', count, ',', ']');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-tiny-strings',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: ["ab","ab",...] in an unknown member`,
    async build(dir) {
      const count = Math.floor((LIMITS.manifestBytes - 16) / 5);
      await writeRepeated(join(dir, MANIFEST_FILE), '{"s":[', () => '"ab"', count, ',', ']}');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-distinct-strings',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: distinct short strings as object keys`,
    async build(dir) {
      // Keys must be sorted and unique for the bytes to be canonical: fixed-width numbers are.
      const count = Math.floor((LIMITS.manifestBytes - 16) / 13);
      await writeRepeated(join(dir, MANIFEST_FILE), '{"s":{', (i) => `"${i.toString(36).padStart(6, '0')}":0`, count, ',', '}}');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-deep',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: arrays nested 63 deep, repeated`,
    async build(dir) {
      const unit = `${'['.repeat(62)}0${']'.repeat(62)}`;
      const count = Math.floor((LIMITS.manifestBytes - 16) / (unit.length + 1));
      await writeRepeated(join(dir, MANIFEST_FILE), '{"d":[', () => unit, count, ',', ']}');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'manifest-long-strings',
    what: `manifest of ${LIMITS.manifestBytes / MiB} MiB: 1 MiB strings`,
    async build(dir) {
      const unit = `"${'a'.repeat(MiB)}"`;
      const count = Math.floor((LIMITS.manifestBytes - 16) / (unit.length + 1));
      await writeRepeated(join(dir, MANIFEST_FILE), '{"s":[', () => unit, count, ',', ']}');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'custody-unreadable',
    what: `custody log of LIMITS.custodyEvents (${LIMITS.custodyEvents}) unreadable lines`,
    async build(dir) {
      await writeRepeated(join(dir, CUSTODY_FILE), '', () => 'x', LIMITS.custodyEvents, '\n', '\n');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'custody-bytes',
    what: `custody log of LIMITS.custodyBytes (${LIMITS.custodyBytes / MiB} MiB): ${LIMITS.custodyEvents} JWS lines with junk payloads`,
    async build(dir) {
      const lineBytes = Math.floor(LIMITS.custodyBytes / LIMITS.custodyEvents) - 1;
      const payload = 'A'.repeat(lineBytes - '{"payload":"","protected":"e30","signature":"AA"}'.length);
      await writeRepeated(join(dir, CUSTODY_FILE), '', () => `{"payload":"${payload}","protected":"e30","signature":"AA"}`, LIMITS.custodyEvents, '\n', '\n');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'tagmanifest-lines',
    what: '800,000-line tag manifest (58 MB) naming tag files that are not there',
    async build(dir) {
      await writeRepeated(join(dir, 'tagmanifest-sha256.txt'), '', (i) => `${HEX64}  e/${i.toString(36)}`, 800_000, '\n', '\n');
    },
  },
  {
    name: 'tagmanifest-tiny-lines',
    what: `tag manifest at its limit (bagManifestBytes(64), ${Math.round(bagManifestBytes(64) / MiB)} MiB) of 2-byte malformed lines`,
    async build(dir) {
      await writeRepeated(join(dir, 'tagmanifest-sha256.txt'), '', () => 'x', Math.floor(bagManifestBytes(64) / 2) - 1, '\n', '\n');
    },
  },
  {
    name: 'payload-manifest-lines',
    what: '800,000-line payload manifest (61 MB) naming payload files that are not there',
    async build(dir) {
      const path = join(dir, 'manifest-sha256.txt');
      const own = await fsp.readFile(path, 'utf8');
      await writeRepeated(path, own, (i) => `${HEX64}  data/${i.toString(36)}`, 800_000, '\n', '\n');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'bag-info-lines',
    what: `bag-info.txt at its limit (${BAG_LIMITS.listFileBytes / MiB} MiB) of "A: b" lines`,
    async build(dir) {
      await writeRepeated(join(dir, 'bag-info.txt'), '', () => 'A: b', Math.floor(BAG_LIMITS.listFileBytes / 5), '\n', '\n');
      await fixTagManifest(dir);
    },
  },
  {
    name: 'signatures-limit',
    what: `signature file at its limit (${LIMITS.signatureFileBytes / MiB} MiB) with ${LIMITS.signatures} signatures`,
    async build(dir) {
      const each = Math.floor(LIMITS.signatureFileBytes / LIMITS.signatures) - 64;
      const signature = { protected: 'e30', signature: 'A'.repeat(each - (each % 4)) };
      const file = { payload: '', signatures: Array.from({ length: LIMITS.signatures }, () => signature) };
      await fsp.writeFile(join(dir, SIGNATURES_FILE), canonicalize(file));
      await fixTagManifest(dir);
    },
  },
];

/** Child: verify one bundle, print time, peak RSS and the findings' codes (with counts) as one JSON line. */
async function child(dir: string): Promise<void> {
  const { verifyBundleDirectory } = await import('../src/node/index.js');
  const started = performance.now();
  const report = await verifyBundleDirectory(dir, { trustedKeys: [] });
  const seconds = (performance.now() - started) / 1000;
  const codes: Record<string, number> = {};
  for (const f of report.findings) codes[f.code] = (codes[f.code] ?? 0) + 1;
  const reportBytes = encoder.encode(JSON.stringify(report)).length;
  console.log(JSON.stringify({ seconds, maxRss: process.resourceUsage().maxRSS * 1024, outcome: report.outcome, findings: report.findings.length, reportBytes, codes }));
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { child: { type: 'string' }, list: { type: 'boolean' }, keep: { type: 'boolean' } } });
if (values.child !== undefined) {
  await child(values.child);
} else if (values.list) {
  for (const c of cases) console.log(`${c.name}: ${c.what}`);
} else {
  const chosen = positionals.length === 0 ? cases : positionals.map((n) => cases.find((c) => c.name === n) ?? raise(`no case ${n}`));
  const rows: Array<Array<string | number>> = [];
  await fsp.mkdir(work, { recursive: true });
  for (const c of chosen) {
    const dir = await copyOfBase(c.name);
    await c.build(dir);
    let row: Array<string | number>;
    try {
      const run = await runCommand(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'hostile-sizes.ts'), '--child', dir], { cwd: REPO });
      const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number; maxRss: number; outcome: string; findings: number; reportBytes: number; codes: Record<string, number> };
      const codes = Object.entries(r.codes).map(([code, n]) => `${code} x${n}`).join(', ');
      row = [c.name, r.seconds.toFixed(2), mib(run.peakRssBytes ?? r.maxRss), r.outcome, r.findings, (r.reportBytes / 1024).toFixed(0), codes];
    } catch (error) {
      // No report at all: say how the child died and how much memory it had taken.
      const text = String((error as Error).message);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
      const why = /heap out of memory|Maximum call stack size exceeded|terminated by signal \d+|exited with \d+/.exec(text);
      row = [c.name, '-', rss ? mib(Number(rss[1]) * 1024) : '-', 'CRASH', '-', '-', why?.[0] ?? text.slice(0, 200)];
    }
    console.log(row.join(' | '));
    rows.push(row);
    if (!values.keep) await fsp.rm(dir, { recursive: true, force: true });
  }
  console.log(`\nnode ${process.version}; seconds measured inside the child around verifyBundleDirectory; peak RSS of the child (GNU time when available).`);
  printTable(['case', 'seconds', 'peak RSS MiB', 'outcome', 'findings', 'report KiB', 'codes'], rows);
}

function raise(message: string): never {
  throw new Error(message);
}
