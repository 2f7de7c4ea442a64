import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { checkManifest } from '../../src/model/check-manifest.js';
import { JSON_SCHEMA_NAMES, toJsonSchema } from '../../src/model/json-schemas.js';
import { ManifestSchema } from '../../src/model/manifest.js';
import { parseManifest } from '../../src/model/parse-manifest.js';
import { REPO_ROOT } from '../helpers/vectors.js';

const EXAMPLES = join(REPO_ROOT, 'examples', 'manifests');
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
const committedSchema = (name: string): object => JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as object;

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const ajvValidate = ajv.compile(committedSchema('manifest'));

type Mutation = [string, (m: any) => void];
const base = (): any => load('vn-to-dz-un-cybercrime-convention.json');

// Each breaks one structural rule: both zod and the JSON Schema must reject it.
const STRUCTURAL: Mutation[] = [
  ['unknown top-level key', (m) => (m.extra = 1)],
  ['unknown nested key', (m) => (m.legalBasis.instrument.note = 'x')],
  ['unknown key in an item', (m) => (m.items[0].comment = 'x')],
  ['missing sha256', (m) => delete m.items[0].digests.sha256],
  ['upper-case hex', (m) => (m.items[0].digests.sha256 = m.items[0].digests.sha256.toUpperCase())],
  ['short digest', (m) => (m.items[0].digests.sha256 = 'abc')],
  ['unassigned country', (m) => (m.creator.country = 'XX')],
  ['lower-case country', (m) => (m.creator.country = 'vn')],
  ['impossible date', (m) => (m.createdAt = '2026-02-30T10:00:00Z')],
  ['time without offset', (m) => (m.createdAt = '2026-10-06T09:00:00')],
  ['negative size', (m) => (m.items[0].size = -1)],
  ['fractional size', (m) => (m.items[0].size = 1.5)],
  ['bad media type', (m) => (m.items[0].mediaType = 'json')],
  ['empty data categories', (m) => (m.handling.dataCategories = [])],
  ['unknown data category', (m) => (m.handling.dataCategories = ['metadata'])],
  ['path with ..', (m) => (m.items[0].path = '../etc/passwd')],
  ['absolute path', (m) => (m.items[0].path = '/etc/passwd')],
  ['backslash path', (m) => (m.items[0].path = 'a\\b')],
  ['unknown instrument kind', (m) => (m.legalBasis.instrument.kind = 'treaty')],
  ['bad language tag', (m) => (m.case.description = { 'english language': 'x' })],
  ['empty case reference', (m) => (m.case.reference = '')],
  ['unknown disclosure status', (m) => (m.items[0].disclosure = { status: 'partial' })],
  ['wrong major version', (m) => (m.formatVersion = '2.0')],
  ['bundle id not a UUID', (m) => (m.bundleId = 'case-42')],
  ['speciality not boolean', (m) => (m.legalBasis.useRestrictions.speciality = 'yes')],
];

// Rules between fields: JSON Schema cannot say them, zod must.
const SEMANTIC: Mutation[] = [
  ['duplicate item id', (m) => (m.items[1].id = m.items[0].id)],
  ['duplicate path', (m) => (m.items[1].path = m.items[0].path)],
  ['case-fold collision', (m) => (m.items[1].path = m.items[0].path.toUpperCase())],
  ['non-NFC path', (m) => (m.items[0].path = 'cafe\u0301.txt')],
  ['unknown acquisition actor', (m) => (m.items[0].acquisition.actor = 'nobody')],
  ['unknown derivation source', (m) => (m.items[0].derivedFrom = [{ item: 'nothing', method: 'x' }])],
  ['self derivation', (m) => (m.items[0].derivedFrom = [{ item: m.items[0].id, method: 'x' }])],
  [
    'derivation cycle',
    (m) => {
      m.items[0].derivedFrom = [{ item: m.items[1].id, method: 'x' }];
      m.items[1].derivedFrom = [{ item: m.items[0].id, method: 'x' }];
    },
  ],
  ['present item without path', (m) => delete m.items[0].path],
  ['withheld item with a path', (m) => (m.items[0].disclosure = { status: 'withheld', reason: 'x' })],
  ['duplicate actor id', (m) => m.actors.push({ ...m.actors[0] })],
  ['duplicate data category', (m) => (m.handling.dataCategories = ['traffic', 'traffic'])],
];

describe('manifest schema', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples)('example %s is valid for zod and for the published JSON Schema', (file) => {
    const manifest = load(file);
    expect(ajvValidate(manifest), JSON.stringify(ajvValidate.errors)).toBe(true);
    expect(parseManifest(manifest)).toEqual(manifest);
  });

  it.each(STRUCTURAL)('rejects (zod and JSON Schema): %s', (_name, mutate) => {
    const m = base();
    mutate(m);
    expect(ManifestSchema.safeParse(m).success).toBe(false);
    expect(ajvValidate(m)).toBe(false);
  });

  it.each(SEMANTIC)('rejects (zod): %s', (_name, mutate) => {
    const m = base();
    mutate(m);
    const result = checkManifest(m);
    expect(result.manifest).toBeUndefined();
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.every((f) => f.code === 'manifest.schema.invalid')).toBe(true);
  });

  it('throws ERR_MANIFEST_INVALID with the issues as cause, never strips unknown keys', () => {
    const m = base();
    m['unexpected'] = true;
    try {
      parseManifest(m);
      expect.unreachable();
    } catch (e) {
      expect(isEvidenceBundleError(e, 'ERR_MANIFEST_INVALID')).toBe(true);
      expect(Array.isArray((e as Error).cause)).toBe(true);
    }
  });

  it('locates item problems by item id and JSON Pointer', () => {
    const m = base();
    (m['items'] as any[])[2].digests.sha256 = 'zz';
    const { findings } = checkManifest(m);
    expect(findings[0]).toMatchObject({ code: 'manifest.schema.invalid', item: 'disk-excerpt' });
    expect(findings[0]!.message).toMatch(/^\/items\/2\/digests\/sha256/);
  });

  it.each(JSON_SCHEMA_NAMES)('committed schemas/%s.schema.json is what the generator writes', (name) => {
    expect(committedSchema(name)).toEqual(toJsonSchema(name));
  });
});
