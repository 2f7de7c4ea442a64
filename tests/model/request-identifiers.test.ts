import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/bundle/build-manifest.js';
import { checkManifest } from '../../src/model/check-manifest.js';
import { formatVersionFor } from '../../src/model/manifest.js';
import { committedValidator, smallManifest } from './helpers.js';

const validate = committedValidator('manifest');
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER = '0192b7c4-6f00-7000-8000-0000000000aa';

/** A 1.1 manifest: the small example with request identifiers and a related bundle. */
function v11(): any {
  const m = smallManifest();
  m.formatVersion = '1.1';
  m.legalBasis.request.identifiers = [
    { scheme: 'mla-reference', value: 'GH-MLA-2026-0042' },
    { scheme: 'etsi-ldid', value: 'NL-ACME-2026-000017' },
    { scheme: 'x-gh-police.case', value: 'GPS/CY/2026/88' },
  ];
  m.relatedBundles = [{ relation: 'follows-preservation', bundleId: OTHER, manifestDigest: DIGEST }];
  return m;
}


describe('request identifiers and related bundles (format 1.1)', () => {
  it.each([
    ['an unknown scheme without x-', (m: any) => (m.legalBasis.request.identifiers[0].scheme = 'epoc')],
    ['an x- scheme in upper case', (m: any) => (m.legalBasis.request.identifiers[0].scheme = 'x-Police')],
    ['a bare x-', (m: any) => (m.legalBasis.request.identifiers[0].scheme = 'x-')],
    ['an empty value', (m: any) => (m.legalBasis.request.identifiers[0].value = '')],
    ['a value with a control character', (m: any) => (m.legalBasis.request.identifiers[0].value = 'A\u001bB')],
    ['an unknown member of an identifier', (m: any) => (m.legalBasis.request.identifiers[0].issuer = 'x')],
    ['an empty identifier list', (m: any) => (m.legalBasis.request.identifiers = [])],
    ['an identifier given twice', (m: any) => m.legalBasis.request.identifiers.push({ ...m.legalBasis.request.identifiers[0] })],
    ['an unknown relation', (m: any) => (m.relatedBundles[0].relation = 'replaces')],
    ['a related bundle id in upper case', (m: any) => (m.relatedBundles[0].bundleId = OTHER.toUpperCase())],
    ['a manifest digest without its algorithm', (m: any) => (m.relatedBundles[0].manifestDigest = 'ab'.repeat(32))],
    ['a manifest digest of another algorithm', (m: any) => (m.relatedBundles[0].manifestDigest = `sha512:${'ab'.repeat(64)}`)],
    ['an empty related-bundle list', (m: any) => (m.relatedBundles = [])],
  ])('refuses %s (zod and the committed JSON Schema agree)', (_name, edit) => {
    const m = v11();
    edit(m);
    expect(checkManifest(m).manifest).toBeUndefined();
    expect(checkManifest(m).findings.map((f) => f.code)).toContain('manifest.schema.invalid');
    expect(validate(m)).toBe(false);
  });

  it.each([
    ['a link to the bundle itself', (m: any) => (m.relatedBundles[0].bundleId = m.bundleId), '/relatedBundles/0/bundleId'],
    ['the same bundle linked twice', (m: any) => m.relatedBundles.push({ ...m.relatedBundles[0], relation: 'supplements' }), '/relatedBundles/1/bundleId'],
    ['request identifiers under formatVersion 1.0', (m: any) => (m.formatVersion = '1.0', delete m.relatedBundles), '/legalBasis/request/identifiers'],
    ['related bundles under formatVersion 1.0', (m: any) => (m.formatVersion = '1.0', delete m.legalBasis.request.identifiers), '/relatedBundles'],
  ])('refuses %s (a cross-field rule), located at the member', (_name, edit, pointer) => {
    const m = v11();
    edit(m);
    const { manifest, findings } = checkManifest(m);
    expect(manifest).toBeUndefined();
    expect(findings.map((f) => f.code)).toEqual(['manifest.schema.invalid']);
    expect(JSON.stringify(findings)).toContain(pointer);
  });

  it('accepts a 1.1 manifest with every known scheme and both relations; a 1.2 reader-side version too', () => {
    const m = v11();
    m.legalBasis.request.identifiers.push({ scheme: 'eu-epoc', value: 'EPOC-DE-2026-1' }, { scheme: 'eu-epoc-pr', value: 'EPOC-PR-DE-2026-1' });
    m.relatedBundles.push({ relation: 'supplements', bundleId: '0192b7c4-6f00-7000-8000-0000000000bb', manifestDigest: DIGEST });
    expect(checkManifest(m).findings).toEqual([]);
    expect(validate(m)).toBe(true);
    m.formatVersion = '1.2';
    expect(checkManifest(m).findings).toEqual([]);
  });

  it('writers write the lowest version whose members they use', () => {
    const plain = smallManifest();
    const { formatVersion: _v, bundleId: _b, createdAt: _c, items: _i, ...metadata } = plain;
    const at = { bundleId: '0192b7c4-6f00-7000-8000-000000000001', createdAt: new Date('2026-10-06T09:00:00Z') };
    expect(buildManifest(metadata, [], at).manifest.formatVersion).toBe('1.0');
    const { formatVersion: _v2, bundleId: _b2, createdAt: _c2, items: _i2, ...metadata11 } = v11();
    expect(buildManifest(metadata11, [], at).manifest.formatVersion).toBe('1.1');
    const onlyLinks = { ...metadata, relatedBundles: metadata11.relatedBundles };
    expect(buildManifest(onlyLinks, [], at).manifest.formatVersion).toBe('1.1');
    // A writer refuses what the reader would refuse, with the schema's error (never a TypeError on bad input).
    expect(() => buildManifest({ ...metadata, relatedBundles: [{ ...metadata11.relatedBundles[0], bundleId: at.bundleId }] }, [], at)).toThrow(
      expect.objectContaining({ code: 'ERR_MANIFEST_INVALID' }),
    );
    expect(() => buildManifest({} as never, [], at)).toThrow(expect.objectContaining({ code: 'ERR_MANIFEST_INVALID' }));
    expect(formatVersionFor({})).toBe('1.0');
  });
});
