import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from '../helpers/vectors.js';

const readJson = (...path: string[]): any => JSON.parse(readFileSync(join(REPO_ROOT, ...path), 'utf8'));

/** The `.json` files of a folder of the repository, by name. */
export function jsonFiles(...dir: string[]): string[] {
  return readdirSync(join(REPO_ROOT, ...dir)).filter((f) => f.endsWith('.json')).sort();
}

/** A fresh copy of a repository JSON file. */
export const loadJson = (...path: string[]): any => readJson(...path);

/** The committed JSON Schema `schemas/<name>.schema.json`, compiled by ajv (draft 2020-12, formats on, strict: every strict rule, strictRequired included). */
export function committedValidator(name: string) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(readJson('schemas', `${name}.schema.json`));
}

/** A small valid manifest to mutate: two present items, one actor. */
export const smallManifest = (): any => loadJson('examples', 'manifests', 'nl-to-gh-second-protocol-emergency.json');
