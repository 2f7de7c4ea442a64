import { createFindingCap } from '../report/cap-findings.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { isLegacyVersion } from './entry-path.js';
import { eachLine } from './tag-text.js';

/**
 * Parses the text of bag-info.txt (RFC 8493 section 2.2.2) into label/value pairs, in file order, repeated
 * labels kept. A line starting with a space or tab continues the previous value (joined with one space);
 * blank lines are skipped. The value is what follows the colon, trimmed. Never throws: a line without a colon
 * (or a continuation with nothing to continue) is a `bag.info.malformed-line` error; in BagIt 1.0, a label
 * with surrounding whitespace is trimmed with a warning.
 * @example
 * const { entries } = parseBagInfo('Payload-Oxum: 1024.3\n');
 */
export function parseBagInfo(
  text: string,
  options: { file?: string; version?: string } = {},
): { entries: Array<[string, string]>; findings: Finding[] } {
  const file = options.file ?? 'bag-info.txt';
  const entries: Array<[string, string]> = [];
  // Bounded as they are made: a 64 MiB bag-info.txt can hold 32 million malformed lines.
  const findings = createFindingCap();
  let i = -1;
  for (const line of eachLine(text)) {
    i++;
    const where = { path: file, line: i + 1 };
    if (line.trim() === '') continue;
    const last = entries[entries.length - 1];
    if (line[0] === ' ' || line[0] === '\t') {
      if (last === undefined) findings.push(makeFinding('bag.info.malformed-line', `line ${i + 1} continues nothing`, where, { line: i + 1 }));
      else last[1] = last[1] === '' ? line.trim() : `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const label = colon < 0 ? '' : line.slice(0, colon).trim();
    if (label === '') {
      findings.push(makeFinding('bag.info.malformed-line', `line ${i + 1} is not "Label: value"`, where, { line: i + 1 }));
      continue;
    }
    if (label !== line.slice(0, colon) && !isLegacyVersion(options.version)) {
      findings.push(makeFinding('bag.info.label-whitespace', `label ${JSON.stringify(line.slice(0, colon))} has surrounding whitespace`, where, { label: line.slice(0, colon) }));
    }
    entries.push([label, line.slice(colon + 1).trim()]);
  }
  return { entries, findings: findings.done() };
}

/**
 * Writes bag-info.txt (RFC 8493 section 2.2.2): one `Label: value` line per pair, in the given order, LF line
 * ends, no folding. What {@link parseBagInfo} reads back is exactly the input.
 * @throws TypeError for an empty label, a label with a colon, a value or label with CR/LF or surrounding
 *   whitespace.
 * @example
 * serializeBagInfo([['Bagging-Date', '2025-10-25'], ['Payload-Oxum', '1024.3']]);
 */
export function serializeBagInfo(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [label, value] of entries) {
    if (label === '' || label.includes(':') || /[\r\n]/.test(label) || label.trim() !== label) {
      throw new TypeError(`bag-info label ${JSON.stringify(label)} is empty, holds a colon or line break, or has surrounding whitespace`);
    }
    if (/[\r\n]/.test(value) || value.trim() !== value) {
      throw new TypeError(`bag-info value of ${label} holds a line break or has surrounding whitespace`);
    }
    out += `${label}: ${value}\n`;
  }
  return out;
}
