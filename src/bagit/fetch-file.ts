import { createFindingCap } from '../report/cap-findings.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { readEntryPath } from './entry-path.js';
import { eachLine } from './tag-text.js';

/** One line of fetch.txt: where a payload file could be fetched from. This library never fetches. */
export interface FetchEntry {
  url: string;
  /** Declared size in bytes; undefined for `-`. */
  length?: number;
  path: string;
  line: number;
}

// The path starts after all the white space, as in manifests.
const LINE = /^(\S+)[ \t]+(-|[0-9]+)[ \t]+([^ \t].*)$/;

/**
 * Parses fetch.txt (RFC 8493 section 2.2.3): `<url> <length or -> <path>` per line. Never throws: malformed
 * lines, unsafe paths and paths outside `data/` are findings and are left out of the result.
 * @example
 * const { entries, findings } = parseFetchFile(text, { version: '1.0' });
 */
export function parseFetchFile(
  text: string,
  options: { file?: string; version?: string } = {},
): { entries: FetchEntry[]; findings: Finding[] } {
  const file = options.file ?? 'fetch.txt';
  const entries: FetchEntry[] = [];
  // Bounded as they are made: a 64 MiB fetch.txt can hold 32 million malformed lines.
  const findings = createFindingCap();
  let i = -1;
  for (const line of eachLine(text)) {
    i++;
    const where = { path: file, line: i + 1 };
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    const length = match?.[2] === '-' ? undefined : Number(match?.[2]);
    if (match === null || (length !== undefined && !Number.isSafeInteger(length))) {
      findings.push(makeFinding('bag.fetch.malformed-line', `line ${i + 1} is not "<url> <length> <path>"`, where, { line: i + 1 }));
      continue;
    }
    const path = readEntryPath(match[3]!, options.version, where, findings);
    if (path === undefined) continue;
    if (!path.startsWith('data/')) {
      findings.push(makeFinding('bag.fetch.outside-payload', `${JSON.stringify(path)} is not under data/`, where, { path }));
      continue;
    }
    entries.push({ url: match[1]!, ...(length !== undefined ? { length } : {}), path, line: i + 1 });
  }
  return { entries, findings: findings.done() };
}
