import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { eachLine } from './tag-text.js';

/** The two facts bagit.txt declares (RFC 8493 section 2.1.1). */
export interface BagDeclaration {
  /** `M.N`, such as `1.0` or `0.97`. */
  version: string;
  /** The Tag-File-Character-Encoding, such as `UTF-8`. */
  encoding: string;
}

// Versions whose rules this validator implements; 0.96 and 0.97 share the legacy rules (see entry-path.ts).
const KNOWN_VERSIONS = new Set(['0.96', '0.97', '1.0']);
const VERSION_LINE = /^BagIt-Version: ([0-9]+\.[0-9]+)$/;
const ENCODING_LINE = /^Tag-File-Character-Encoding: (\S(?:.*\S)?)$/;
const FILE = 'bagit.txt';

/**
 * Parses bagit.txt strictly (RFC 8493 section 2.1.1): UTF-8 without a byte-order mark, exactly the lines
 * `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC`, in that order, with LF, CR or CRLF line ends.
 * Never throws: problems are findings. `version` is returned whenever its line is well formed, so the caller
 * can pick the rules of that version even when the rest is wrong. Versions 0.96, 0.97 and 1.0 are known; another
 * 1.x is a warning (checked by the 1.0 rules), any other version an error.
 * @example
 * const { declaration, findings } = parseBagDeclaration(bytes);
 */
export function parseBagDeclaration(bytes: Uint8Array): {
  declaration?: BagDeclaration;
  version?: string;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const malformed = (message: string, line?: number) =>
    findings.push(makeFinding('bag.declaration.malformed', message, line === undefined ? { path: FILE } : { path: FILE, line }, { detail: message }));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) malformed('bagit.txt starts with a byte-order mark');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    malformed('bagit.txt is not valid UTF-8');
    return { findings };
  }
  // Only the first two lines are kept: the file may be a tag file's limit of short lines.
  const lines: string[] = [];
  let count = 0;
  for (const line of eachLine(text)) if (count++ < 2) lines.push(line);
  const version = VERSION_LINE.exec(lines[0] ?? '')?.[1];
  if (version === undefined) malformed('line 1 is not "BagIt-Version: M.N"', 1);
  const encoding = ENCODING_LINE.exec(lines[1] ?? '')?.[1];
  if (encoding === undefined) malformed('line 2 is not "Tag-File-Character-Encoding: ENC"', 2);
  if (count > 2) malformed(`bagit.txt has ${count} lines, not 2`, 3);
  if (version !== undefined && !KNOWN_VERSIONS.has(version)) {
    // A later 1.x may only add to 1.0, so 1.0 rules still hold; another major version (or an old draft) may
    // mean something else entirely, and a reader never guesses.
    findings.push(
      /^1\.[0-9]+$/.test(version)
        ? makeFinding('bag.declaration.unknown-version', `BagIt-Version ${version} is not a version this validator knows; BagIt 1.0 rules were applied`, { path: FILE, line: 1 }, { version })
        : makeFinding('bag.declaration.unsupported-version', `BagIt-Version ${version} is not a version this validator can check`, { path: FILE, line: 1 }, { version }),
    );
  }
  const ok = findings.every((f) => f.severity !== 'error');
  return {
    ...(ok && version !== undefined && encoding !== undefined ? { declaration: { version, encoding } } : {}),
    ...(version !== undefined ? { version } : {}),
    findings,
  };
}

/**
 * Writes bagit.txt (RFC 8493 section 2.1.1): BagIt 1.0 and UTF-8 unless told otherwise, LF line ends.
 * @throws TypeError when the version is not `M.N` or the encoding is empty or holds whitespace other than inside.
 * @example
 * const text = serializeBagDeclaration(); // "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
 */
export function serializeBagDeclaration(declaration: Partial<BagDeclaration> = {}): string {
  const version = declaration.version ?? '1.0';
  const encoding = declaration.encoding ?? 'UTF-8';
  if (!/^[0-9]+\.[0-9]+$/.test(version)) throw new TypeError(`BagIt version ${JSON.stringify(version)} is not M.N`);
  if (!/^[!-~](?:[ -~]*[!-~])?$/.test(encoding)) throw new TypeError(`encoding ${JSON.stringify(encoding)} is not a printable ASCII name`);
  return `BagIt-Version: ${version}\nTag-File-Character-Encoding: ${encoding}\n`;
}
