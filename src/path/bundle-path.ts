import { LONE_SURROGATE } from '../encoding/json-common.js';
import { EvidenceBundleError } from '../errors.js';
import { utf8ByteLength } from '../internal/bytes.js';

/** Why a path was refused; stable strings, used in findings and error messages. */
export type PathProblem =
  | 'empty'
  | 'absolute'
  | 'backslash'
  | 'nul'
  | 'control-character'
  | 'bidi-control'
  | 'line-separator'
  | 'dot-segment'
  | 'empty-segment'
  | 'not-nfc'
  | 'lone-surrogate'
  | 'too-long';

/** Longest path accepted, in UTF-8 bytes, and longest single segment (the common file-system limit). */
export const MAX_PATH_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;

// C0 controls, DEL and C1 controls: a newline in a name would forge a line of a BagIt manifest, and ESC or CSI
// (U+009B) would act on the terminal of whoever lists the files.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u001f\u007f-\u009f]/;
// Bidi embeddings, overrides and isolates reorder what a person reads ("txt.exe" shown as "exe.txt"); the marks
// (LRM, RLM, ALM) move nothing around them and stay allowed.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// U+2028 and U+2029 end a line for many readers (a JavaScript `.` does not match them), so a BagIt manifest line
// holding one would be read as two.
const LINE_SEPARATOR = /[\u2028\u2029]/;

/**
 * Checks one bundle-relative path against the path rules of docs/format.md: forward slashes only, relative,
 * no `.`/`..`/empty segments, no NUL, no C0 or C1 control character or DEL, no bidi embedding, override or
 * isolate control, no line or paragraph separator, Unicode NFC, bounded length.
 * Returns the first problem found, or `undefined` when the path is safe.
 */
export function checkBundlePath(path: string): PathProblem | undefined {
  const ascii = checkPrintableAsciiPath(path);
  return ascii !== null ? ascii : checkPathByRules(path);
}

/**
 * {@link checkBundlePath} for a path of printable ASCII (U+0020-U+007E), the bulk of evidence names, in one pass
 * without a regular expression or an allocation; `null` for any other path. Such a path holds no NUL, control,
 * bidi control, line separator or lone surrogate, is NFC, and has as many UTF-8 bytes as characters, so only the
 * remaining rules apply, in the same order (and with the same first problem) as {@link checkPathByRules}.
 * @internal exported for the test that compares the two
 */
export function checkPrintableAsciiPath(path: string): PathProblem | undefined | null {
  let backslash = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    if (c === 0x5c) backslash = true;
  }
  if (path.length === 0) return 'empty';
  if (backslash) return 'backslash';
  const first = path.charCodeAt(0) | 0x20;
  if (path.charCodeAt(0) === 0x2f || (path.length > 1 && path.charCodeAt(1) === 0x3a && first >= 0x61 && first <= 0x7a)) return 'absolute';
  for (let start = 0, i = 0; i <= path.length; i++) {
    if (i < path.length && path.charCodeAt(i) !== 0x2f) continue;
    const length = i - start;
    if (length === 0) return 'empty-segment';
    if (path.charCodeAt(start) === 0x2e && (length === 1 || (length === 2 && path.charCodeAt(start + 1) === 0x2e))) return 'dot-segment';
    if (length > MAX_SEGMENT_BYTES) return 'too-long';
    start = i + 1;
  }
  return path.length > MAX_PATH_BYTES ? 'too-long' : undefined;
}

/**
 * The path rules one by one, for any path. The general form of {@link checkBundlePath}.
 * @internal exported for the test that compares it with the ASCII fast path
 */
export function checkPathByRules(path: string): PathProblem | undefined {
  if (path.length === 0) return 'empty';
  if (path.includes('\0')) return 'nul';
  if (path.includes('\\')) return 'backslash';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute';
  if (LONE_SURROGATE.test(path)) return 'lone-surrogate';
  if (CONTROL.test(path)) return 'control-character';
  if (BIDI_CONTROL.test(path)) return 'bidi-control';
  if (LINE_SEPARATOR.test(path)) return 'line-separator';
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') return 'empty-segment';
    if (segment === '.' || segment === '..') return 'dot-segment';
    if (segment.length * 3 > MAX_SEGMENT_BYTES && utf8ByteLength(segment) > MAX_SEGMENT_BYTES) return 'too-long';
  }
  if (path.normalize('NFC') !== path) return 'not-nfc';
  if (path.length * 3 > MAX_PATH_BYTES && utf8ByteLength(path) > MAX_PATH_BYTES) return 'too-long';
  return undefined;
}

/**
 * Throws `ERR_PATH_UNSAFE` unless {@link checkBundlePath} accepts the path.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE` naming the problem
 */
export function assertBundlePath(path: string): void {
  const problem = checkBundlePath(path);
  if (problem !== undefined) {
    throw new EvidenceBundleError('ERR_PATH_UNSAFE', `unsafe path ${JSON.stringify(path)}: ${problem}`);
  }
}

/** Why a safe path cannot be created on Windows; stable strings, used in findings and error messages. */
export type PortabilityProblem = 'device-name' | 'trailing-dot-or-space' | 'reserved-character';

// Win32 turns these names into devices in every directory, with any extension ("nul.txt", "COM1.log"), and
// counts the superscript digits as digits.
const DEVICE_NAME = /^(con|prn|aux|nul|conin\$|conout\$|(com|lpt)[1-9\u00b9\u00b2\u00b3])$/i;
const RESERVED_CHARACTER = /[<>:"|?*]/;
// The first letters of those names, in lower case: a stem starting otherwise needs no expression.
const DEVICE_INITIALS = new Set([...'cpanl'].map((c) => c.charCodeAt(0)));

/**
 * Checks a path that {@link checkBundlePath} accepts against what Windows can create (docs/format.md, "Path
 * rules"): no segment that is a device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension),
 * no segment ending in a dot or a space (Win32 strips them, so two names become one), none of `<>:"|?*`.
 * @returns the first problem found, or `undefined` when the path can be created on Windows too.
 * @example
 * checkPortablePath('logs/aux.txt'); // 'device-name'
 */
export function checkPortablePath(path: string): PortabilityProblem | undefined {
  if (RESERVED_CHARACTER.test(path)) return 'reserved-character';
  // Segment by segment, by index (an item per file is checked): no split, and the expression only for a stem
  // that could be a device name. One pass over the path: each segment's stem is scanned within the segment.
  for (let start = 0; start <= path.length; ) {
    const slash = path.indexOf('/', start);
    const end = slash === -1 ? path.length : slash;
    const last = path.charCodeAt(end - 1);
    if (end > start && (last === 0x2e || last === 0x20)) return 'trailing-dot-or-space';
    // The device is named by what comes before the first dot, trailing white space ignored ("nul .txt" too):
    // three characters at least, the first one of c, p, a, n or l.
    let stemEnd = start;
    while (stemEnd < end && path.charCodeAt(stemEnd) !== 0x2e) stemEnd++;
    if (stemEnd - start >= 3 && DEVICE_INITIALS.has(path.charCodeAt(start) | 0x20) && DEVICE_NAME.test(path.slice(start, stemEnd).trimEnd())) {
      return 'device-name';
    }
    start = end + 1;
  }
  return undefined;
}

/**
 * Throws `ERR_PATH_UNSAFE` unless the path is safe ({@link checkBundlePath}) and portable
 * ({@link checkPortablePath}): what writers require, so that every bundle they write can be extracted on every
 * system.
 * @throws EvidenceBundleError `ERR_PATH_UNSAFE` naming the problem
 */
export function assertWritablePath(path: string): void {
  assertBundlePath(path);
  const problem = checkPortablePath(path);
  if (problem !== undefined) {
    throw new EvidenceBundleError('ERR_PATH_UNSAFE', `path ${JSON.stringify(path)} cannot be created on Windows: ${problem}`);
  }
}

/**
 * The key under which two paths collide on a case-insensitive or normalising file system (macOS, Windows):
 * NFC, then full case folding approximated by upper- then lower-casing ("Straße" and "STRASSE" collide).
 */
export function pathCollisionKey(path: string): string {
  // ASCII is its own NFC, and upper- then lower-casing it is lower-casing it: the usual path costs one pass.
  let ascii = true;
  for (let i = 0; i < path.length && ascii; i++) ascii = path.charCodeAt(i) < 0x80;
  if (ascii) return path.toLowerCase();
  return path.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/** Returns the pairs of paths that collide after case folding (first seen, later one). */
export function findPathCollisions(paths: Iterable<string>): Array<[string, string]> {
  const seen = new Map<string, string>();
  const collisions: Array<[string, string]> = [];
  for (const path of paths) {
    const key = pathCollisionKey(path);
    const first = seen.get(key);
    if (first !== undefined) collisions.push([first, path]);
    else seen.set(key, path);
  }
  return collisions;
}
