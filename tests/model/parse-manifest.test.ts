import { describe, expect, it } from 'vitest';
import { EvidenceBundleError, isEvidenceBundleError } from '../../src/errors.js';
import { parseManifest } from '../../src/model/parse-manifest.js';
import { smallManifest } from './helpers.js';

function errorOf(value: unknown): EvidenceBundleError {
  try {
    parseManifest(value);
  } catch (error) {
    if (error instanceof EvidenceBundleError) return error;
    throw error;
  }
  throw new Error('parseManifest accepted the value');
}

describe('parseManifest', () => {
  it('returns an equal copy and leaves its input alone', () => {
    const input = smallManifest();
    const before = structuredClone(input);
    const manifest = parseManifest(input);
    expect(manifest).toEqual(before);
    expect(manifest).not.toBe(input);
    expect(input).toEqual(before);
  });

  it('rejects an unknown member rather than stripping it', () => {
    const m = smallManifest();
    m.items[0].note = 'x';
    const error = errorOf(m);
    expect(error.code).toBe('ERR_MANIFEST_INVALID');
    expect(error.message).toContain('/items/0/note');
  });

  it('names the first problem by JSON Pointer and carries every zod issue as cause', () => {
    const m = smallManifest();
    m.creator.country = 'XX';
    m.items[1].size = -1;
    const error = errorOf(m);
    expect(isEvidenceBundleError(error, 'ERR_MANIFEST_INVALID')).toBe(true);
    expect(error.message).toContain('/creator/country');
    expect(error.cause).toHaveLength(2);
  });

  it('escapes "/" and "~" in the pointer (RFC 6901 section 3)', () => {
    const m = smallManifest();
    m.case.description = { 'a/b~c': 'x' };
    expect(errorOf(m).message).toContain('/case/description/a~1b~0c');
  });

  it.each([null, 42, 'manifest', [], {}])('rejects %j with ERR_MANIFEST_INVALID', (value) => {
    expect(errorOf(value).code).toBe('ERR_MANIFEST_INVALID');
  });

  it('accepts minor versions of major version 1 and rejects other majors', () => {
    for (const version of ['1.0', '1.1', '1.12']) expect(parseManifest({ ...smallManifest(), formatVersion: version }).formatVersion).toBe(version);
    for (const version of ['2.0', '0.9', '1', '1.01', 'v1.0']) expect(errorOf({ ...smallManifest(), formatVersion: version }).code).toBe('ERR_MANIFEST_INVALID');
  });
});
