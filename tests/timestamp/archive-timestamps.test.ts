// The archive input (what an archive timestamp covers) and the chain file, without a TSA: which files, in which
// order, with which digests, and which documents are refused.
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { archiveFiles, archiveInput, parseArchiveTimestamps, serializeArchiveTimestamps } from '../../src/timestamp/archive-timestamps.js';
import { parseValidationData, serializeValidationData } from '../../src/trust/validation-data.js';
import { toHex, utf8DecodeStrict, utf8Encode } from '../../src/internal/bytes.js';
import { memorySource } from '../bagit/memory-source.js';

const hex256 = (text: string) => toHex(sha256(utf8Encode(text)));

const BAG = {
  'bagit.txt': 'BagIt-Version: 1.0\n',
  'data/b.bin': 'B',
  'data/Z.bin': 'Z',
  'data/é.bin': 'e',
  'evidence/manifest.json': '{}',
  'evidence/archive-timestamps.json': 'the chain itself',
  'tagmanifest-sha256.txt': 'changes with every link',
  'tagmanifest-sha512.txt': 'so does this',
  ['__proto__']: 'a hostile name stays data',
};

describe('archive input', () => {
  it('covers every file but the chain and the tag manifests, sorted by UTF-8 bytes, hashed with the link\'s algorithm', async () => {
    const files = await archiveFiles(memorySource(BAG), 'sha256');
    expect(files.map(([p]) => p)).toEqual(['__proto__', 'bagit.txt', 'data/Z.bin', 'data/b.bin', 'data/é.bin', 'evidence/manifest.json']);
    expect(files.find(([p]) => p === 'data/b.bin')![1]).toBe(hex256('B'));
    const long = await archiveFiles(memorySource(BAG), 'sha512');
    expect(long.find(([p]) => p === 'data/b.bin')![1]).toBe(toHex(sha512(utf8Encode('B'))));
    const input = JSON.parse(utf8DecodeStrict(await archiveInput(files, 'sha256', [new Uint8Array([1, 2])]))) as Record<string, unknown>;
    expect(Object.keys(input)).toEqual(['archiveInput', 'digestAlgorithm', 'files', 'timestamps']);
    expect(input['timestamps']).toEqual([toHex(sha256(new Uint8Array([1, 2])))]);
  });

  it('changes with any covered byte and any earlier token, not with a tag manifest or the chain file', async () => {
    const base = await archiveInput(await archiveFiles(memorySource(BAG), 'sha256'), 'sha256', []);
    const variants: Array<Record<string, string>> = [
      { 'data/b.bin': 'b' },
      { 'evidence/signatures.json': '{"signatures":[]}' },
      { 'evidence/manifest.json': '{ }' },
    ];
    for (const change of variants) {
      const other = await archiveInput(await archiveFiles(memorySource({ ...BAG, ...change }), 'sha256'), 'sha256', []);
      expect(toHex(other), JSON.stringify(change)).not.toBe(toHex(base));
    }
    const same = await archiveInput(await archiveFiles(memorySource({ ...BAG, 'tagmanifest-sha256.txt': 'x', 'evidence/archive-timestamps.json': 'y' }), 'sha256'), 'sha256', []);
    expect(toHex(same)).toBe(toHex(base));
    const files = await archiveFiles(memorySource(BAG), 'sha256');
    expect(toHex(await archiveInput(files, 'sha256', [new Uint8Array([1])]))).not.toBe(toHex(await archiveInput(files, 'sha256', [new Uint8Array([2])])));
  });

  it('reuses digests the bag check computed instead of reading the file again', async () => {
    const reads: string[] = [];
    const known = new Map([['data/b.bin', { digests: { sha256: 'ab'.repeat(32) } }]]);
    const files = await archiveFiles(memorySource(BAG, { reads }), 'sha256', { known });
    expect(files.find(([p]) => p === 'data/b.bin')![1]).toBe('ab'.repeat(32));
    expect(reads).not.toContain('data/b.bin');
  });
});

describe('archive-timestamps.json and validation-data.json', () => {
  const link = { digestAlgorithm: 'sha256', token: 'AAEC' };
  it('round-trips a chain as canonical JSON and a newline', () => {
    const bytes = serializeArchiveTimestamps({ archiveTimestampsVersion: '1.0', chain: [link as never] });
    expect(utf8DecodeStrict(bytes)).toBe('{"archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"sha256","token":"AAEC"}]}\n');
    expect(parseArchiveTimestamps(bytes).chain).toEqual([link]);
  });

  it('refuses every document that is not the schema, strictly', () => {
    const bad = [
      '{"archiveTimestampsVersion":"1.0","chain":[]}',
      '{"archiveTimestampsVersion":"2.0","chain":[{"digestAlgorithm":"sha256","token":"AAEC"}]}',
      '{"archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"md5","token":"AAEC"}]}',
      '{"archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"sha256","token":"AAE"}]}',
      '{"archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"sha256","token":"AAEC","x":1}]}',
      '{"archiveTimestampsVersion":"1.0","archiveTimestampsVersion":"1.0","chain":[{"digestAlgorithm":"sha256","token":"AAEC"}]}',
      JSON.stringify({ archiveTimestampsVersion: '1.0', chain: Array.from({ length: 65 }, () => link) }),
      '[]',
    ];
    for (const text of bad) expect(() => parseArchiveTimestamps(utf8Encode(text)), text).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_(BAG_INVALID|JSON_)/) }));
  });

  it('round-trips validation data and refuses what is not its schema', () => {
    const data = { crls: [new Uint8Array([0x30, 1, 2])], ocspResponses: [new Uint8Array([0x30, 3])] };
    const parsed = parseValidationData(serializeValidationData(data));
    expect(parsed).toEqual(data);
    for (const text of ['{"validationDataVersion":"1.0","crls":"MA=="}', '{"validationDataVersion":"1.0","crls":["MA="]}', '{"validationDataVersion":"1.0","ocsp":[]}', '{}']) {
      expect(() => parseValidationData(utf8Encode(text)), text).toThrow(expect.objectContaining({ code: 'ERR_BAG_INVALID' }));
    }
  });
});
