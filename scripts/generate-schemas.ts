// Writes schemas/<name>.schema.json from the zod schemas (src/model/json-schemas.ts).
// With --check it writes nothing and exits 1 when a committed file differs from what would be written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_NAMES, toJsonSchema } from '../src/model/json-schemas.js';

const DIR = join(import.meta.dirname, '..', 'schemas');
const check = process.argv.includes('--check');
const stale: string[] = [];
mkdirSync(DIR, { recursive: true });
for (const name of JSON_SCHEMA_NAMES) {
  const file = join(DIR, `${name}.schema.json`);
  const text = JSON.stringify(toJsonSchema(name), null, 2) + '\n';
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(`schemas/${name}.schema.json`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote schemas/${name}.schema.json`);
  }
}
if (check) {
  if (stale.length > 0) {
    console.error(`out of date (run npm run schemas): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`schemas up to date (${JSON_SCHEMA_NAMES.join(', ')})`);
}
