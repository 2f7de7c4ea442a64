import { assertBundlePath } from '../path/bundle-path.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { isLegacyVersion, readEntryPath } from './entry-path.js';
import { createFindingCap } from '../report/cap-findings.js';
import { eachLine } from './tag-text.js';

/** One line of a payload or tag manifest: a bag path and its lower-case hex digest. */
export interface ManifestEntry {
  path: string;
  digest: string;
  /** 1-based line number in the manifest file. */
  line: number;
}

/** Options of {@link parseManifest}. */
export interface ParseManifestOptions {
  /** The manifest's own bag path (`manifest-sha256.txt`), used as the location of findings. */
  file?: string;
  /** Declared BagIt version: 1.0 rules (percent-decoding, no repeated entries) unless it is 0.x. */
  version?: string;
  /** Expected digest length in hex characters, when the algorithm is known. */
  hexLength?: number;
}

/**
 * Splits "<digest><one or more spaces or tabs><path>" (RFC 8493 section 2.1.3): what
 * `/^([0-9A-Za-z]+)([ \t]+)([^ \t].*)$/` matches, without a regular expression (a line per file of the bag). The
 * path starts after all the white space, so a line ending in white space has no path rather than a path " "; a
 * path holding a line separator (U+2028, U+2029, or CR or LF) after its first character is no path either (the
 * path rules refuse the first). `undefined` when the line is not of that form, or its digest is not hex.
 * @internal exported for the test that compares it with the expression
 */
export function splitManifestLine(line: string): { digest: string; oneSpace: boolean; path: string } | undefined {
  let d = 0;
  let hex = true;
  for (; d < line.length; d++) {
    const c = line.charCodeAt(d);
    const digit = c >= 0x30 && c <= 0x39;
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (!digit && !letter) break;
    if (letter && (c | 0x20) > 0x66) hex = false;
  }
  let w = d;
  while (w < line.length && (line.charCodeAt(w) === 0x20 || line.charCodeAt(w) === 0x09)) w++;
  if (d === 0 || w === d || w === line.length || !hex) return undefined;
  // The first character of the path is any but a space or a tab (the expression's `[^ \t]`), the rest any but a
  // line terminator (its `.`).
  for (let i = w + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return undefined;
  }
  return { digest: line.slice(0, d), oneSpace: w === d + 1 && line.charCodeAt(d) === 0x20, path: line.slice(w) };
}

/**
 * Parses the text of a payload or tag manifest (RFC 8493 sections 2.1.3 and 2.2.1). Never throws on bad input:
 * malformed lines, unsafe paths and duplicates become findings (with `path` = the manifest and `line`), and only
 * well-formed entries with safe paths are returned, each path once. Blank lines are ignored. A leading `./` and
 * md5sum's binary marker (`<digest> *<path>`) are tolerated with a warning.
 * @example
 * const { entries, findings } = parseManifest(text, { file: 'manifest-sha256.txt', hexLength: 64 });
 */
export function parseManifest(text: string, options: ParseManifestOptions = {}): { entries: ManifestEntry[]; findings: Finding[] } {
  const file = options.file ?? 'manifest';
  // Bounded as they are made: a 64 MiB manifest can hold 32 million malformed lines.
  const findings = createFindingCap();
  // A manifest in strictly increasing path order (as writers sort it) repeats no path: no map of every path is
  // needed to know. The first line out of order starts one, with the lines before it.
  const inOrder: ManifestEntry[] = [];
  let byPath: Map<string, ManifestEntry> | undefined;
  let i = -1;
  for (const line of eachLine(text)) {
    i++;
    const where = { path: file, line: i + 1 };
    if (line.trim() === '') continue;
    const split = splitManifestLine(line);
    if (split === undefined || (options.hexLength !== undefined && split.digest.length !== options.hexLength)) {
      findings.push(makeFinding('bag.manifest.malformed-line', `line ${i + 1} is not "<hex digest> <path>"${lengthHint(options.hexLength)}`, where, { line: i + 1 }));
      continue;
    }
    let raw = split.path;
    if (split.oneSpace && raw.startsWith('*')) {
      raw = raw.slice(1);
      findings.push(makeFinding('bag.manifest.binary-marker', `line ${i + 1} uses md5sum's "*" binary marker`, where, { line: i + 1 }));
    }
    const path = readEntryPath(raw, options.version, where, findings);
    if (path === undefined) continue;
    const entry = { path, digest: split.digest.toLowerCase(), line: i + 1 };
    if (byPath === undefined) {
      const last = inOrder[inOrder.length - 1];
      if (last === undefined || compareCodePoints(last.path, path) < 0) {
        inOrder.push(entry);
        continue;
      }
      byPath = new Map(inOrder.map((e) => [e.path, e]));
    }
    const first = byPath.get(path);
    if (first === undefined) {
      byPath.set(path, entry);
    } else if (first.digest === entry.digest && isLegacyVersion(options.version)) {
      findings.push(makeFinding('bag.manifest.repeated-entry', `${path} is listed again (first on line ${first.line})`, where, { path, firstLine: first.line }));
    } else {
      findings.push(makeFinding('bag.manifest.duplicate-entry', `${path} is listed again (first on line ${first.line})`, where, { path, firstLine: first.line }));
    }
  }
  return { entries: byPath === undefined ? inOrder : [...byPath.values()], findings: findings.done() };
}

function lengthHint(hexLength: number | undefined): string {
  return hexLength === undefined ? '' : ` with a ${hexLength}-character digest`;
}

/** Orders strings by Unicode code point (the order of their UTF-8 bytes), whatever the runtime's locale. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (astral code points) below U+E000-U+FFFF; move them above.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Writes a BagIt 1.0 manifest: one `<digest>  <path>` line per entry, sorted by path (code-point order) so the
 * same bag always gives the same bytes, LF line ends, `%`, CR and LF percent-encoded (RFC 8493 section 2.1.3).
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE` for a path the bundle path rules refuse; `TypeError` for a
 *   digest that is not lower-case hex or a path given twice.
 * @example
 * const text = serializeManifest([{ path: 'data/disk.E01', digest: sha256Hex }]);
 */
export function serializeManifest(entries: Iterable<{ path: string; digest: string }>): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.path, b.path));
  let out = '';
  for (let i = 0; i < sorted.length; i++) {
    const { path, digest } = sorted[i]!;
    assertBundlePath(path);
    if (!/^[0-9a-f]+$/.test(digest)) throw new TypeError(`digest of ${JSON.stringify(path)} is not lower-case hex`);
    if (i > 0 && sorted[i - 1]!.path === path) throw new TypeError(`${JSON.stringify(path)} is given twice`);
    out += `${digest}  ${path.replace(/[%\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}\n`;
  }
  return out;
}
