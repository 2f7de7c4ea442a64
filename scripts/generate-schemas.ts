// Writes schemas/<name>.schema.json (2-space JSON and a newline) for every entry of JSON_SCHEMA_SOURCES
// (src/schemas.ts). With --check it writes nothing, and exits 1 listing each file that is missing,
// differs from what would be written, or has no registry entry: CI runs `npm run schemas -- --check`.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_NAMES, toJsonSchema } from '../src/schemas.js';

const DIR = join(import.meta.dirname, '..', 'schemas');
const check = process.argv.includes('--check');

const expected = new Map(JSON_SCHEMA_NAMES.map((name) => [`${name}.schema.json`, JSON.stringify(toJsonSchema(name), null, 2) + '\n']));

if (!check) {
  mkdirSync(DIR, { recursive: true });
  for (const [file, text] of expected) {
    writeFileSync(join(DIR, file), text);
    console.log(`wrote schemas/${file}`);
  }
} else {
  const problems: string[] = [];
  for (const [file, text] of expected) {
    const path = join(DIR, file);
    if (!existsSync(path)) problems.push(`schemas/${file}: missing`);
    else if (readFileSync(path, 'utf8') !== text) problems.push(`schemas/${file}: differs from the zod schema`);
  }
  const present = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.schema.json')) : [];
  for (const file of present) if (!expected.has(file)) problems.push(`schemas/${file}: no entry in JSON_SCHEMA_SOURCES`);
  if (problems.length > 0) {
    console.error(`JSON Schemas out of date (run npm run schemas):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`schemas up to date (${JSON_SCHEMA_NAMES.join(', ')})`);
}
