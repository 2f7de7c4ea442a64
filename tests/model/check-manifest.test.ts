import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../src/model/check-manifest.js';
import { LIMITS } from '../../src/model/layout.js';
import { smallManifest } from './helpers.js';

describe('checkManifest at LIMITS.items', () => {
  // Counted, not packed: the files are not needed to check the limit, only the items (tests/verify/million-items
  // packs and verifies a bundle of many items end to end, with EVB_SLOW=1).
  const many = (count: number) => {
    const m = smallManifest();
    const [one] = m.items;
    m.items = Array.from({ length: count }, (_, i) => ({ ...one, id: `item-${i}`, path: `d${Math.floor(i / 1000)}/${i}.bin` }));
    return m;
  };

  it('accepts LIMITS.items distinct items, and refuses one more at /items (manifest.schema.invalid)', () => {
    const at = checkManifest(many(LIMITS.items));
    expect(at.findings).toEqual([]);
    expect(at.manifest?.items).toHaveLength(LIMITS.items);
    const past = checkManifest(many(LIMITS.items + 1));
    expect(past.manifest).toBeUndefined();
    expect(past.findings).toEqual([expect.objectContaining({ code: 'manifest.schema.invalid', severity: 'error', path: 'evidence/manifest.json#/items' })]);
  });
});

describe('checkManifest', () => {
  it('returns the manifest and no finding when valid', () => {
    const { manifest, findings } = checkManifest(smallManifest());
    expect(findings).toEqual([]);
    expect(manifest).toEqual(smallManifest());
  });

  it('locates a problem by JSON Pointer fragment and names the item', () => {
    const m = smallManifest();
    m.items[1].digests.sha256 = 'zz';
    const { manifest, findings } = checkManifest(m);
    expect(manifest).toBeUndefined();
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'manifest.schema.invalid',
        severity: 'error',
        path: 'evidence/manifest.json#/items/1/digests/sha256',
        item: 'login-ips',
      }),
    ]);
  });

  it('gives one finding per unknown member, pointing at the member', () => {
    const m = smallManifest();
    m.extra = 1;
    m.handling.colour = 'red';
    const paths = checkManifest(m).findings.map((f) => f.path);
    expect(paths.sort()).toEqual(['evidence/manifest.json#/extra', 'evidence/manifest.json#/handling/colour']);
  });

  it('percent-encodes a pointer as a URI fragment (RFC 6901 section 6)', () => {
    const m = smallManifest();
    m['clé 1'] = true;
    expect(checkManifest(m).findings[0]!.path).toBe('evidence/manifest.json#/cl%C3%A9%201');
  });

  it('encodes an astral character of a key as itself and a lone surrogate as U+FFFD', () => {
    const m = smallManifest();
    m['\u{1F600}\uD800'] = true;
    expect(checkManifest(m).findings[0]!.path).toBe('evidence/manifest.json#/%F0%9F%98%80%EF%BF%BD');
  });

  it('keeps the report bounded: 100 findings and a count of the rest', () => {
    const m = smallManifest();
    for (let i = 0; i < 250; i++) m[`extra${i}`] = i;
    const { findings } = checkManifest(m);
    expect(findings).toHaveLength(101);
    expect(findings.slice(0, 100).every((f) => f.code === 'manifest.schema.invalid')).toBe(true);
    expect(findings[100]).toMatchObject({ code: 'verify.findings.omitted', path: 'evidence/manifest.json' });
    expect(findings[100]!.message).toMatch(/^150 /);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        const { manifest, findings } = checkManifest(value);
        expect(manifest).toBeUndefined();
        expect(findings.length).toBeGreaterThan(0);
        expect(findings.every((f) => f.code === 'manifest.schema.invalid' && f.path!.startsWith('evidence/manifest.json'))).toBe(true);
      }),
    );
  });

  it('never throws on mutations of a valid manifest with odd keys', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (key, value) => {
        const m = smallManifest();
        m.items[0][key] = value;
        expect(() => checkManifest(m)).not.toThrow();
      }),
    );
  });
});
