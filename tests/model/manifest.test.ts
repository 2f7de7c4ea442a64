import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/model/layout.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { toHex } from '../../src/internal/bytes.js';
import { checkManifest } from '../../src/model/check-manifest.js';
import { toJsonSchema } from '../../src/schemas.js';
import { parseManifest } from '../../src/model/parse-manifest.js';
import { REPO_ROOT } from '../helpers/vectors.js';
import { committedValidator, jsonFiles, loadJson } from './helpers.js';

const validate = committedValidator('manifest');
const EXAMPLES = jsonFiles('examples', 'manifests');
const INVALID = jsonFiles('tests', 'fixtures', 'manifests', 'invalid');
const SEMANTIC = jsonFiles('tests', 'fixtures', 'manifests', 'invalid-semantic');

// Each fixture breaks exactly one rule; the zod finding must point at the member at fault (RFC 6901).
const INVALID_AT: Record<string, string> = {
  'actor-without-role.json': '/actors/0/role',
  'blake3-not-hex.json': '/items/0/digests/blake3',
  'bundle-id-nil-uuid.json': '/bundleId',
  'bundle-id-upper-case.json': '/bundleId',
  'case-reference-empty.json': '/case/reference',
  'country-uk-not-gb.json': '/legalBasis/executingAuthority/country',
  'country-unassigned.json': '/creator/country',
  'data-categories-empty.json': '/handling/dataCategories',
  'data-categories-repeated.json': '/handling/dataCategories',
  'data-category-unknown.json': '/handling/dataCategories/1',
  'date-february-30.json': '/createdAt',
  'date-time-offset-without-colon.json': '/createdAt',
  'date-time-without-offset.json': '/items/0/acquisition/time',
  'disclosure-status-unknown.json': '/items/0/disclosure/status',
  'format-version-2.json': '/formatVersion',
  'full-date-month-13.json': '/legalBasis/request/date',
  'instrument-kind-unknown.json': '/legalBasis/instrument/kind',
  'item-id-with-space.json': '/items/0/id',
  'kid-not-a-thumbprint.json': '/actors/0/key/kid',
  'language-tag-invalid.json': '/case/description/english',
  'media-type-without-subtype.json': '/items/0/mediaType',
  'missing-sha256.json': '/items/0/digests/sha256',
  'multilingual-text-empty.json': '/case/description',
  'path-absolute.json': '/items/0/path',
  'path-backslash.json': '/items/0/path',
  'path-bidi-override.json': '/items/0/path',
  'path-c1-control.json': '/items/0/path',
  'path-control-character.json': '/items/0/path',
  'path-dot-dot.json': '/items/0/path',
  'present-item-without-digests.json': '/items/0/digests',
  'present-item-without-path.json': '/items/0/path',
  'sha512-too-short.json': '/items/1/digests/sha512',
  'size-above-safe-integer.json': '/items/0/size',
  'size-fractional.json': '/items/0/size',
  'size-negative.json': '/items/0/size',
  'speciality-not-boolean.json': '/legalBasis/useRestrictions/speciality',
  'text-bidi-isolate.json': '/actors/0/name',
  'text-bidi-override.json': '/legalBasis/purpose',
  'text-c1-control.json': '/creator/name',
  'text-escape-sequence.json': '/case/reference',
  'text-leading-space.json': '/legalBasis/purpose',
  'unknown-item-member.json': '/items/0/hash',
  'unknown-nested-member.json': '/legalBasis/instrument/note',
  'unknown-top-level-member.json': '/comment',
  'uppercase-hex.json': '/items/0/digests/sha256',
  'withheld-item-with-path.json': '/items/0/path',
  'x5c-base64url.json': '/actors/0/x5c/0',
};

const SEMANTIC_AT: Record<string, string> = {
  'acquisition-actor-unknown.json': '/items/0/acquisition/actor',
  'derivation-cycle-of-three.json': '/items/2/derivedFrom/0/item',
  'derivation-cycle-of-two.json': '/items/1/derivedFrom/0/item',
  'derived-from-itself.json': '/items/1/derivedFrom/0/item',
  'derived-from-unknown-item.json': '/items/1/derivedFrom/0/item',
  'duplicate-actor-id.json': '/actors/1/id',
  'duplicate-item-id.json': '/items/1/id',
  'duplicate-path.json': '/items/1/path',
  'path-case-fold-collision.json': '/items/1/path',
  'path-not-nfc.json': '/items/0/path',
  'path-too-many-bytes.json': '/items/0/path',
};

const pointersOf = (value: unknown): string[] =>
  checkManifest(value).findings.map((f) => f.path!.slice('evidence/manifest.json#'.length));

describe('example manifests', () => {
  it('there are examples to check', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXAMPLES)('%s is valid for zod and for the published JSON Schema', (file) => {
    const manifest = loadJson('examples', 'manifests', file);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(checkManifest(manifest).findings).toEqual([]);
    expect(parseManifest(manifest)).toEqual(manifest);
  });
});

describe('structurally invalid manifests (tests/fixtures/manifests/invalid)', () => {
  it('every fixture has an expected location, and every expected location a fixture', () => {
    expect(INVALID).toEqual(Object.keys(INVALID_AT).sort());
  });

  it.each(INVALID)('%s is rejected by the JSON Schema and by zod at the member at fault', (file) => {
    const manifest = loadJson('tests', 'fixtures', 'manifests', 'invalid', file);
    expect(validate(manifest)).toBe(false);
    expect(pointersOf(manifest)).toEqual([INVALID_AT[file]]);
  });
});

describe('manifests breaking a cross-field rule (tests/fixtures/manifests/invalid-semantic)', () => {
  it('every fixture has an expected location, and every expected location a fixture', () => {
    expect(SEMANTIC).toEqual(Object.keys(SEMANTIC_AT).sort());
  });

  // JSON Schema cannot express these rules, which is why readers must run the cross-field checks too.
  it.each(SEMANTIC)('%s passes the JSON Schema but not zod', (file) => {
    const manifest = loadJson('tests', 'fixtures', 'manifests', 'invalid-semantic', file);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(pointersOf(manifest)).toEqual([SEMANTIC_AT[file]]);
  });
});

describe('the worked example of docs/format.md', () => {
  it('states the true length and SHA-256 of the example manifest\'s canonical bytes', () => {
    const bytes = canonicalizeToBytes(loadJson('examples', 'manifests', 'nl-to-gh-second-protocol-emergency.json'));
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'format.md'), 'utf8');
    expect(doc).toContain(`are ${bytes.length.toLocaleString('en')} bytes long with SHA-256\n\`${toHex(sha256(bytes))}\``);
  });
});

describe('bounded resources', () => {
  // Security rule: the item count is bounded. zod refuses the array by its length, before it reads any element.
  it(`refuses a manifest listing more than LIMITS.items (${LIMITS.items.toLocaleString('en')}) items, at /items`, () => {
    const manifest = loadJson('examples', 'manifests', EXAMPLES[0]!) as { items: unknown[] };
    const one = manifest.items[0];
    expect(pointersOf({ ...manifest, items: new Array(LIMITS.items + 1).fill(one) })).toEqual(['/items']);
    expect(toJsonSchema('manifest')).toMatchObject({ properties: { items: { maxItems: LIMITS.items } } });
  });
});
