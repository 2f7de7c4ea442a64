// The commit journal and the other protocol files travel with a bundle: every reader and writer must refuse a
// hostile one the same way, without blocking, following a link or reading past a small limit.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { isEvidenceBundleError, type ErrorCode } from '../../src/index.js';
import { sourceFindings } from '../../src/entries/bagit.js';
import { JOURNAL_MAX_BYTES } from '../../src/node/commit-journal.js';
import {
  appendCustodyEvent,
  openBundleDirectory,
  recoverInterruptedCommit,
  signBundleDirectory,
  timestampBundleDirectory,
  verifyBundleDirectory,
} from '../../src/node/index.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

const JOURNAL = '.evb-commit';
const SIGNATURES = 'evidence/signatures.json';
const PAYLOAD = 'data/chat/export.json';
const GIB = 1024 ** 3;
const actor = { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' as const };

let dir: string;
let outside: string;
let base: string;
let packager: KeyPair;
let keyFile: string;
let fifoWorks = true;
beforeAll(async () => {
  dir = await tempDir('evb-journal-');
  outside = await fsp.mkdtemp(join(dir, 'outside-'));
  packager = await keyPair();
  base = await packDemo(dir, { name: 'base', packager });
  keyFile = join(dir, 'packager.pub.jwk');
  await fsp.writeFile(keyFile, JSON.stringify(packager.publicJwk));
  try {
    execFileSync('mkfifo', [join(outside, 'probe')]);
  } catch {
    fifoWorks = false;
  }
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function copyOfBase(): Promise<string> {
  const b = join(dir, `case-${++counter}`);
  await fsp.cp(base, b, { recursive: true });
  return b;
}

const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);

/** Every entry of a tree as lstat sees it, regular files by digest: never follows a link nor opens a FIFO. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await fsp.readdir(join(root, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      const stat = await fsp.lstat(full);
      if (stat.isSymbolicLink()) out[path] = `link ${await fsp.readlink(full)}`;
      else if (stat.isDirectory()) {
        out[path] = 'dir';
        await walk(path);
      } else if (stat.isFile()) {
        // A sparse file of 100 GB is told by its size, not read.
        out[path] = stat.size > 1024 * 1024 ? `file of ${stat.size} bytes` : `file ${createHash('sha256').update(await fsp.readFile(full)).digest('hex')}`;
      } else out[path] = 'special';
    }
  };
  await walk('');
  return out;
}

async function readView(b: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await openBundleDirectory(b)).read(path)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs `evb` in-process and fails (instead of hanging the suite) when it does not finish in time. */
async function evbWithin(ms: number, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: () => undefined, stderrIsTTY: false, cwd: dir };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([main(args, io).then((code) => ({ code, out })), timeout]);
  clearTimeout(timer);
  if (result === 'timeout') throw new Error(`evb ${args.join(' ')} did not finish within ${ms} ms`);
  return result;
}

const hasCode = (code: ErrorCode) => (e: unknown) => isEvidenceBundleError(e, code);

interface Hostile {
  name: string;
  /** Plants the hostile file(s) in bundle `b`. */
  make: (b: string) => Promise<void>;
  /** The finding the verifier reports, and where. */
  finding: 'bag.journal.invalid' | 'bag.journal.special-file';
  at: string;
  /** What writers throw; ERR_BAG_INVALID unless said. */
  error?: ErrorCode;
  fifo?: boolean;
}

const journalText = (text: string) => (b: string) => fsp.writeFile(join(b, JOURNAL), text);
const journalBytes = (bytes: Uint8Array) => (b: string) => fsp.writeFile(join(b, JOURNAL), bytes);
const naming = (...files: unknown[]) => journalText(JSON.stringify({ files }));
/** A journal naming `name`, with a forged pending version planted beside it: acting on it would show the forgery. */
const namingWithForgery = (name: string) => async (b: string) => {
  await fsp.writeFile(join(b, `${name}.evb-new`), 'forged');
  await naming(name)(b);
};
const valid = JSON.stringify({ files: [SIGNATURES] });

const HOSTILE: Hostile[] = [
  // Not strict JSON.
  { name: 'malformed JSON', make: journalText('{"files": ["evidence/signatures.json"]'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'not JSON at all', make: journalText('files=evidence/signatures.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'empty file', make: journalText(''), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'trailing data', make: journalText(`${valid} {}`), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'duplicate key', make: journalText('{"files":["bag-info.txt"],"files":["evidence/signatures.json"]}'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'not UTF-8', make: journalBytes(Uint8Array.from([...Buffer.from('{"files":["evidence/'), 0xff, ...Buffer.from('"]}')])), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a byte-order mark', make: journalBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)])), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a lone surrogate', make: journalText('{"files":["evidence/\\ud800"]}'), finding: 'bag.journal.invalid', at: JOURNAL },
  // Wrong shape.
  { name: 'an array', make: journalText(JSON.stringify([SIGNATURES])), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'null', make: journalText('null'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a string', make: journalText(JSON.stringify(SIGNATURES)), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'an empty object', make: journalText('{}'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'an extra member', make: journalText(JSON.stringify({ files: [SIGNATURES], note: 'x' })), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a __proto__ member', make: journalText(`{"files":["${SIGNATURES}"],"__proto__":{}}`), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'files not an array', make: journalText(JSON.stringify({ files: SIGNATURES })), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'files an object', make: journalText(JSON.stringify({ files: { 0: SIGNATURES } })), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'no file listed', make: naming(), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a number', make: naming(1), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'null among names', make: naming(SIGNATURES, null), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a nested array', make: naming([SIGNATURES]), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'an empty name', make: naming(''), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a name twice', make: naming(SIGNATURES, SIGNATURES), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a name twice after case folding', make: naming('bag-info.txt', 'BAG-INFO.txt'), finding: 'bag.journal.invalid', at: JOURNAL },
  // Names nothing a commit may replace.
  { name: 'a payload file', make: namingWithForgery(PAYLOAD), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a payload file in upper case', make: naming('DATA/chat/export.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a payload file in mixed case', make: naming('Data/chat/export.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'the payload directory', make: naming('data'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a name not in NFC', make: naming('evidence/cafe\u0301.txt'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a payload file in NFD', make: naming('data/cafe\u0301.txt'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'itself', make: naming(JOURNAL), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'itself in upper case', make: naming('.EVB-COMMIT'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'its temporary file', make: naming('.evb-commit.tmp'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a pending file', make: naming(`${SIGNATURES}.evb-new`), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a pending file in upper case', make: naming(`${SIGNATURES}.EVB-NEW`), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a .. path', make: naming('../outside'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a .. path back into the payload', make: naming('evidence/../data/chat/export.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a . segment', make: naming('evidence/./signatures.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'an empty segment', make: naming('evidence//signatures.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'an absolute path', make: naming('/etc/passwd'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a backslash', make: naming('evidence\\signatures.json'), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a NUL', make: naming('evidence/signatures.json\u0000'), finding: 'bag.journal.invalid', at: JOURNAL },
  {
    name: 'a file behind a symbolic link',
    make: async (b) => {
      await fsp.writeFile(join(outside, 'victim.evb-new'), 'planted');
      await fsp.symlink(outside, join(b, 'ext'));
      await naming('ext/victim')(b);
    },
    finding: 'bag.journal.invalid',
    at: JOURNAL,
    error: 'ERR_PATH_UNSAFE',
  },
  // Too large: refused by its size before reading.
  { name: 'one byte over the limit', make: journalText(valid.padEnd(JOURNAL_MAX_BYTES + 1, ' ')), finding: 'bag.journal.invalid', at: JOURNAL },
  {
    name: 'a sparse file of 100 GB',
    make: async (b) => {
      await fsp.writeFile(join(b, JOURNAL), valid);
      await fsp.truncate(join(b, JOURNAL), 100 * GIB);
    },
    finding: 'bag.journal.invalid',
    at: JOURNAL,
  },
  // Not a regular file.
  { name: 'a directory', make: (b) => fsp.mkdir(join(b, JOURNAL)), finding: 'bag.journal.invalid', at: JOURNAL },
  {
    name: 'a symbolic link to a good journal inside the bundle',
    make: async (b) => {
      await fsp.writeFile(join(b, 'evidence', 'journal.json'), valid);
      await fsp.writeFile(join(b, `${SIGNATURES}.evb-new`), 'forged');
      await fsp.symlink('evidence/journal.json', join(b, JOURNAL));
    },
    finding: 'bag.journal.invalid',
    at: JOURNAL,
  },
  {
    name: 'a symbolic link to a good journal outside the bundle',
    make: async (b) => {
      const target = join(outside, `journal-${counter}`);
      await fsp.writeFile(target, valid);
      await fsp.writeFile(join(b, `${SIGNATURES}.evb-new`), 'forged');
      await fsp.symlink(target, join(b, JOURNAL));
    },
    finding: 'bag.journal.invalid',
    at: JOURNAL,
  },
  { name: 'a dangling symbolic link', make: (b) => fsp.symlink(join(outside, 'nothing-here'), join(b, JOURNAL)), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a symbolic link to /dev/zero', make: (b) => fsp.symlink('/dev/zero', join(b, JOURNAL)), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a symbolic link to /dev/urandom', make: (b) => fsp.symlink('/dev/urandom', join(b, JOURNAL)), finding: 'bag.journal.invalid', at: JOURNAL },
  { name: 'a FIFO with no writer', make: async (b) => mkfifo(join(b, JOURNAL)), finding: 'bag.journal.invalid', at: JOURNAL, fifo: true },
  {
    name: 'a symbolic link to a FIFO outside',
    make: async (b) => {
      const fifo = join(outside, `fifo-${counter}`);
      mkfifo(fifo);
      await fsp.symlink(fifo, join(b, JOURNAL));
    },
    finding: 'bag.journal.invalid',
    at: JOURNAL,
    fifo: true,
  },
  // The other protocol files: never a way to smuggle a special file past the bag rules.
  { name: 'a temporary journal that is a directory', make: (b) => fsp.mkdir(join(b, '.evb-commit.tmp')), finding: 'bag.journal.special-file', at: '.evb-commit.tmp' },
  { name: 'a temporary journal that is a link to /dev/zero', make: (b) => fsp.symlink('/dev/zero', join(b, '.evb-commit.tmp')), finding: 'bag.journal.special-file', at: '.evb-commit.tmp' },
  { name: 'a temporary journal that is a FIFO', make: async (b) => mkfifo(join(b, '.evb-commit.tmp')), finding: 'bag.journal.special-file', at: '.evb-commit.tmp', fifo: true },
  {
    name: 'a committed pending version that is a link to a forgery outside',
    make: async (b) => {
      const forged = join(outside, `forged-${counter}`);
      await fsp.writeFile(forged, '{"signatures":[]}');
      await fsp.symlink(forged, join(b, `${SIGNATURES}.evb-new`));
      await fsp.writeFile(join(b, JOURNAL), valid);
    },
    finding: 'bag.journal.special-file',
    at: `${SIGNATURES}.evb-new`,
  },
  {
    name: 'a committed pending version that is a link to /dev/zero',
    make: async (b) => {
      await fsp.symlink('/dev/zero', join(b, `${SIGNATURES}.evb-new`));
      await fsp.writeFile(join(b, JOURNAL), valid);
    },
    finding: 'bag.journal.special-file',
    at: `${SIGNATURES}.evb-new`,
  },
  {
    name: 'a committed pending version that is a FIFO',
    make: async (b) => {
      mkfifo(join(b, `${SIGNATURES}.evb-new`));
      await fsp.writeFile(join(b, JOURNAL), valid);
    },
    finding: 'bag.journal.special-file',
    at: `${SIGNATURES}.evb-new`,
    fifo: true,
  },
  {
    name: 'a committed pending version that is a directory',
    make: async (b) => {
      await fsp.mkdir(join(b, `${SIGNATURES}.evb-new`));
      await fsp.writeFile(join(b, JOURNAL), valid);
    },
    finding: 'bag.journal.special-file',
    at: `${SIGNATURES}.evb-new`,
  },
  {
    name: 'an uncommitted pending version that is a link',
    make: (b) => fsp.symlink('/dev/zero', join(b, 'tagmanifest-sha256.txt.evb-new')),
    finding: 'bag.journal.special-file',
    at: 'tagmanifest-sha256.txt.evb-new',
  },
  {
    name: 'a pending version deep in a tag directory that is a FIFO',
    make: async (b) => {
      await fsp.mkdir(join(b, 'evidence', 'extra'));
      mkfifo(join(b, 'evidence', 'extra', 'note.txt.evb-new'));
    },
    finding: 'bag.journal.special-file',
    at: 'evidence/extra/note.txt.evb-new',
    fifo: true,
  },
];

describe('a hostile commit journal or protocol file', () => {
  const TIMEOUT = 30_000;
  it.each(HOSTILE.map((h) => [h.name, h] as const))('%s: every reader reports it, every writer refuses it, nothing changes', async (_name, hostile) => {
    if (hostile.fifo && !fifoWorks) return;
    const b = await copyOfBase();
    const signaturesBefore = await fsp.readFile(join(b, SIGNATURES), 'utf8');
    const payloadBefore = await fsp.readFile(join(b, PAYLOAD), 'utf8');
    await hostile.make(b);
    const before = await snapshot(b);
    const outsideBefore = await snapshot(outside);
    const expected = expect.objectContaining({ code: hostile.finding, path: hostile.at, severity: 'error' });

    // The library: the source hands the problem to the validator, the report is INVALID and names it.
    expect(await sourceFindings(await openBundleDirectory(b))).toEqual([expected]);
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expected);
    // Never acted on: readers see the files as they are, not what the journal or a pending file says.
    expect(await readView(b, SIGNATURES)).toBe(signaturesBefore);
    expect(await readView(b, PAYLOAD)).toBe(payloadBefore);

    // The CLI: each command ends, with the exit code of an invalid bundle.
    expect((await evbWithin(TIMEOUT, 'verify', b, '--trust', keyFile)).code).toBe(1);
    expect((await evbWithin(TIMEOUT, 'check', b)).code).toBe(1);
    const inspected = await evbWithin(TIMEOUT, 'inspect', b, '--json');
    expect(inspected.code).toBe(0);
    expect((JSON.parse(inspected.out) as { findings: unknown[] }).findings).toContainEqual(expected);
    const log = await evbWithin(TIMEOUT, 'custody', 'log', b, '--trust', keyFile, '--json');
    expect(log.code).toBe(1);
    expect((JSON.parse(log.out) as { findings: unknown[] }).findings).toContainEqual(expected);

    // The writers refuse with one code and change nothing, in the bundle or outside it.
    const error = hasCode(hostile.error ?? 'ERR_BAG_INVALID');
    const fetchNever = (() => Promise.reject(new Error('the TSA must not be asked'))) as typeof fetch;
    await expect(signBundleDirectory(b, { signer: packager.signer, role: 'certifier' })).rejects.toSatisfy(error);
    await expect(appendCustodyEvent(b, { type: 'accessed', actor, items: ['chat-export'], place: 'Lyon', purpose: 'review' }, packager.signer)).rejects.toSatisfy(error);
    await expect(timestampBundleDirectory(b, { tsaUrl: 'http://tsa.invalid', fetch: fetchNever })).rejects.toSatisfy(error);
    await expect(recoverInterruptedCommit(b)).rejects.toSatisfy(error);
    expect(await snapshot(b)).toEqual(before);
    expect(await snapshot(outside)).toEqual(outsideBefore);
  }, 120_000);
});

describe('a good journal and what borders on it', () => {
  it('a journal of exactly the limit, padded with white space, is a commit like any other', async () => {
    const reference = await copyOfBase();
    await signBundleDirectory(reference, { signer: packager.signer, role: 'certifier' });
    const b = await copyOfBase();
    const changed = [SIGNATURES, 'tagmanifest-sha256.txt'];
    for (const name of changed) await fsp.copyFile(join(reference, name), join(b, `${name}.evb-new`));
    await fsp.writeFile(join(b, JOURNAL), JSON.stringify({ files: changed }).padEnd(JOURNAL_MAX_BYTES, ' '));
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(report.findings.filter((f) => f.code.startsWith('bag.journal.'))).toEqual([]);
    expect(report.outcome).toBe('VALID');
    expect(report.signatures).toHaveLength(2);
    expect(await recoverInterruptedCommit(b)).toBe('completed');
    expect(await fsp.readFile(join(b, SIGNATURES), 'utf8')).toBe(await fsp.readFile(join(reference, SIGNATURES), 'utf8'));
  });

  it('a committed name whose pending version was already renamed is fine: nothing to read instead', async () => {
    const b = await copyOfBase();
    await fsp.writeFile(join(b, JOURNAL), valid);
    expect(await sourceFindings(await openBundleDirectory(b))).toEqual([]);
    expect((await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
    expect(await recoverInterruptedCommit(b)).toBe('completed');
    await expect(fsp.lstat(join(b, JOURNAL))).rejects.toThrow();
  });

  it('uncommitted leftovers that are regular files are ignored by readers and removed by the next writer', async () => {
    const b = await copyOfBase();
    await fsp.writeFile(join(b, `${SIGNATURES}.evb-new`), 'half-written');
    await fsp.writeFile(join(b, '.evb-commit.tmp'), '{"fi');
    expect(await sourceFindings(await openBundleDirectory(b))).toEqual([]);
    expect((await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
    await signBundleDirectory(b, { signer: packager.signer, role: 'certifier' });
    expect((await fsp.readdir(b)).filter((n) => n.startsWith('.evb'))).toEqual([]);
    await expect(fsp.lstat(join(b, `${SIGNATURES}.evb-new`))).rejects.toThrow();
  });
});

describe('a tag file that is a FIFO, a link to an endless device or a huge sparse file', () => {
  const KINDS = {
    'a FIFO with no writer': { finding: 'bag.entry.special', make: async (path: string) => mkfifo(path), fifo: true },
    'a symbolic link to /dev/zero': { finding: 'bag.entry.symlink', make: (path: string) => fsp.symlink('/dev/zero', path), fifo: false },
    'a symbolic link to /dev/urandom': { finding: 'bag.entry.symlink', make: (path: string) => fsp.symlink('/dev/urandom', path), fifo: false },
    'a sparse file of 100 GB': {
      finding: 'bag.tagfile.too-large',
      make: async (path: string) => {
        await fsp.writeFile(path, '');
        await fsp.truncate(path, 100 * GIB);
      },
      fifo: false,
    },
  } as const;
  // Tag manifests are left out of the writers' part: a writer replaces them without reading them.
  const PATHS = [
    { path: 'evidence/manifest.json', writers: true },
    { path: SIGNATURES, writers: true },
    { path: 'evidence/custody.jsonl', writers: true },
    { path: 'bag-info.txt', writers: true },
    { path: 'evidence/notes.txt', writers: true },
    { path: 'tagmanifest-sha256.txt', writers: false },
  ];
  const cases = PATHS.flatMap((p) => Object.entries(KINDS).map(([kind, k]) => [`${p.path} as ${kind}`, p, k] as const));

  it.each(cases)('%s: readers end with a finding, writers refuse, nothing changes', async (_name, { path, writers }, kind) => {
    if (kind.fifo && !fifoWorks) return;
    const b = await copyOfBase();
    await fsp.rm(join(b, path), { force: true });
    await kind.make(join(b, path));
    const before = await snapshot(b);
    const TIMEOUT = 30_000;

    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: kind.finding, path }));
    expect((await evbWithin(TIMEOUT, 'verify', b, '--trust', keyFile)).code).toBe(1);
    expect((await evbWithin(TIMEOUT, 'check', b)).code).toBe(1);
    expect((await evbWithin(TIMEOUT, 'inspect', b, '--json')).code).toBe(path === 'evidence/manifest.json' ? 1 : 0);
    // The log alone is judged: only a hostile log, or a manifest it cannot link to, fails it.
    const logFails = path === 'evidence/custody.jsonl' || path === 'evidence/manifest.json';
    expect((await evbWithin(TIMEOUT, 'custody', 'log', b, '--json')).code === 0).toBe(!logFails);

    if (writers) {
      const refused = (e: unknown) => isEvidenceBundleError(e);
      await expect(signBundleDirectory(b, { signer: packager.signer, role: 'certifier' })).rejects.toSatisfy(refused);
      await expect(appendCustodyEvent(b, { type: 'accessed', actor, items: ['chat-export'], place: 'Lyon', purpose: 'review' }, packager.signer)).rejects.toSatisfy(refused);
      expect(await snapshot(b)).toEqual(before);
    }
  }, 120_000);
});
