import { describe, expect, it } from 'vitest';
import { cpuMs, fastestOf } from '../helpers/cost.js';
import type { BagEntry, BagSource, BagValidation } from '../../src/bagit/bag-source.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import type { FindingCode } from '../../src/report/codes.js';
import { buildBag, SAMPLE_PAYLOAD, text } from './bags.js';
import { type MemoryEntry, memorySource } from './memory-source.js';

const BAGIT_10 = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
const BAGIT_097 = 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n';

function sha256(data: string | Uint8Array): string {
  const multi = createMultiDigest();
  multi.update(typeof data === 'string' ? utf8Encode(data) : data);
  return multi.digest().sha256;
}

/** A minimal bag without tag manifest: bagit.txt, one payload manifest, the given payload. */
function plainBag(payload: Record<string, string>, options: { bagit?: string; manifest?: string } = {}): Record<string, MemoryEntry> {
  const manifest =
    options.manifest ??
    Object.entries(payload)
      .map(([path, data]) => `${sha256(data)}  ${path}\n`)
      .join('');
  return { 'bagit.txt': options.bagit ?? BAGIT_10, 'manifest-sha256.txt': manifest, ...payload };
}

async function check(files: Record<string, MemoryEntry>, options: Parameters<typeof validateBag>[1] = {}): Promise<BagValidation> {
  return validateBag(memorySource(files), options);
}

const codes = (result: BagValidation): FindingCode[] => result.findings.map((f) => f.code);
const errors = (result: BagValidation): FindingCode[] => result.findings.filter((f) => f.severity === 'error').map((f) => f.code);

describe('validateBag: a valid bag', () => {
  it('accepts what createTagFiles writes, without warnings', async () => {
    const result = await check(buildBag());
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.version).toBe('1.0');
    expect([...result.payload.keys()].sort()).toEqual(Object.keys(SAMPLE_PAYLOAD).sort());
    expect(result.payload.get('data/chat/export.json')).toEqual({
      size: SAMPLE_PAYLOAD['data/chat/export.json']!.length,
      digests: { sha256: sha256(SAMPLE_PAYLOAD['data/chat/export.json']!) },
    });
    expect([...result.tagFiles.keys()]).toContain('evidence/manifest.json');
    expect(result.algorithms).toEqual(['sha256']);
    // What each tag manifest lists, for a profile that requires it to be complete: every tag file but itself.
    expect([...result.tagManifests.keys()]).toEqual(['tagmanifest-sha256.txt']);
    const tags = [...result.tagFiles.keys()].filter((p) => p !== 'tagmanifest-sha256.txt').sort();
    expect([...result.tagManifests.get('tagmanifest-sha256.txt')!].sort()).toEqual(tags);
  });

  it('reports what a tag manifest lists as it is, a line left out included', async () => {
    const files = buildBag();
    const listing = new TextDecoder().decode(files['tagmanifest-sha256.txt']);
    files['tagmanifest-sha256.txt'] = new TextEncoder().encode(listing.split('\n').filter((l) => !l.endsWith('  bag-info.txt')).join('\n'));
    const result = await check(files);
    expect(result.tagManifests.get('tagmanifest-sha256.txt')?.has('bag-info.txt')).toBe(false);
    expect(result.tagManifests.get('tagmanifest-sha256.txt')?.has('bagit.txt')).toBe(true);
  });

  it('reports an absent tag manifest as info only', async () => {
    const result = await check(plainBag({ 'data/a.txt': 'a' }));
    expect(result.valid).toBe(true);
    expect(result.findings).toEqual([expect.objectContaining({ code: 'bag.tagmanifest.absent', severity: 'info' })]);
  });
});

describe('validateBag: hostile and broken bags, one exact code each', () => {
  it('missing bagit.txt', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    delete files['bagit.txt'];
    const result = await check(files);
    expect(result.valid).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.declaration.missing', path: 'bagit.txt' }));
  });

  it('bagit.txt that is a directory or a link counts as missing', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['bagit.txt'] = { kind: 'symlink' };
    expect(codes(await check(files))).toEqual(expect.arrayContaining(['bag.declaration.missing', 'bag.entry.symlink']));
  });

  it.each([
    ['a byte-order mark', `\uFEFF${BAGIT_10}`],
    ['a trailing space', 'BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n'],
    ['a third line', `${BAGIT_10}Extra: yes\n`],
    ['the lines swapped', 'Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n'],
    ['no encoding line', 'BagIt-Version: 1.0\n'],
  ])('malformed bagit.txt: %s', async (_name, bagit) => {
    expect(errors(await check(plainBag({ 'data/a.txt': 'a' }, { bagit })))).toContain('bag.declaration.malformed');
  });

  it('bagit.txt that is not UTF-8', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['bagit.txt'] = new Uint8Array([0x42, 0xff, 0x0a]);
    expect(errors(await check(files))).toContain('bag.declaration.malformed');
  });

  it('an unknown major version is an error, a later 1.x a warning', async () => {
    const v2 = await check(plainBag({ 'data/a.txt': 'a' }, { bagit: 'BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n' }));
    expect(errors(v2)).toEqual(['bag.declaration.unsupported-version']);
    const v11 = await check(plainBag({ 'data/a.txt': 'a' }, { bagit: 'BagIt-Version: 1.1\nTag-File-Character-Encoding: UTF-8\n' }));
    expect(v11.valid).toBe(true);
    expect(codes(v11)).toContain('bag.declaration.unknown-version');
  });

  it('an encoding the validator cannot decode', async () => {
    const bagit = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: EBCDIC\n';
    expect(errors(await check(plainBag({ 'data/a.txt': 'a' }, { bagit })))).toContain('bag.encoding.unsupported');
  });

  it('a manifest that is not valid UTF-8', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['manifest-sha256.txt'] = new Uint8Array([0xc3, 0x28, 0x0a]);
    expect(errors(await check(files))).toContain('bag.encoding.invalid');
  });

  it('UTF-16 tag files: read in either byte order, a lone surrogate is invalid', async () => {
    const utf16 = (text: string, littleEndian: boolean, bom: boolean): Uint8Array => {
      const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
      const view = new DataView(out.buffer);
      if (bom) view.setUint16(0, 0xfeff, littleEndian);
      for (let i = 0; i < text.length; i++) view.setUint16((bom ? 2 : 0) + i * 2, text.charCodeAt(i), littleEndian);
      return out;
    };
    const name = 'data/\u{1F480}.txt';
    const manifest = `${sha256('x')}  ${name}\n`;
    const bag = (encoding: string, bytes: Uint8Array): Record<string, MemoryEntry> => ({
      'bagit.txt': `BagIt-Version: 1.0\nTag-File-Character-Encoding: ${encoding}\n`,
      'manifest-sha256.txt': bytes,
      [name]: 'x',
    });
    expect(errors(await check(bag('UTF-16', utf16(manifest, true, true))))).toEqual([]);
    expect(errors(await check(bag('UTF-16', utf16(manifest, false, false))))).toEqual([]);
    expect(errors(await check(bag('UTF-16LE', utf16(manifest, true, false))))).toEqual([]);
    const lone = manifest.replace('\u{1F480}', '\uD83D');
    expect(errors(await check(bag('UTF-16BE', utf16(lone, false, false))))).toContain('bag.encoding.invalid');
  });

  it('a byte-order mark in a manifest is a warning', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['manifest-sha256.txt'] = `\uFEFF${files['manifest-sha256.txt'] as string}`;
    const result = await check(files);
    expect(result.valid).toBe(true);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagfile.bom', path: 'manifest-sha256.txt' }));
  });

  it.each([
    ['no separator', `${'0'.repeat(64)}data/a.txt\n`],
    ['a short digest', `${'0'.repeat(63)}  data/a.txt\n`],
    ['a digest that is not hex', `${'g'.repeat(64)}  data/a.txt\n`],
    ['no path', `${'0'.repeat(64)}  \n`],
  ])('bad manifest line: %s', async (_name, line) => {
    const manifest = `${sha256('b')}  data/b.txt\n${line}`;
    const result = await check(plainBag({ 'data/b.txt': 'b' }, { manifest }));
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.manifest.malformed-line', path: 'manifest-sha256.txt', line: 2 }));
    expect(result.valid).toBe(false);
  });

  it('digest mismatch, at the payload path and manifest line', async () => {
    const manifest = `${sha256('a')}  data/a.txt\n${sha256('not b')}  data/b.txt\n`;
    const result = await check(plainBag({ 'data/a.txt': 'a', 'data/b.txt': 'b' }, { manifest }));
    expect(errors(result)).toEqual(['bag.payload.digest-mismatch']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.payload.digest-mismatch', path: 'data/b.txt', line: 2 }));
  });

  it('missing payload file', async () => {
    const manifest = `${sha256('a')}  data/a.txt\n${sha256('gone')}  data/gone.txt\n`;
    const result = await check(plainBag({ 'data/a.txt': 'a' }, { manifest }));
    expect(errors(result)).toEqual(['bag.payload.missing']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.payload.missing', path: 'data/gone.txt', line: 2 }));
  });

  it('extra payload file', async () => {
    const manifest = `${sha256('a')}  data/a.txt\n`;
    const result = await check(plainBag({ 'data/a.txt': 'a', 'data/planted.txt': 'x' }, { manifest }));
    expect(errors(result)).toEqual(['bag.payload.undeclared']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.payload.undeclared', path: 'data/planted.txt' }));
    expect(result.payload.has('data/planted.txt')).toBe(true);
  });

  it('a file in one payload manifest but not another', async () => {
    const files = plainBag({ 'data/a.txt': 'a', 'data/b.txt': 'b' });
    const multi = createMultiDigest(['sha512']);
    multi.update(utf8Encode('a'));
    files['manifest-sha512.txt'] = `${multi.digest().sha512!}  data/a.txt\n`;
    const result = await check(files);
    expect(errors(result)).toEqual(['bag.manifest.incomplete']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.manifest.incomplete', path: 'data/b.txt' }));
    expect(result.algorithms).toEqual(['sha256', 'sha512']);
  });

  it('no payload manifest at all', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    delete files['manifest-sha256.txt'];
    expect(errors(await check(files))).toEqual(['bag.manifest.missing']);
  });

  it('only manifests of algorithms it does not implement', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['manifest-whirlpool.txt'] = files['manifest-sha256.txt']!;
    delete files['manifest-sha256.txt'];
    expect(errors(await check(files))).toEqual(['bag.manifest.no-usable-algorithm']);
  });

  it('no data/ directory', async () => {
    const result = await check({ 'bagit.txt': BAGIT_10, 'manifest-sha256.txt': '' });
    expect(errors(result)).toEqual(['bag.payload.no-directory']);
  });

  it('accepts a source that lists files without their directories', async () => {
    const result = await validateBag(memorySource(plainBag({ 'data/x/a.txt': 'a' }), { listDirectories: false }));
    expect(result.valid).toBe(true);
  });

  it('symlink entry', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['data/link'] = { kind: 'symlink' };
    const result = await check(files);
    expect(errors(result)).toEqual(['bag.entry.symlink']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.entry.symlink', path: 'data/link' }));
  });

  it('symlink listed in the manifest is also a missing payload file', async () => {
    const manifest = `${sha256('a')}  data/link\n`;
    const result = await check({ ...plainBag({}, { manifest }), 'data/link': { kind: 'symlink' } });
    expect(errors(result).sort()).toEqual(['bag.entry.symlink', 'bag.payload.missing']);
  });

  it('FIFO, socket or device', async () => {
    const files = plainBag({ 'data/a.txt': 'a' });
    files['evidence/fifo'] = { kind: 'other' };
    expect(errors(await check(files))).toEqual(['bag.entry.special']);
  });

  it.each([
    ['../', '../outside.txt'],
    ['.. inside', 'data/../bagit.txt'],
    ['absolute', '/etc/passwd'],
    ['drive letter', 'C:/Windows/win.ini'],
    ['backslash', 'data\\a.txt'],
    ['NUL', 'data/a\u0000.txt'],
    ['encoded line feed', 'data/a%0A.txt'],
    ['empty segment', 'data//a.txt'],
    ['not NFC', 'data/Nun\u0303ez'],
    ['C1 control (CSI)', 'data/a\u009b2K.txt'],
    ['right-to-left override', 'data/a\u202etxt.exe'],
    ['bidi isolate', 'data/a\u2067b.txt'],
  ])('unsafe path in a manifest: %s', async (_name, path) => {
    const manifest = `${sha256('a')}  data/a.txt\n${sha256('x')}  ${path}\n`;
    const result = await check(plainBag({ 'data/a.txt': 'a' }, { manifest }));
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.path.unsafe', path: 'manifest-sha256.txt', line: 2 }));
    expect(result.valid).toBe(false);
  });

  it.each([
    ['..', 'data/../x'],
    ['backslash', 'data/a\\b'],
    ['NUL', 'data/a\u0000'],
    ['lone surrogate (a name that is not UTF-8)', 'data/\udcff'],
    ['not NFC', 'data/Nun\u0303ez'],
    ['C1 control (NEL)', 'data/a\u0085b'],
    ['right-to-left override', 'data/a\u202etxt.exe'],
    ['bidi isolate', 'data/a\u2066b'],
    ['line separator', 'data/a\u2028b'],
  ])('unsafe path of an entry: %s', async (_name, path) => {
    const extra: BagEntry[] = [{ path, kind: 'file', size: 1 }];
    const result = await validateBag(memorySource(plainBag({ 'data/a.txt': 'a' }), { extra }));
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.path.unsafe', path }));
    expect(result.payload.has(path)).toBe(false);
    expect(result.valid).toBe(false);
  });

  it('case-fold collision of two files', async () => {
    const result = await check(plainBag({ 'data/Report.txt': 'a', 'data/report.txt': 'b' }));
    expect(errors(result)).toEqual(['bag.path.collision']);
  });

  it('an entry listed twice', async () => {
    const extra: BagEntry[] = [{ path: 'data/a.txt', kind: 'file', size: 1 }];
    const result = await validateBag(memorySource(plainBag({ 'data/a.txt': 'a' }), { extra }));
    expect(errors(result)).toEqual(['bag.path.collision']);
  });

  it('a path listed twice as two kinds: the first listing counts, the second is only the collision', async () => {
    // A file, then a directory of the same path: the file is hashed and checked as usual.
    const fileFirst = await validateBag(memorySource(plainBag({ 'data/a.txt': 'a' }), { extra: [{ path: 'data/a.txt', kind: 'directory', size: 0 }] }));
    expect(errors(fileFirst)).toEqual(['bag.path.collision']);
    expect(fileFirst.payload.get('data/a.txt')?.digests.sha256).toBe(sha256('a'));
    // A directory, then a file: nothing of that path is hashed, and the manifest's line is a missing file.
    const bag = plainBag({ 'data/a.txt': 'a' });
    const dirFirst = await validateBag(memorySource({ ...bag, 'data/a.txt': { kind: 'directory' } }, { extra: [{ path: 'data/a.txt', kind: 'file', size: 1 }] }));
    expect(errors(dirFirst).sort()).toEqual(['bag.path.collision', 'bag.payload.missing']);
    expect(dirFirst.findings).toContainEqual(expect.objectContaining({ code: 'bag.payload.missing', path: 'data/a.txt' }));
    expect(dirFirst.payload.has('data/a.txt')).toBe(false);
  });

  it('duplicate manifest entries: an error in 1.0 even with the same digest', async () => {
    const manifest = `${sha256('a')}  data/a.txt\n${sha256('a')}  data/a.txt\n`;
    const result = await check(plainBag({ 'data/a.txt': 'a' }, { manifest }));
    expect(errors(result)).toEqual(['bag.manifest.duplicate-entry']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.manifest.duplicate-entry', line: 2 }));
  });

  it('duplicate manifest entries: a warning in 0.97 with the same digest, an error with another', async () => {
    const same = `${sha256('a')}  data/a.txt\n${sha256('a')}  data/a.txt\n`;
    const legacy = await check(plainBag({ 'data/a.txt': 'a' }, { manifest: same, bagit: BAGIT_097 }));
    expect(legacy.valid).toBe(true);
    expect(codes(legacy)).toContain('bag.manifest.repeated-entry');
    const other = `${sha256('a')}  data/a.txt\n${sha256('b')}  data/a.txt\n`;
    expect(errors(await check(plainBag({ 'data/a.txt': 'a' }, { manifest: other, bagit: BAGIT_097 })))).toEqual(['bag.manifest.duplicate-entry']);
  });

  it('percent-encoding of %, CR and LF in 1.0 manifest paths', async () => {
    const encoded = await check(plainBag({ 'data/100%.txt': 'a' }, { manifest: `${sha256('a')}  data/100%25.txt\n` }));
    expect(encoded.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // Decoded once only: "%2541" is "%41", not "A".
    const once = await check(plainBag({ 'data/%41.txt': 'a' }, { manifest: `${sha256('a')}  data/%2541.txt\n` }));
    expect(once.valid).toBe(true);
    const bare = await check(plainBag({ 'data/100%.txt': 'a' }, { manifest: `${sha256('a')}  data/100%.txt\n` }));
    expect(bare.valid).toBe(true);
    expect(codes(bare)).toContain('bag.path.bare-percent');
    // 0.97 wrote paths raw: "%25" is three characters there.
    const legacy = await check(plainBag({ 'data/a%25.txt': 'a' }, { manifest: `${sha256('a')}  data/a%25.txt\n`, bagit: BAGIT_097 }));
    expect(legacy.valid).toBe(true);
  });

  it('Payload-Oxum mismatch', async () => {
    const files: Record<string, MemoryEntry> = { ...plainBag({ 'data/a.txt': 'abc', 'data/b.txt': 'de' }), 'bag-info.txt': 'Payload-Oxum: 5.3\n' };
    const result = await check(files);
    expect(errors(result)).toEqual(['bag.oxum.mismatch']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.oxum.mismatch', path: 'bag-info.txt' }));
    files['bag-info.txt'] = 'Payload-Oxum: 5.2\n';
    expect((await check(files)).valid).toBe(true);
    files['bag-info.txt'] = 'Payload-Oxum: lots\n';
    const malformed = await check(files);
    expect(malformed.valid).toBe(true);
    expect(codes(malformed)).toContain('bag.oxum.malformed');
  });

  it('bag-info.txt: malformed line, and labels kept in order with continuations', async () => {
    const info = 'Source-Organization: Ministry\n  of Justice\nno colon here\nContact-Name: A\nContact-Name: B\n';
    const result = await check({ ...plainBag({ 'data/a.txt': 'a' }), 'bag-info.txt': info });
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.info.malformed-line', path: 'bag-info.txt', line: 3 }));
    expect(result.bagInfo).toEqual([
      ['Source-Organization', 'Ministry of Justice'],
      ['Contact-Name', 'A'],
      ['Contact-Name', 'B'],
    ]);
  });

  it('huge tag file over the limit, read no further than the limit', async () => {
    let served = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(0x41);
    const base = memorySource(plainBag({ 'data/a.txt': 'a' }));
    const source: BagSource = {
      async *list() {
        yield* base.list();
        yield { path: 'bag-info.txt', kind: 'file', size: Number.MAX_SAFE_INTEGER };
      },
      read(path) {
        if (path !== 'bag-info.txt') return base.read(path);
        // Endless: only a reader that stops at its limit ever returns.
        return (async function* () {
          for (;;) {
            served += chunk.length;
            yield chunk;
          }
        })();
      },
    };
    const result = await validateBag(source, { maxTagFileBytes: 4 * 1024 * 1024 });
    expect(errors(result)).toEqual(['bag.tagfile.too-large']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagfile.too-large', path: 'bag-info.txt' }));
    expect(served).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('a manifest over the limit', async () => {
    const result = await check(plainBag({ 'data/a.txt': 'a' }), { maxTagFileBytes: 16 });
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagfile.too-large', path: 'manifest-sha256.txt' }));
    expect(result.valid).toBe(false);
  });

  it('more entries than the limit', async () => {
    const result = await check(plainBag({ 'data/a.txt': 'a', 'data/b.txt': 'b' }), { maxEntries: 3 });
    expect(errors(result)).toEqual(['bag.limit.entries']);
  });

  it('tag file altered after its tag manifest was written', async () => {
    const files = buildBag();
    files['evidence/manifest.json'] = utf8Encode('{"bundleId":"y"}');
    const result = await check(files);
    expect(errors(result)).toEqual(['bag.tagmanifest.digest-mismatch']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagmanifest.digest-mismatch', path: 'evidence/manifest.json' }));
  });

  it('tag file listed in the tag manifest but absent', async () => {
    const files = buildBag();
    delete files['evidence/manifest.json'];
    expect(errors(await check(files))).toEqual(['bag.tagfile.missing']);
  });

  it('tag file added after the tag manifest was written is a warning', async () => {
    const result = await check({ ...buildBag(), 'evidence/notes.txt': 'later' });
    expect(result.valid).toBe(true);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagfile.unlisted', path: 'evidence/notes.txt' }));
  });

  it('a tag manifest that lists a payload file, a payload manifest that lists a tag file', async () => {
    const files: Record<string, MemoryEntry> = buildBag();
    files['tagmanifest-sha256.txt'] = `${text(buildBag(), 'tagmanifest-sha256.txt')}${sha256('')}  data/empty.bin\n`;
    expect(errors(await check(files))).toEqual(['bag.tagmanifest.payload-entry']);
    const other = plainBag({ 'data/a.txt': 'a' }, { manifest: `${sha256('a')}  data/a.txt\n${sha256(BAGIT_10)}  bagit.txt\n` });
    expect(errors(await check(other))).toEqual(['bag.manifest.outside-payload']);
  });

  it('fetch.txt: a listed file that was never fetched, and one no manifest lists', async () => {
    const manifest = `${sha256('a')}  data/a.txt\n${sha256('remote')}  data/remote.txt\n`;
    const fetch = 'https://example.org/remote.txt 6 data/remote.txt\nhttps://example.org/x - data/unlisted.txt\n';
    const result = await check({ ...plainBag({ 'data/a.txt': 'a' }, { manifest }), 'fetch.txt': fetch });
    expect(errors(result).sort()).toEqual(['bag.fetch.unfetched', 'bag.fetch.unlisted']);
    expect(codes(result)).toContain('bag.fetch.present');
  });

  it('fetch.txt: malformed line and path outside data/', async () => {
    const fetch = 'just-a-url\nhttps://example.org/x 1 bagit.txt\nhttps://example.org/y 1 ../../etc/passwd\n';
    const result = await check({ ...plainBag({ 'data/a.txt': 'a' }), 'fetch.txt': fetch });
    expect(errors(result).sort()).toEqual(['bag.fetch.malformed-line', 'bag.fetch.outside-payload', 'bag.path.unsafe']);
  });

  it('operating-system metadata in the payload is a warning', async () => {
    const result = await check(plainBag({ 'data/.DS_Store': '', 'data/a.txt': 'a' }));
    expect(result.valid).toBe(true);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.payload.system-file', path: 'data/.DS_Store' }));
  });

  it('MD5 manifests are checked and flagged as weak', async () => {
    const files: Record<string, MemoryEntry> = {
      'bagit.txt': BAGIT_10,
      'manifest-md5.txt': '0cc175b9c0f1b6a831c399e269772661  data/a.txt\n',
      'data/a.txt': 'a',
    };
    const result = await check(files);
    expect(result.valid).toBe(true);
    expect(codes(result)).toContain('bag.manifest.weak-algorithm');
    expect(result.algorithms).toEqual([]);
    files['data/a.txt'] = 'b';
    expect(errors(await check(files))).toEqual(['bag.payload.digest-mismatch']);
  });
});

describe('validateBag: a source that misbehaves never makes it throw', () => {
  it('list() throws', async () => {
    const source: BagSource = {
      // eslint-disable-next-line require-yield
      async *list() {
        throw new Error('EACCES');
      },
      read: () => (async function* () {})(),
    };
    const result = await validateBag(source);
    expect(errors(result)).toEqual(['bag.entry.unreadable']);
  });

  it('read() fails for one payload file', async () => {
    const base = memorySource(plainBag({ 'data/a.txt': 'a', 'data/b.txt': 'b' }));
    const source: BagSource = {
      list: () => base.list(),
      read: (path) =>
        path === 'data/b.txt'
          ? (async function* () {
              yield new Uint8Array([1]);
              throw new Error('EIO');
            })()
          : base.read(path),
    };
    const result = await validateBag(source);
    expect(errors(result)).toEqual(['bag.entry.unreadable']);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.entry.unreadable', path: 'data/b.txt' }));
    expect(result.payload.has('data/b.txt')).toBe(false);
  });

  it('yields something other than bytes, or garbage entries', async () => {
    const base = memorySource(plainBag({ 'data/a.txt': 'a' }));
    const source = {
      async *list() {
        yield* base.list();
        yield null;
        yield { path: 42, kind: 'weird', size: 'big' };
      },
      read: (path: string) =>
        path === 'data/a.txt'
          ? (async function* () {
              yield 'a';
            })()
          : base.read(path),
    } as unknown as BagSource;
    const result = await validateBag(source);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(expect.arrayContaining(['bag.entry.unreadable', 'bag.entry.special']));
  });

  it('a tag file in more one-byte chunks than a call takes arguments', async () => {
    // 300,000 chunks: concatenating them with a spread call overflows the stack.
    const manifest = `${sha256('a')}  data/a.txt\n`.padEnd(300_000, '\n');
    const result = await validateBag(memorySource(plainBag({ 'data/a.txt': 'a' }, { manifest }), { chunkSize: 1 }));
    expect(errors(result)).toEqual([]);
  });

  it('refuses what is not a source, as caller misuse', async () => {
    await expect(validateBag({} as BagSource)).rejects.toThrow(TypeError);
    await expect(validateBag(memorySource({}), { maxEntries: 0 })).rejects.toThrow(RangeError);
  });
});

describe('validateBag: reading', () => {
  it('uses the digest fast path for payload files instead of reading them', async () => {
    const reads: string[] = [];
    const base = memorySource(buildBag(SAMPLE_PAYLOAD, { algorithms: ['sha256', 'sha512'] }), { reads });
    const asked: string[][] = [];
    const source: BagSource = {
      list: () => base.list(),
      read: (path) => base.read(path),
      async digest(path, algorithms) {
        asked.push([path, ...algorithms]);
        const multi = createMultiDigest(algorithms);
        for await (const chunk of base.read(path)) multi.update(chunk);
        return { digests: multi.digest(), size: multi.size };
      },
    };
    reads.length = 0;
    const result = await validateBag(source);
    expect(result.valid).toBe(true);
    expect(asked).toContainEqual(['data/chat/export.json', 'sha256', 'sha512']);
    // Only the digest implementation read payload bytes; the validator read nothing of data/ itself.
    expect(reads.filter((p) => p.startsWith('data/')).length).toBe(asked.filter(([p]) => p!.startsWith('data/')).length);
  });

  it('a fast path that answers wrongly is caught', async () => {
    const base = memorySource(buildBag());
    const source: BagSource = {
      list: () => base.list(),
      read: (path) => base.read(path),
      digest: async () => ({ digests: { sha256: '0'.repeat(64) }, size: 0 }),
    };
    const result = await validateBag(source);
    expect(errors(result)).toContain('bag.payload.digest-mismatch');
  });

  it('reads every file once, in chunks, with any concurrency', async () => {
    for (const concurrency of [1, 3, 16]) {
      const reads: string[] = [];
      const files = buildBag();
      const result = await validateBag(memorySource(files, { reads, chunkSize: 1 }), { concurrency });
      expect(result.valid).toBe(true);
      expect(reads.sort()).toEqual(Object.keys(files).sort());
    }
  });

  it('reports progress over every byte hashed', async () => {
    const files = buildBag();
    let last = 0;
    await validateBag(memorySource(files), { onProgress: (bytes) => (last = bytes) });
    expect(last).toBe(Object.values(files).reduce((n, b) => n + b.length, 0));
  });
});

describe('validateBag: cost', () => {
  // Time ratios only, never absolute times: ten times the files must cost about ten times as much.
  it('grows linearly with the number of files', async () => {
    const bagOf = (n: number) => {
      const payload: Record<string, string> = {};
      for (let i = 0; i < n; i++) payload[`data/d${i % 17}/f${i}.txt`] = `${i}`;
      return plainBag(payload);
    };
    const time = async (n: number): Promise<number> => {
      const files = bagOf(n);
      const start = cpuMs();
      const result = await validateBag(memorySource(files, { chunkSize: 64 }));
      expect(result.valid).toBe(true);
      return cpuMs() - start;
    };
    await time(500);
    const small = await fastestOf(5, () => time(1_000));
    const large = await fastestOf(3, () => time(10_000));
    expect(large / small).toBeLessThan(40);
  });
});

describe('validateBag: what a source reports about itself', () => {
  const withProblems = (problems: BagSource['problems']): BagSource => ({ ...memorySource(buildBag()), problems });

  it('reports each problem with its code, its path and the severity of the code table', async () => {
    const result = await validateBag(
      withProblems(async () => [
        // A source cannot make an error into an info: the table decides.
        { code: 'bag.journal.invalid', path: '.evb-commit', message: 'x', severity: 'info' } as never,
        { code: 'bag.journal.special-file', path: 'evidence/a.evb-new', message: 'y' },
      ]),
    );
    expect(result.valid).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.journal.invalid', path: '.evb-commit', severity: 'error' }));
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.journal.special-file', path: 'evidence/a.evb-new', severity: 'error' }));
  });

  it.each([
    ['an unknown code', async () => [{ code: 'bag.no-such-code', path: 'x', message: 'x' }] as never],
    ['a prototype key as the code', async () => [{ code: 'constructor', path: 'x', message: 'x' }] as never],
    ['something that is not a problem', async () => [null] as never],
    ['a call that fails', async () => Promise.reject(new Error('broken'))],
  ] as const)('turns %s into bag.entry.unreadable rather than throwing', async (_what, problems) => {
    const result = await validateBag(withProblems(problems));
    expect(errors(result)).toEqual(['bag.entry.unreadable']);
  });

  it('has nothing to add for a source without problems, or with none', async () => {
    expect((await validateBag(withProblems(async () => []))).valid).toBe(true);
    expect((await check(buildBag())).valid).toBe(true);
  });
});

describe('validateBag: every tag file is judged by its size before it is read', () => {
  it('does not read a tag file it only hashes when its listed size is over the limit', async () => {
    const reads: string[] = [];
    const files = { ...buildBag(undefined, { tagFiles: { 'notes/big.txt': 'x'.repeat(100) } }) };
    const source = memorySource(files, { reads });
    const result = await validateBag(source, { maxTagFileBytes: 64 * 1024, tagFileLimits: new Map([['notes/big.txt', 99]]) });
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'bag.tagfile.too-large', path: 'notes/big.txt' }));
    expect(reads).not.toContain('notes/big.txt');
    const within = await validateBag(memorySource(files), { tagFileLimits: new Map([['notes/big.txt', 100]]) });
    expect(within.valid).toBe(true);
  });
});
