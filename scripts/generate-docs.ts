// Regenerates the parts of docs/format.md that come from code (the finding-code table), between markers.
// With --check it writes nothing and exits 1 when the document is out of date (CI runs it so).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES } from '../src/report/codes.js';
import { FINDING_PARAMS } from '../src/report/finding-params.js';

const FILE = join(import.meta.dirname, '..', 'docs', 'format.md');
const START = '<!-- generated:finding-codes:start -->';
const END = '<!-- generated:finding-codes:end -->';

function table(): string {
  const rows = Object.entries(FINDING_CODES)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, d]) => `| \`${code}\` | ${d.severity} | ${d.effect === 'none' ? '-' : d.effect.toUpperCase()} | ${params(code)} | ${d.summary.replace(/\|/g, '\\|')} |`);
  return ['| code | severity | outcome effect | params | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

// The parameters of a code (src/report/finding-params.ts), "-" for none.
function params(code: string): string {
  const names: readonly string[] = (FINDING_PARAMS as Readonly<Record<string, readonly string[] | undefined>>)[code] ?? [];
  return names.length === 0 ? '-' : names.map((n) => `\`${n}\``).join(', ');
}

const doc = readFileSync(FILE, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  console.error(`docs/format.md lacks the markers ${START} ... ${END}`);
  process.exit(1);
}
const next = `${doc.slice(0, start + START.length)}\n${table()}\n${doc.slice(end)}`;
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/format.md: the finding-code table is out of date; run npm run docs');
    process.exit(1);
  }
  console.log('docs/format.md finding-code table is up to date');
} else {
  writeFileSync(FILE, next);
  console.log(`docs/format.md: ${Object.keys(FINDING_CODES).length} finding codes`);
}
