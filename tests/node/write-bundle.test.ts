import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceBundleError, filesSource } from '../../src/index.js';
import { bundleFiles, type BundleFile } from '../../src/entries/bagit.js';
import { appendCustodyEvent, convertBundle, formFromName, openBundle, packBundle, verifyBundleAt, writeBundle, type CustodyEventInput } from '../../src/node/index.js';
import { demoCase, flipByte, keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { cborTree, errorCode, HAS_INFO_ZIP, readTree, zipTree } from '../helpers/forms.js';
import { layout, renameEntry, set32 } from '../zip/zip-helpers.js';

const EVENT: CustodyEventInput = {
  type: 'accessed',
  actor: { name: 'Alice', role: 'investigator', organisation: 'OCLCTIC', country: 'FR' },
  items: 'all',
  place: 'Lyon lab',
  purpose: 'review',
};


let dir: string;
let bundle: string;
let packager: KeyPair;

beforeAll(async () => {
  dir = await tempDir('evb-convert-');
  packager = await keyPair();
  bundle = await packDemo(dir, { packager });
  await appendCustodyEvent(bundle, EVENT, packager.signer);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});


/** Every name below a directory (recursively), for before/after comparisons. */
async function names(root: string): Promise<string[]> {
  return (await fsp.readdir(root, { recursive: true })).sort();
}

/** A fresh, empty working directory: the parent of the outputs, whose listing must not change on a refusal. */
async function workDir(): Promise<string> {
  return fsp.mkdtemp(join(dir, 'work-'));
}

async function zipBytes(): Promise<Uint8Array> {
  const work = await workDir();
  await zipTree(bundle, join(work, 'b.zip'));
  return new Uint8Array(await fsp.readFile(join(work, 'b.zip')));
}

function entryIndex(zip: Uint8Array, name: string): number {
  return layout(zip).entries.findIndex((e) => e.name === name);
}

describe('convert and extract refuse what they must not write', () => {
  const HOSTILE: Array<[string, (zip: Uint8Array) => Uint8Array]> = [
    // Each name is the byte length of data/logs/access.log, so only the name changes.
    ...['../../../escaped.log', '/tmp/evb-escaped.log', 'data\\logs\\access.log', 'data/../../access.lo', 'data/logs/access.lo\0'].map(
      (name): [string, (zip: Uint8Array) => Uint8Array] => [`entry ${JSON.stringify(name)}`, (zip) => renameEntry(zip, entryIndex(zip, 'data/logs/access.log'), name)],
    ),
    ['a twin after case folding', (zip) => renameEntry(zip, entryIndex(zip, 'data/logs/access.log'), 'DATA/logs/access.log')],
    ...([['a symlink', 0o120777], ['a device', 0o020644], ['a FIFO', 0o010644]] as const).map(
      ([what, mode]): [string, (zip: Uint8Array) => Uint8Array] => [
        `${what} attribute`,
        (zip) => {
          const out = zip.slice();
          set32(out, layout(zip).entries[entryIndex(zip, 'data/logs/access.log')]!.central + 38, mode * 65536);
          return out;
        },
      ],
    ),
  ];

  it.each(HOSTILE)('refuses a ZIP with %s: ERR_BAG_INVALID, nothing written beside or outside the target', async (_what, make) => {
    const work = await workDir();
    const input = join(dir, `hostile-${Math.random().toString(36).slice(2)}.zip`);
    await fsp.writeFile(input, make(await zipBytes()));
    const parentBefore = await names(dir);
    for (const output of ['out', 'out.zip', 'out.cbor']) {
      expect(await errorCode(convertBundle(input, join(work, output))), output).toBe('ERR_BAG_INVALID');
      expect(await errorCode(convertBundle(input, join(work, output), { form: 'directory' })), output).toBe('ERR_BAG_INVALID');
    }
    expect(await names(work)).toEqual([]);
    expect(await names(dir)).toEqual(parentBefore);
  });

  it.each([
    ['a commit journal naming the signature file, with its pending version', { '.evb-commit': '{"files":["evidence/signatures.json"]}', 'evidence/signatures.json.evb-new': '{"signatures":[]}' }],
    ['a journal alone', { '.evb-commit': '{"files":["evidence/custody.jsonl"]}' }],
    ['a journal\'s temporary file', { '.evb-commit.tmp': '{"files":[]}' }],
    ['a pending version alone', { 'evidence/manifest.json.evb-new': '{}' }],
  ] as Array<[string, Record<string, string>]>)('a ZIP or CBOR bundle holding %s is INVALID and never copied: extracted, it would change what the bundle says', async (_what, extra) => {
    const work = await workDir();
    const tree = join(work, 'tree');
    await fsp.cp(bundle, tree, { recursive: true });
    for (const [path, text] of Object.entries(extra)) await fsp.writeFile(join(tree, path), text);
    const zip = join(work, 'protocol.zip');
    const cbor = join(work, 'protocol.cbor');
    await zipTree(tree, zip);
    await cborTree(tree, cbor);
    for (const input of [zip, cbor]) {
      const report = await verifyBundleAt(input, { trustedKeys: [packager.publicJwk] });
      expect(report.outcome).toBe('INVALID');
      expect(report.findings.filter((f) => f.code === 'bundle.protocol-file').map((f) => f.path).sort()).toEqual(Object.keys(extra).sort());
      expect(await errorCode(convertBundle(input, join(work, 'extracted')))).toBe('ERR_BAG_INVALID');
      await expect(fsp.stat(join(work, 'extracted'))).rejects.toThrow();
    }
  });

  it('refuses a bag with an altered payload byte and a bag with a file missing, in every form', async () => {
    const broken = await packDemo(await workDir(), { packager });
    await flipByte(join(broken, 'data/chat/export.json'), 5);
    const missing = await packDemo(await workDir(), { packager });
    await fsp.rm(join(missing, 'data/logs/access.log'));
    for (const input of [broken, missing]) {
      const work = await workDir();
      for (const output of ['out', 'out.zip', 'out.cbor']) expect(await errorCode(convertBundle(input, join(work, output))), output).toBe('ERR_BAG_INVALID');
      expect(await names(work)).toEqual([]);
    }
  });

  it('refuses an output that exists, of any kind, and leaves it as it was', async () => {
    const work = await workDir();
    await fsp.writeFile(join(work, 'file.zip'), 'mine');
    await fsp.mkdir(join(work, 'empty'));
    await fsp.symlink('nowhere', join(work, 'dangling.cbor'));
    for (const output of ['file.zip', 'empty', 'dangling.cbor']) {
      for (const form of ['zip', 'cbor', 'directory'] as const) {
        expect(await errorCode(convertBundle(bundle, join(work, output), { form })), `${output} ${form}`).toBe('ERR_TARGET_EXISTS');
      }
    }
    expect(await fsp.readFile(join(work, 'file.zip'), 'utf8')).toBe('mine');
    expect(await names(work)).toEqual(['dangling.cbor', 'empty', 'file.zip']);
  });

  it('refuses an output inside the input directory, through a link too, and leaves the bundle as it was', async () => {
    const work = await workDir();
    const own = await packDemo(work, { packager });
    await fsp.symlink(own, join(work, 'link'));
    const before = await names(own);
    for (const output of [join(own, 'b.zip'), join(own, 'data/new/b.cbor'), join(own, 'copy'), own, join(work, 'link', 'b.zip')]) {
      expect(await errorCode(convertBundle(own, output)), output).toBe('ERR_TARGET_EXISTS');
    }
    expect(await names(own)).toEqual(before);
    expect((await verifyBundleAt(own, { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
  });

  it('creates missing parents of the output, and follows a link naming a single-file input', async () => {
    const work = await workDir();
    await convertBundle(bundle, join(work, 'a/b/c.zip'));
    await fsp.symlink(join(work, 'a/b/c.zip'), join(work, 'link.zip'));
    await convertBundle(join(work, 'link.zip'), join(work, 'x/y'));
    expect((await verifyBundleAt(join(work, 'link.zip'), { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
    expect((await verifyBundleAt(join(work, 'x/y'), { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
  });

  it('writes no file of a directory outside it, whatever path it is handed, and leaves no partial', async () => {
    const work = await workDir();
    const file = (path: string): BundleFile => ({ path, size: 1, read: async function* () { yield Uint8Array.of(1); } });
    for (const path of ['../x', '/etc/x', 'a/../../x', 'a\\..\\x', 'a/./b', '', 'a//b', 'x\0']) {
      expect(await errorCode(writeBundle([file('bagit.txt'), file(path)], join(work, 'out'), 'directory')), path).toBe('ERR_PATH_UNSAFE');
    }
    expect(await names(work)).toEqual([]);
    expect(await names(dir)).not.toContain('x');
  });

  it('leaves no partial when a file yields other bytes than announced, in every form', async () => {
    const work = await workDir();
    const lying: BundleFile = { path: 'data/a', size: 4, read: async function* () { yield Uint8Array.of(1, 2); } };
    const longer: BundleFile = { path: 'data/a', size: 1, read: async function* () { yield Uint8Array.of(1, 2); } };
    for (const file of [lying, longer]) {
      for (const form of ['zip', 'cbor', 'directory'] as const) {
        expect(await errorCode(writeBundle([file], join(work, `out-${form}`), form)), form).toBe('ERR_SOURCE_CHANGED');
      }
    }
    expect(await names(work)).toEqual([]);
  });

  it('reads small files ahead of their turn, at most 32 at once, in order, and reports a failure at its own file after the reads under way end', async () => {
    const work = await workDir();
    let open = 0;
    let most = 0;
    let starts: number[] = [];
    const fileOf = (n: number, size: number, fails = false): BundleFile => ({
      path: `data/f${String(n).padStart(4, '0')}`,
      size,
      read: async function* () {
        starts.push(n);
        open++;
        most = Math.max(most, open);
        try {
          await new Promise((r) => setTimeout(r, 1));
          if (fails) throw new EvidenceBundleError('ERR_SOURCE_CHANGED', `file ${n} is gone`);
          yield new Uint8Array(size).fill(n % 251);
        } finally {
          open--;
        }
      },
    });
    // A large file in the middle streams; the small ones around it are gathered.
    const files = Array.from({ length: 200 }, (_, n) => fileOf(n, n === 100 ? 2 * 1024 * 1024 : n * 13));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const form of ['zip', 'cbor'] as const) {
        most = 0;
        starts = [];
        const out = join(work, `ahead.${form}`);
        await writeBundle(files, out, form);
        const opened = await openBundle(out);
        try {
          for (const n of [0, 99, 100, 101, 199]) {
            const chunks: Uint8Array[] = [];
            for await (const chunk of opened.source.read(files[n]!.path)) chunks.push(chunk);
            expect(Buffer.concat(chunks).equals(Buffer.alloc(files[n]!.size, n % 251)), `${form} ${n}`).toBe(true);
          }
        } finally {
          await opened.close();
        }
        expect(most, form).toBeGreaterThan(1);
        // The file being written (the large one streams) and the 31 after it.
        expect(most, form).toBeLessThanOrEqual(32);
        // Every file read once; the small ones started in the files' order (the large one streams at its turn).
        expect([...starts].sort((a, b) => a - b), form).toEqual(files.map((_, n) => n));
        expect(starts.filter((n) => n !== 100), form).toEqual(files.map((_, n) => n).filter((n) => n !== 100));
        // File 150 fails when read (ahead of its turn): its own error, and when the call rejects no read is
        // still under way; nothing is left.
        starts = [];
        const failing = files.map((f, n) => (n === 150 ? fileOf(150, f.size, true) : f));
        await expect(writeBundle(failing, join(work, `fails.${form}`), form), form).rejects.toThrow('file 150 is gone');
        expect(open, form).toBe(0);
        expect(Math.max(...starts), form).toBeLessThan(150 + 32);
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect((await names(work)).sort()).toEqual(['ahead.cbor', 'ahead.zip']);
  });

  it('refuses a CBOR output over the limit before reading a byte', async () => {
    const work = await workDir();
    let reads = 0;
    const huge: BundleFile = { path: 'data/big', size: 64 * 1024 * 1024 + 1, read: async function* () { reads++; yield new Uint8Array(0); } };
    expect(await errorCode(writeBundle([huge], join(work, 'out.cbor'), 'cbor'))).toBe('ERR_LIMIT_EXCEEDED');
    expect(reads).toBe(0);
    expect(await names(work)).toEqual([]);
  });

  it('refuses a file that changed after the bag was validated (ERR_SOURCE_CHANGED), in every form', async () => {
    const files = await readTree(bundle);
    const source = filesSource(files);
    const listed = await bundleFiles(source);
    // The same source, its item changed behind the validation's back: same size, another byte.
    const item = files.get('data/chat/export.json')!;
    files.set('data/chat/export.json', item.map((b, i) => (i === 3 ? b ^ 1 : b)));
    const work = await workDir();
    for (const form of ['zip', 'cbor', 'directory'] as const) {
      expect(await errorCode(writeBundle(listed, join(work, `out-${form}`), form)), form).toBe('ERR_SOURCE_CHANGED');
    }
    expect(await names(work)).toEqual([]);
  });
});

describe('convert', () => {
  it('names forms by the output name only', () => {
    expect([formFromName('a.zip'), formFromName('A.ZIP'), formFromName('b.cbor'), formFromName('c'), formFromName('d.zip.d'), formFromName('e.json')]).toEqual([
      'zip', 'zip', 'cbor', 'directory', 'directory', 'directory',
    ]);
  });

  it('round-trips dir -> zip -> cbor -> dir with every file byte-identical and VALID at each step', async () => {
    const work = await workDir();
    const original = await readTree(bundle);
    const steps: Array<[string, string, string]> = [
      [bundle, join(work, 'b.zip'), 'zip'],
      [join(work, 'b.zip'), join(work, 'b.cbor'), 'cbor'],
      [join(work, 'b.cbor'), join(work, 'back'), 'directory'],
      [join(work, 'back'), join(work, 'again.zip'), 'zip'],
    ];
    for (const [input, output, form] of steps) {
      expect(await convertBundle(input, output)).toBe(form);
      const opened = await openBundle(output);
      expect(opened.form).toBe(form);
      await opened.close();
      const report = await verifyBundleAt(output, { trustedKeys: [packager.publicJwk] });
      expect(report.outcome, output).toBe('VALID');
      expect(report.custody?.events.map((e) => e.status), output).toEqual(['valid']);
    }
    const back = await readTree(join(work, 'back'));
    expect([...back.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [path, bytes] of original) expect(Buffer.from(back.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
    // The ZIP made from the converted-back directory is the same archive, byte for byte: the writer is deterministic.
    expect((await fsp.readFile(join(work, 'again.zip'))).equals(await fsp.readFile(join(work, 'b.zip')))).toBe(true);
    // Evidence bytes read-only, as pack leaves them.
    expect((await fsp.stat(join(work, 'back', 'data/chat/export.json'))).mode & 0o777).toBe(0o444);
    expect(await names(work)).toEqual(expect.not.arrayContaining([expect.stringMatching(/partial/)]));
  });

  // The bag check alone cannot see a payload changed and the bag resealed; the signed manifest can, in every form.
  it('keeps a resealed bundle INVALID in the form it is converted to, naming the item', async () => {
    const work = await workDir();
    const resealed = await packDemo(work, { packager });
    await flipByte(join(resealed, 'data/chat/export.json'), 7);
    await resealBag(resealed);
    for (const output of ['r.zip', 'r.cbor', 'r-dir']) {
      await convertBundle(resealed, join(work, output));
      const report = await verifyBundleAt(join(work, output), { trustedKeys: [packager.publicJwk] });
      expect(report.outcome, output).toBe('INVALID');
      expect(report.findings.filter((f) => f.code === 'item.digest-mismatch').map((f) => f.path), output).toEqual(['data/chat/export.json']);
    }
  });

  it.skipIf(!HAS_INFO_ZIP)('extracts a ZIP made by Info-ZIP (directory entries and all) to the same files', async () => {
    const work = await workDir();
    execFileSync('zip', ['-q', '-0', '-X', '-r', join(work, 'info.zip'), '.'], { cwd: bundle });
    await convertBundle(join(work, 'info.zip'), join(work, 'out'), { form: 'directory' });
    const original = await readTree(bundle);
    const out = await readTree(join(work, 'out'));
    expect([...out.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [path, bytes] of original) expect(Buffer.from(out.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
  });
  if (!HAS_INFO_ZIP) it.todo('Info-ZIP (zip) is not installed: extracting its archives was not tried');

  it('round-trips random small bundles through every form, files byte-identical (property)', async () => {
    const { metadata } = await demoCase();
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,7}$/).filter((s) => !s.endsWith('.') && s !== '..');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.uint8Array({ maxLength: 300 })), {
          minLength: 1,
          maxLength: 5,
          selector: ([segments]) => segments[0]!.toLowerCase(),
        }),
        async (items) => {
          const work = await workDir();
          const sources = join(work, 'sources');
          await fsp.mkdir(sources);
          const packItems = await Promise.all(
            items.map(async ([segments, bytes], i) => {
              await fsp.writeFile(join(sources, `s${i}`), bytes);
              return { id: `item-${i}`, path: segments.join('/'), source: join(sources, `s${i}`), mediaType: 'application/octet-stream' };
            }),
          );
          const { path } = await packBundle(join(work, 'b'), { metadata, items: packItems as never, signers: [{ signer: packager.signer, role: 'packager' }] });
          const original = await readTree(path);
          await convertBundle(path, join(work, 'b.zip'));
          await convertBundle(join(work, 'b.zip'), join(work, 'b.cbor'));
          await convertBundle(join(work, 'b.cbor'), join(work, 'back'));
          const back = await readTree(join(work, 'back'));
          expect([...back.keys()].sort()).toEqual([...original.keys()].sort());
          for (const [p, bytes] of original) expect(Buffer.from(back.get(p)!).equals(Buffer.from(bytes)), p).toBe(true);
          expect((await verifyBundleAt(join(work, 'b.cbor'), { trustedKeys: [packager.publicJwk] })).outcome).toBe('VALID');
          await fsp.rm(work, { recursive: true, force: true });
        },
      ),
      { numRuns: 8 },
    );
  });
});
