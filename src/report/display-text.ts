// Every character a terminal or a text viewer could act on instead of showing, or that reorders or hides what a
// person reads: C0 controls, DEL and C1 controls (ESC, CSI, OSC, NEL start terminal sequences and line breaks);
// the bidi marks, embeddings, overrides and isolates (they reorder the text around them); the Unicode line and
// paragraph separators; invisible format characters (soft hyphen, zero width space, word joiner and the
// invisible operators, the deprecated format controls, BOM, interlinear annotation controls, tag characters)
// that make two different strings look the same. ZWNJ and ZWJ (U+200C, U+200D) and the variation selectors
// stay: Persian, Indic scripts and emoji need them and they move nothing. Lone surrogates are not text at all.
// The backslash is escaped so that an escape in the output can only come from the escaper.
// The set without C0 and lone surrogates, as a character-class body for both patterns below.
const UNSAFE_BEYOND_C0 = '\\u007f-\\u009f\\u00ad\\u061c\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0001}\\u{e0020}-\\u{e007f}';
const ESCAPED = new RegExp(`[\\\\\\u0000-\\u001f${UNSAFE_BEYOND_C0}\\ud800-\\udfff]`, 'gu');
// JSON.stringify already escapes the backslash, C0 and lone surrogates; the rest of the set may stand raw in its strings.
const JSON_RAW = new RegExp(`[${UNSAFE_BEYOND_C0}]`, 'gu');

const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** Options of {@link escapeForDisplay}. */
export interface DisplayTextOptions {
  /**
   * Show line feeds as line breaks, each followed by this indent (one or more spaces), instead of as `\n`.
   * The caller picks an indent deeper than any line its rendering starts itself, so that a line of the text
   * can never pass for one of the rendering's own lines.
   */
  indent?: string;
}

/**
 * Makes untrusted text (anything that comes from a bundle, a policy or a file name) safe to show to a person
 * on a terminal or in a text file: every character that a terminal could interpret, that breaks a line, that
 * reorders text (bidi controls) or that is invisible is replaced by a visible escape (`\n`, `\r`, `\t`,
 * `\x1b`, `\x9b`, `\u202e`, `\ud800`, `\u{e0041}`, with lower-case hex), and the backslash by `\\`. Nothing
 * is interpreted or dropped, and the mapping is injective: different inputs give different outputs, so that
 * two names that differ only by an invisible character are shown differently. The full list of escaped
 * characters is in docs/format.md ("Untrusted text on display").
 *
 * JSON output needs a different treatment, which keeps its data exact: {@link escapeJsonForDisplay}.
 * @throws RangeError when `options.indent` is not one or more spaces
 * @example
 * escapeForDisplay('report\u001b[2K\rOutcome: VALID.txt'); // 'report\\x1b[2K\\rOutcome: VALID.txt'
 * escapeForDisplay('line one\nline two', { indent: '        ' }); // 'line one\n        line two'
 */
export function escapeForDisplay(text: string, options: DisplayTextOptions = {}): string {
  const { indent } = options;
  if (indent !== undefined && !/^ +$/.test(indent)) throw new RangeError('indent must be one or more spaces');
  return text.replace(ESCAPED, (ch) => (ch === '\n' && indent !== undefined ? `\n${indent}` : escapeOne(ch)));
}

/**
 * Makes JSON text (as `JSON.stringify` writes it) safe to show on a terminal without changing its data: every
 * character that {@link escapeForDisplay} escapes and that JSON may carry raw inside a string (DEL, C1, bidi
 * controls, line separators, invisible format characters) is written as a `\uXXXX` escape (a surrogate pair
 * for a tag character). The text still parses to exactly the same value (RFC 8259 section 7); only its
 * characters differ. Meant for JSON printed to a terminal (`evb verify --json`), not for signed or hashed
 * documents, whose bytes are canonical.
 * @example
 * escapeJsonForDisplay(JSON.stringify({ path: 'a\u202eb' })); // '{"path":"a\\u202eb"}'
 */
export function escapeJsonForDisplay(json: string): string {
  return json.replace(JSON_RAW, (ch) => Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
}
