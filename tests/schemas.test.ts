import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_NAMES, type JsonSchemaName, toJsonSchema } from '../src/schemas.js';
import { REPO_ROOT } from './helpers/vectors.js';
import { committedValidator } from './model/helpers.js';

describe('published JSON Schemas', () => {
  it.each(JSON_SCHEMA_NAMES)('schemas/%s.schema.json is byte for byte what the generator writes', (name) => {
    const committed = readFileSync(join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8');
    expect(committed).toBe(JSON.stringify(toJsonSchema(name), null, 2) + '\n');
  });

  it.each(JSON_SCHEMA_NAMES)('schemas/%s.schema.json is a strict draft 2020-12 schema with $id and title', (name) => {
    expect(() => committedValidator(name)).not.toThrow();
    const schema = toJsonSchema(name);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe(`https://evidence-bundle.org/schemas/${name}.schema.json`);
    expect(typeof schema['title']).toBe('string');
  });

  it('the manifest schema closes every object and documents every property', () => {
    const open: string[] = [];
    const undocumented: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o['type'] === 'object' && o['additionalProperties'] !== false && o['propertyNames'] === undefined && !at.includes('/if')) open.push(at);
      if (o['properties'] !== undefined && !at.includes('/if')) {
        for (const [key, sub] of Object.entries(o['properties'] as Record<string, Record<string, unknown> | boolean>)) {
          // `true` / `false` in a conditional's then / else only say "present" / "absent" of a documented property.
          if (typeof sub === 'boolean') continue;
          // A shared definition ($defs, such as the country list) carries its description once.
          const target = typeof sub['$ref'] === 'string' ? defs[(sub['$ref'] as string).replace('#/$defs/', '')] : sub;
          if (typeof target?.['description'] !== 'string') undocumented.push(`${at}/properties/${key}`);
        }
      }
      for (const [key, value] of Object.entries(o)) walk(value, `${at}/${key}`);
    };
    const manifest = toJsonSchema('manifest');
    const defs = (manifest['$defs'] ?? {}) as Record<string, Record<string, unknown>>;
    walk(manifest, '');
    expect(open).toEqual([]);
    expect(undocumented).toEqual([]);
  });

  it('rejects an unknown schema name', () => {
    expect(() => toJsonSchema('nope' as JsonSchemaName)).toThrow(TypeError);
  });

  it('the generator in --check mode finds nothing to update', () => {
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, [join(REPO_ROOT, 'scripts', 'generate-schemas.ts'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  });

  it.each(JSON_SCHEMA_NAMES)('schemas/%s.schema.json compiles under new Ajv2020({ strict: true }) and spells the country list at most once', (name) => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    expect(() => ajv.compile(schema)).not.toThrow();
    // "ZW" is the last code of the list: it appears once, in $defs, however many places hold a country.
    const text = JSON.stringify(schema);
    expect(text.split('"ZW"').length - 1).toBeLessThanOrEqual(1);
    if (text.includes('"ZW"')) expect(Object.keys(schema['$defs'] as object)).toContain('CountryCode');
  });
});
