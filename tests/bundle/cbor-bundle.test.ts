import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCborBundle,
  encodeCborBundle,
} from '../../src/bundle/cbor-bundle.js';
import { CBOR_BUNDLE_MAX_BYTES, detectBundleForm } from '../../src/bundle/bundle-form.js';
import { encodeDeterministicCbor } from '../../src/encoding/cbor/encode.js';
import type { CborValue } from '../../src/encoding/cbor/cbor-value.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { concatBytes, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { nonCanonicalVariants } from '../encoding/cbor-variants.js';
import { expectCode } from '../encoding/helpers.js';
import { REPO_ROOT } from '../helpers/vectors.js';
import { LIMITS } from '../../src/model/layout.js';

const MAGIC = Uint8Array.of(0xd9, 0xd9, 0xf7);
const tagged = (document: CborValue) => concatBytes(MAGIC, encodeDeterministicCbor(document));
const bundleDocument = (files: Record<string, CborValue>, extra: Record<string, CborValue> = {}) =>
  tagged({ files, format: 'evidence-bundle-cbor', version: 1, ...extra });

const bag = () =>
  new Map<string, Uint8Array>([
    ['bagit.txt', utf8Encode('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
    ['data/subscriber.csv', utf8Encode('msisdn,name\n+84000000000,A\n')],
    ['evidence/manifest.json', utf8Encode('{"b":1,"a":"\u00e9"}')],
    ['evidence/signatures.json', utf8Encode('{"payload":"","signatures":[]}')],
    ['manifest-sha256.txt', utf8Encode('00  data/subscriber.csv\n')],
  ]);

describe('decodeCborBundle refuses documents that are not CBOR bundles', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['no tag 55799', encodeDeterministicCbor({ files: {}, format: 'evidence-bundle-cbor', version: 1 })],
    ['another tag in front', concatBytes(Uint8Array.of(0xd9, 0xd9, 0xf8), encodeDeterministicCbor({}))],
    ['the tag over an array', tagged([])],
    ['the tag over a byte string', tagged(new Uint8Array(3))],
    ['a missing member', tagged({ files: {}, format: 'evidence-bundle-cbor' })],
    ['an extra member', bundleDocument({}, { comment: 'x' })],
    ['another format', tagged({ files: {}, format: 'evidence-bundle', version: 1 })],
    ['the format as bytes', tagged({ files: {}, format: utf8Encode('evidence-bundle-cbor'), version: 1 })],
    ['version 2', tagged({ files: {}, format: 'evidence-bundle-cbor', version: 2 })],
    ['version 0', tagged({ files: {}, format: 'evidence-bundle-cbor', version: 0 })],
    ['the version as text', tagged({ files: {}, format: 'evidence-bundle-cbor', version: '1' })],
    ['files as an array', tagged({ files: [], format: 'evidence-bundle-cbor', version: 1 })],
    ['a file as a text string', bundleDocument({ 'bagit.txt': 'BagIt-Version: 1.0\n' })],
    ['a file as null', bundleDocument({ 'bagit.txt': null })],
    ['the tag alone', MAGIC],
  ];
  it.each(cases)('%s', (_what, bytes) => {
    expectCode(() => decodeCborBundle(bytes), bytes === MAGIC ? 'ERR_CBOR_MALFORMED' : 'ERR_DOCUMENT_INVALID');
  });

  it('a file nested as a map is deeper than the document allows', () => {
    expectCode(() => decodeCborBundle(bundleDocument({ data: { 'a.txt': new Uint8Array(1) } })), 'ERR_LIMIT_EXCEEDED');
  });

  it('refuses non-deterministic and malformed CBOR under the tag', () => {
    const good = encodeCborBundle(bag());
    expectCode(() => decodeCborBundle(concatBytes(good, Uint8Array.of(0))), 'ERR_CBOR_MALFORMED');
    expectCode(() => decodeCborBundle(good.subarray(0, good.length - 1)), 'ERR_CBOR_MALFORMED');
    // The top-level map with an indefinite length: a3 -> bf ... ff.
    const indefinite = concatBytes(MAGIC, Uint8Array.of(0xbf), good.subarray(4), Uint8Array.of(0xff));
    expectCode(() => decodeCborBundle(indefinite), 'ERR_CBOR_NOT_DETERMINISTIC');
    // The same files with their map entries swapped: bytes still parse, but not in the deterministic order.
    const files = { 'b.txt': new Uint8Array(1), 'a.txt': new Uint8Array(1) };
    const swapped = bundleDocument(files);
    const i = toHex(swapped).indexOf(toHex(utf8Encode('a.txt'))) / 2 - 1;
    const j = toHex(swapped).indexOf(toHex(utf8Encode('b.txt'))) / 2 - 1;
    const entry = 1 + 5 + 2;
    const reordered = concatBytes(swapped.subarray(0, i), swapped.subarray(j, j + entry), swapped.subarray(i, i + entry), swapped.subarray(j + entry));
    expectCode(() => decodeCborBundle(reordered), 'ERR_CBOR_NOT_DETERMINISTIC');
  });
});

describe('every non-canonical variant of a valid CBOR bundle', () => {
  it('is refused with the code of its defect', () => {
    const body = encodeCborBundle(bag()).subarray(MAGIC.length);
    const variants = nonCanonicalVariants(body);
    expect(variants.length).toBeGreaterThan(100);
    for (const variant of variants) {
      let code: unknown;
      try {
        decodeCborBundle(concatBytes(MAGIC, variant.bytes));
      } catch (error) {
        code = isEvidenceBundleError(error) ? error.code : error;
      }
      expect(code, variant.what).toBe(variant.code);
    }
  });
});

describe('file paths in a CBOR bundle', () => {
  const unsafe = ['/etc/passwd', 'C:/x', '../x', 'data/../x', 'data/./x', 'data//x', 'data/x/', 'a\\b', 'a\0b', 'a\nb', 'e\u0301.txt', ''];
  it.each(unsafe)('refuses %j on decode and on encode', (path) => {
    expectCode(() => decodeCborBundle(bundleDocument({ [path]: new Uint8Array(1) })), 'ERR_PATH_UNSAFE');
    expectCode(() => encodeCborBundle(new Map([[path, new Uint8Array(1)]])), 'ERR_PATH_UNSAFE');
  });

  const collisions: Array<[string, string]> = [
    ['data/A.txt', 'data/a.txt'],
    ['data/Stra\u00dfe', 'data/STRASSE'],
    ['data/\u00e9', 'data/\u00c9'],
    ['data/a', 'data/a/b'],
    ['data/A', 'data/a/b'],
  ];
  it.each(collisions)('refuses %j beside %j on decode and on encode', (a, b) => {
    expectCode(() => decodeCborBundle(bundleDocument({ [a]: new Uint8Array(1), [b]: new Uint8Array(2) })), 'ERR_PATH_COLLISION');
    expectCode(() => encodeCborBundle(new Map([[a, new Uint8Array(1)], [b, new Uint8Array(2)]])), 'ERR_PATH_COLLISION');
  });

  it('an NFD twin of an NFC path is refused as not NFC before it can collide', () => {
    expectCode(() => decodeCborBundle(bundleDocument({ 'data/\u00e9': new Uint8Array(1), 'data/e\u0301': new Uint8Array(1) })), 'ERR_PATH_UNSAFE');
  });
});

describe('the size limit', () => {
  it('is 64 MiB by default', () => {
    expect(CBOR_BUNDLE_MAX_BYTES).toBe(64 * 1024 * 1024);
  });

  it('refuses input past maxBytes on decode, and output past it on encode', () => {
    const bytes = encodeCborBundle(bag());
    expect(decodeCborBundle(bytes, { maxBytes: bytes.length }).size).toBe(5);
    expectCode(() => decodeCborBundle(bytes, { maxBytes: bytes.length - 1 }), 'ERR_LIMIT_EXCEEDED');
    expectCode(() => encodeCborBundle(bag(), { maxBytes: bytes.length - 1 }), 'ERR_LIMIT_EXCEEDED');
    expect(encodeCborBundle(bag(), { maxBytes: bytes.length })).toEqual(bytes);
    // The contents alone over the limit: refused before they are copied.
    expectCode(() => encodeCborBundle(new Map([['data/big', new Uint8Array(1000)]]), { maxBytes: 999 }), 'ERR_LIMIT_EXCEEDED');
  });

  it('refuses a bundle over the default limit', () => {
    const big = new Uint8Array(CBOR_BUNDLE_MAX_BYTES);
    expectCode(() => encodeCborBundle(new Map([['data/big', big]])), 'ERR_LIMIT_EXCEEDED');
    expectCode(() => decodeCborBundle(concatBytes(MAGIC, big)), 'ERR_LIMIT_EXCEEDED');
  });

  it('maxBytes out of range and contents that are not bytes are caller misuse', () => {
    expect(() => decodeCborBundle(new Uint8Array(4), { maxBytes: 0 })).toThrow(RangeError);
    expect(() => encodeCborBundle(bag(), { maxBytes: -1 })).toThrow(RangeError);
    expect(() => encodeCborBundle(new Map([['a', 'x' as unknown as Uint8Array]]))).toThrow(TypeError);
    expect(() => decodeCborBundle('x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('encodeCborBundle and decodeCborBundle', () => {
  it('write the document of the specification (docs/format.md, "CBOR form")', () => {
    const bytes = encodeCborBundle(new Map([['bagit.txt', utf8Encode('BagIt-Version: 1.0\n')]]));
    expect(toHex(bytes)).toBe(
      'd9d9f7' + 'a3' + '6566696c6573' + 'a1' + '6962616769742e747874' + '53' + toHex(utf8Encode('BagIt-Version: 1.0\n')) +
        '66666f726d6174' + '74' + toHex(utf8Encode('evidence-bundle-cbor')) + '6776657273696f6e' + '01',
    );
    expect(detectBundleForm(bytes)).toBe('cbor');
  });

  it('write the worked example of docs/format.md byte for byte', () => {
    const spec = readFileSync(join(REPO_ROOT, 'docs', 'format.md'), 'utf8');
    const hex = /## CBOR form[\s\S]*?```hex\n([0-9a-f]+)\n```/.exec(spec)?.[1];
    const files = new Map([
      ['bagit.txt', utf8Encode('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
      ['data/hello.txt', utf8Encode('hello\n')],
    ]);
    expect(hex).toBe(toHex(encodeCborBundle(files)));
    expect(decodeCborBundle(encodeCborBundle(files))).toEqual(files);
  });

  it('round-trip every file byte for byte, whatever the order of the input map', () => {
    const files = bag();
    const bytes = encodeCborBundle(files);
    expect(decodeCborBundle(bytes)).toEqual(files);
    expect(encodeCborBundle(new Map([...files].reverse()))).toEqual(bytes);
  });

  it('round-trip random bags', () => {
    const segment = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(segment, fc.uint8Array({ maxLength: 200 })), { selector: ([s]) => s.toLowerCase(), maxLength: 20 }), (entries) => {
        const files = new Map(entries.map(([name, content]) => [`data/${name}`, content]));
        const decoded = decodeCborBundle(encodeCborBundle(files));
        expect(decoded).toEqual(files);
      }),
    );
  });

  it('keep the manifest bytes exactly, even when they are not what the encoder would write as text', () => {
    // Bytes that are not UTF-8 and a BOM: a byte string carries them untouched.
    const odd = Uint8Array.of(0xef, 0xbb, 0xbf, 0xff, 0x00, 0x7b);
    const decoded = decodeCborBundle(encodeCborBundle(new Map([['evidence/manifest.json', odd]])));
    expect(decoded.get('evidence/manifest.json')).toEqual(odd);
  });
});

describe('detectBundleForm', () => {
  it('recognises ZIP by its local header or empty-archive end record, CBOR by tag 55799', () => {
    expect(detectBundleForm(Uint8Array.of(0x50, 0x4b, 3, 4, 20))).toBe('zip');
    expect(detectBundleForm(Uint8Array.of(0x50, 0x4b, 5, 6))).toBe('zip');
    expect(detectBundleForm(Uint8Array.of(0xd9, 0xd9, 0xf7, 0xa3))).toBe('cbor');
  });

  it('names nothing else', () => {
    for (const bytes of [[], [0x50, 0x4b, 3], [0x50, 0x4b, 1, 2], [0x50, 0x4b, 7, 8], [0xd9, 0xd9], [0xd9, 0xd9, 0xf8], [0xa3], utf8Encode('BagIt')]) {
      expect(detectBundleForm(Uint8Array.from(bytes))).toBeUndefined();
    }
  });
});

describe('a CBOR bundle of more files than a bundle holds (LIMITS.bagEntries)', () => {
  it('is refused by the writer by count, ERR_LIMIT_EXCEEDED, before any path is checked or byte encoded', () => {
    const empty = new Uint8Array(0);
    const files = new Map(Array.from({ length: LIMITS.bagEntries + 1 }, (_, i): [string, Uint8Array] => [`data/${i}`, empty]));
    expectCode(() => encodeCborBundle(files), 'ERR_LIMIT_EXCEEDED');
    // The same count with a path the rules refuse: still the limit, checked first.
    files.set('../escape', empty);
    expectCode(() => encodeCborBundle(files), 'ERR_LIMIT_EXCEEDED');
  });
});
