import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBag } from '../../src/bagit/validate-bag.js';
import { buildTagManifests, createTagFiles } from '../../src/bundle/create-tag-files.js';
import type { DigestAlgorithm } from '../../src/digest/algorithms.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { BUNDLE_ID, buildBag, SAMPLE_PAYLOAD, text } from './bags.js';
import { memorySource } from './memory-source.js';

const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

function digests(data: string | Uint8Array, algorithms: DigestAlgorithm[] = ['sha256']) {
  const multi = createMultiDigest(algorithms);
  multi.update(typeof data === 'string' ? utf8Encode(data) : data);
  return multi.digest();
}

const bagInfo = { bundleId: BUNDLE_ID, sourceOrganization: 'Ministry of Justice', baggingDate: '2026-10-06' };

describe('createTagFiles', () => {
  it('writes bagit.txt, bag-info.txt, the manifests, the tag files and the tag manifests', () => {
    const files = new Map(
      createTagFiles({
        payload: [{ path: 'data/a.txt', size: 1, digests: digests('a', ['sha256', 'sha512']) }],
        algorithms: ['sha512'],
        tagFiles: [['evidence/manifest.json', utf8Encode('{}')]],
        bagInfo,
      }),
    );
    expect([...files.keys()]).toEqual([
      'bagit.txt',
      'bag-info.txt',
      'manifest-sha256.txt',
      'manifest-sha512.txt',
      'evidence/manifest.json',
      'tagmanifest-sha256.txt',
      'tagmanifest-sha512.txt',
    ]);
    expect(decode(files.get('bagit.txt'))).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(decode(files.get('bag-info.txt'))).toBe(
      `Bagging-Date: 2026-10-06\nPayload-Oxum: 1.1\nExternal-Identifier: ${BUNDLE_ID}\nSource-Organization: Ministry of Justice\nBag-Software-Agent: evidence-bundle\n`,
    );
    expect(decode(files.get('manifest-sha256.txt'))).toBe(`${digests('a').sha256}  data/a.txt\n`);
    const tagLines = decode(files.get('tagmanifest-sha256.txt')).split('\n').slice(0, -1).map((l) => l.split('  ')[1]);
    expect(tagLines).toEqual(['bag-info.txt', 'bagit.txt', 'evidence/manifest.json', 'manifest-sha256.txt', 'manifest-sha512.txt']);
    expect(decode(files.get('tagmanifest-sha256.txt'))).toContain(`${digests('{}').sha256}  evidence/manifest.json\n`);
  });

  it('is deterministic: sorted by code point, LF only, whatever the input order', () => {
    const payload = [
      { path: 'data/é.txt', size: 1, digests: digests('1') },
      { path: 'data/Z.txt', size: 1, digests: digests('2') },
      { path: 'data/a/b.txt', size: 1, digests: digests('3') },
      { path: 'data/😀.txt', size: 1, digests: digests('4') },
      { path: 'data/\uffee.txt', size: 1, digests: digests('5') },
    ];
    const one = createTagFiles({ payload, algorithms: ['sha256'], tagFiles: [], bagInfo });
    const two = createTagFiles({ payload: [...payload].reverse(), algorithms: ['sha256'], tagFiles: [], bagInfo });
    expect(two).toEqual(one);
    const manifest = decode(new Map(one).get('manifest-sha256.txt'));
    expect(manifest).not.toContain('\r');
    expect(manifest.split('\n').slice(0, -1).map((l) => l.slice(66))).toEqual([
      'data/Z.txt',
      'data/a/b.txt',
      'data/é.txt',
      'data/\uffee.txt',
      'data/😀.txt',
    ]);
  });

  it('percent-encodes % in manifest paths (RFC 8493 section 2.1.3)', () => {
    const files = new Map(createTagFiles({ payload: [{ path: 'data/50%off.txt', size: 1, digests: digests('x') }], algorithms: [], tagFiles: [], bagInfo }));
    expect(decode(files.get('manifest-sha256.txt'))).toBe(`${digests('x').sha256}  data/50%25off.txt\n`);
  });

  it('puts the creator on one line of bag-info.txt', () => {
    const files = new Map(
      createTagFiles({ payload: [], algorithms: [], tagFiles: [], bagInfo: { ...bagInfo, sourceOrganization: '  Ministry\r\nof\tJustice ' } }),
    );
    expect(decode(files.get('bag-info.txt'))).toContain('Source-Organization: Ministry of Justice\n');
    expect(decode(files.get('bag-info.txt'))).toContain('Payload-Oxum: 0.0\n');
  });

  it.each([
    ['a payload path outside data/', { payload: [{ path: 'evidence/x', size: 1, digests: digests('x') }] }, TypeError],
    ['a payload digest missing for an algorithm', { payload: [{ path: 'data/x', size: 1, digests: digests('x') }], algorithms: ['sha512'] }, TypeError],
    ['an upper-case digest', { payload: [{ path: 'data/x', size: 1, digests: { sha256: digests('x').sha256.toUpperCase() } }] }, TypeError],
    ['a negative size', { payload: [{ path: 'data/x', size: -1, digests: digests('x') }] }, RangeError],
    ['a tag file in data/', { tagFiles: [['data/x', new Uint8Array()]] }, TypeError],
    ['a tag file named like a manifest', { tagFiles: [['manifest-md5.txt', new Uint8Array()]] }, TypeError],
    ['a bad date', { bagInfo: { ...bagInfo, baggingDate: '06/10/2026' } }, TypeError],
    ['an empty bundle id', { bagInfo: { ...bagInfo, bundleId: '' } }, TypeError],
  ] as const)('refuses %s', (_name, override, error) => {
    expect(() => createTagFiles({ payload: [], algorithms: [], tagFiles: [], bagInfo, ...override } as never)).toThrow(error);
  });

  it.each([
    ['ERR_PATH_UNSAFE', [{ path: 'data/../bagit.txt', size: 1, digests: digests('x') }]],
    ['ERR_PATH_UNSAFE', [{ path: 'data/a\nb', size: 1, digests: digests('x') }]],
    ['ERR_PATH_COLLISION', [{ path: 'data/A.txt', size: 1, digests: digests('x') }, { path: 'data/a.txt', size: 1, digests: digests('x') }]],
    // A file and the directory another path implies, equal after case folding, or equal outright.
    ['ERR_PATH_COLLISION', [{ path: 'data/A', size: 1, digests: digests('x') }, { path: 'data/a/b', size: 1, digests: digests('x') }]],
    ['ERR_PATH_COLLISION', [{ path: 'data/x/Y/z', size: 1, digests: digests('x') }, { path: 'data/x/y', size: 1, digests: digests('x') }]],
    ['ERR_PATH_COLLISION', [{ path: 'data/a', size: 1, digests: digests('x') }, { path: 'data/a/b', size: 1, digests: digests('x') }]],
    ['ERR_DIGEST_UNSUPPORTED_ALGORITHM', []],
  ] as const)('throws %s', (code, payload) => {
    const algorithms = code === 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' ? ['md5'] : [];
    let thrown: unknown;
    try {
      createTagFiles({ payload, algorithms, tagFiles: [], bagInfo } as never);
    } catch (error) {
      thrown = error;
    }
    expect(isEvidenceBundleError(thrown, code)).toBe(true);
  });
});

describe('createTagFiles: tag files and the directories of other paths', () => {
  it.each([
    ['a tag file named like the payload directory', 'DATA'],
    ['a tag file named like the tag directory', 'Evidence'],
  ])('refuses %s', (_name, tagFile) => {
    let thrown: unknown;
    try {
      createTagFiles({
        payload: [{ path: 'data/x', size: 1, digests: digests('x') }],
        algorithms: [],
        tagFiles: [
          ['evidence/manifest.json', new Uint8Array(1)],
          [tagFile, new Uint8Array(1)],
        ],
        bagInfo,
      });
    } catch (error) {
      thrown = error;
    }
    expect(isEvidenceBundleError(thrown, 'ERR_PATH_COLLISION')).toBe(true);
  });
});

describe('buildTagManifests', () => {
  const files: Array<[string, Uint8Array]> = [
    ['bagit.txt', utf8Encode('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
    ['bag-info.txt', utf8Encode('Payload-Oxum: 0.0\n')],
    ['manifest-sha256.txt', utf8Encode('')],
    ['tagmanifest-sha256.txt', utf8Encode('stale')],
    ['evidence/signatures.json', utf8Encode('{"signatures":[]}')],
  ];

  it('covers bagit.txt, bag-info.txt, the payload manifests and the other tag files, never a tag manifest', () => {
    const manifests = buildTagManifests(files, ['sha512']);
    expect([...manifests.keys()]).toEqual(['tagmanifest-sha256.txt', 'tagmanifest-sha512.txt']);
    const listed = decode(manifests.get('tagmanifest-sha256.txt')).split('\n').slice(0, -1).map((l) => l.slice(66));
    expect(listed).toEqual(['bag-info.txt', 'bagit.txt', 'evidence/signatures.json', 'manifest-sha256.txt']);
    expect(decode(manifests.get('tagmanifest-sha512.txt'))).toContain(`${digests('{"signatures":[]}', ['sha512']).sha512!}  evidence/signatures.json\n`);
  });

  it('gives the same tag manifests as createTagFiles for the same files', () => {
    const created = createTagFiles({ payload: [], algorithms: ['blake3'], tagFiles: [['evidence/custody.jsonl', utf8Encode('{}\n')]], bagInfo });
    const rebuilt = buildTagManifests(created, ['blake3']);
    for (const [name, bytes] of rebuilt) expect(new Map(created).get(name)).toEqual(bytes);
  });

  it('refuses payload files and a path given twice', () => {
    expect(() => buildTagManifests([['data/x', new Uint8Array()]], [])).toThrow(TypeError);
    expect(() => buildTagManifests([['a.txt', new Uint8Array()], ['a.txt', new Uint8Array(1)]], [])).toThrow(TypeError);
  });
});

describe('round trip: createTagFiles -> validateBag', () => {
  it.each([[['sha256']], [['sha256', 'sha512']], [['sha3-256', 'blake3']]] as const)('%j validates with no finding above info', async (algorithms) => {
    const files = buildBag(SAMPLE_PAYLOAD, { algorithms: [...algorithms], tagFiles: { 'evidence/manifest.json': '{}', 'evidence/custody.jsonl': '' } });
    const result = await validateBag(memorySource(files));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    // Registry order: SHA-256, SHA-512, SHA3-256, BLAKE3.
    expect(result.algorithms).toEqual(['sha256', 'sha512', 'sha3-256', 'blake3'].filter((a) => a === 'sha256' || (algorithms as readonly string[]).includes(a)));
    expect(result.bagInfo).toContainEqual(['External-Identifier', BUNDLE_ID]);
    for (const [path, data] of Object.entries(SAMPLE_PAYLOAD)) {
      expect(result.payload.get(path)?.digests).toEqual(digests(data, [...algorithms]));
    }
  });

  it('flipping one byte of a payload file gives the digest mismatch at its path', async () => {
    const files = buildBag();
    const bytes = files['data/logs/access.log']!;
    bytes[5] = bytes[5]! ^ 0x01;
    const result = await validateBag(memorySource(files));
    expect(result.valid).toBe(false);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'bag.payload.digest-mismatch', path: 'data/logs/access.log', line: 3 }),
    ]);
  });

  it('flipping any byte of any payload or covered tag file makes the bag invalid (property)', async () => {
    const pristine = buildBag(SAMPLE_PAYLOAD, { algorithms: ['sha256', 'sha512'] });
    // Tag manifests are covered by nothing: a flip there may be harmless (upper-case hex), so they are left out.
    const targets = Object.keys(pristine).filter((p) => !p.startsWith('tagmanifest-') && pristine[p]!.length > 0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.nat(), fc.integer({ min: 1, max: 255 }), async (path, at, mask) => {
        const files = Object.fromEntries(Object.entries(pristine).map(([p, b]) => [p, b.slice()]));
        const bytes = files[path]!;
        bytes[at % bytes.length] = bytes[at % bytes.length]! ^ mask;
        const result = await validateBag(memorySource(files));
        expect(result.valid).toBe(false);
        // A broken bagit.txt may stop the tag files from being read at all; every other file is caught by digest.
        if (path === 'bagit.txt') return;
        const expected = path.startsWith('data/') ? 'bag.payload.digest-mismatch' : 'bag.tagmanifest.digest-mismatch';
        expect(result.findings).toContainEqual(expect.objectContaining({ code: expected, path }));
      }),
      { numRuns: 200 },
    );
  });

  it('text() helper reads back the manifest', () => {
    expect(text(buildBag(), 'bagit.txt')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  });
});
