// A strict RFC 8259 parser for everything signed or hashed. JSON.parse cannot be used: it keeps the last of
// duplicate keys silently, accepts lone surrogates and lets `__proto__` reach an object's prototype slot.
import { EvidenceBundleError } from '../errors.js';
import { utf8ByteLength, utf8DecodeStrict } from '../internal/bytes.js';
import { writeCanonical } from './jcs.js';
import { checkMaxDepth, DEFAULT_MAX_DEPTH, jsonPointer, LONE_SURROGATE } from './json-common.js';

/** Options of {@link parseJson} and {@link parseCanonicalJson}. */
export interface ParseJsonOptions {
  /** Largest input accepted, in UTF-8 bytes; default 16 MiB. */
  maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (a top-level array is depth 1); default 64, at most 1024. */
  maxDepth?: number;
  /**
   * Most JSON values accepted (every string, number, literal, array and object, at any depth); no limit but
   * `maxBytes` by default. What bounds the memory of the parsed tree: a value of two bytes of text (`0,`, `{}`)
   * costs 8 to 60 bytes of memory.
   */
  maxValues?: number;
  /**
   * Most members of one object; no limit by default. An object of millions of distinct keys is a hash table
   * costing several times the memory of as many values in an array, so a document whose objects are all small
   * (a manifest) says so here.
   */
  maxMembers?: number;
}

/** Default {@link ParseJsonOptions.maxBytes}: 16 MiB. */
export const DEFAULT_MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Parses JSON text strictly (RFC 8259): no duplicate keys (section 4 leaves them undefined; signed data must
 * have one meaning), no lone surrogates (RFC 8785 section 3.2.2.2, RFC 7493 section 2.1), no byte order mark
 * (section 8.1), no trailing data, numbers within IEEE-754 double range (RFC 7493 section 2.2).
 * A `__proto__` key becomes an own data property; it never changes a prototype. Runs in linear time.
 * @throws EvidenceBundleError `ERR_JSON_SYNTAX` (with line and column), `ERR_JSON_DUPLICATE_KEY` (with the
 *   key's JSON Pointer), `ERR_JSON_LONE_SURROGATE`, `ERR_JSON_INVALID_UTF8` (bytes only), `ERR_JSON_TOO_DEEP`,
 *   `ERR_JSON_TOO_LARGE` (past `maxBytes`, or at the first value past `maxValues`, or the first member past
 *   `maxMembers` in one object)
 * @throws TypeError when `input` is neither a string nor a Uint8Array; RangeError for an option out of range
 * @example parseJson('{"a":[1,2]}') // { a: [1, 2] }
 */
export function parseJson(input: string | Uint8Array, options: ParseJsonOptions = {}): unknown {
  const maxDepth = checkMaxDepth(options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const maxValues = checkMaxValues(options.maxValues);
  const maxMembers = checkMaxValues(options.maxMembers, 'maxMembers');
  const bytes = input instanceof Uint8Array ? input : undefined;
  return new Parser(jsonText(input, options.maxBytes), maxDepth, maxValues, false, maxMembers, bytes).document();
}

/**
 * Parses JSON bytes that must already be in RFC 8785 canonical form: parses strictly and checks every token on
 * the way (no whitespace, keys in UTF-16 order, numbers and escapes as RFC 8785 writes them), so the bytes are
 * accepted exactly when they equal the canonical serialisation of what was parsed, with no second walk and no
 * second copy. This is how signed JSON files are read, so that what was verified is what was parsed.
 * @throws EvidenceBundleError `ERR_JSON_NOT_CANONICAL` when the bytes parse but are not canonical (whitespace,
 *   key order, number or string form, -0), and every code of {@link parseJson}
 * @throws TypeError when `bytes` is not a Uint8Array
 * @example parseCanonicalJson(new TextEncoder().encode('{"a":1}')) // { a: 1 }
 */
export function parseCanonicalJson(bytes: Uint8Array, options: ParseJsonOptions = {}): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseCanonicalJson expects a Uint8Array');
  const maxDepth = checkMaxDepth(options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const maxValues = checkMaxValues(options.maxValues);
  const maxMembers = checkMaxValues(options.maxMembers, 'maxMembers');
  const text = jsonText(bytes, options.maxBytes);
  const parser = new Parser(text, maxDepth, maxValues, true, maxMembers, bytes);
  const value = parser.document();
  // The parser saw every byte: whitespace, key order, number, string and escape forms it checked on the way, so a
  // canonical document costs no second walk. Only a document it found wanting is walked again, by the
  // serialiser itself, to name the first byte that differs.
  if (!parser.deviates) return value;
  const at = firstDifference(text, value, maxDepth);
  if (at !== undefined) {
    throw new EvidenceBundleError(
      'ERR_JSON_NOT_CANONICAL',
      `JSON is not in RFC 8785 canonical form: first difference at byte ${utf8ByteLength(text.slice(0, at))}`,
    );
  }
  return value;
}

/**
 * Where `text` first differs from the RFC 8785 serialisation of `value`, its parse, or `undefined` when they are
 * equal. The text was decoded strictly and holds no lone surrogate, so it equals the canonical text exactly when
 * the bytes equal the canonical bytes: compared piece by piece, never building a second copy of the document.
 */
function firstDifference(text: string, value: unknown, maxDepth: number): number | undefined {
  let at = 0;
  try {
    writeCanonical(value, maxDepth, (piece) => {
      if (text.startsWith(piece, at)) {
        at += piece.length;
        return;
      }
      while (text.charCodeAt(at) === piece.charCodeAt(0)) {
        at++;
        piece = piece.slice(1);
      }
      throw NOT_CANONICAL;
    });
  } catch (error) {
    if (error !== NOT_CANONICAL) throw error;
    return at;
  }
  return at === text.length ? undefined : at;
}

// Thrown by the comparison to stop the walk at the first difference; never leaves this module.
const NOT_CANONICAL = new Error('not canonical');

/** The text of a JSON input within `maxBytes` UTF-8 bytes, decoded strictly from bytes. */
function jsonText(input: string | Uint8Array, maxBytes = DEFAULT_MAX_JSON_BYTES): string {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError('maxBytes must be a non-negative integer');
  }
  if (typeof input === 'string') {
    if (utf8Length(input, maxBytes) > maxBytes) throw tooLarge(maxBytes);
    return input;
  }
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) throw tooLarge(maxBytes);
    return utf8DecodeStrict(input);
  }
  throw new TypeError('parseJson expects a string or a Uint8Array');
}

function checkMaxValues(maxValues: number | undefined, name = 'maxValues'): number {
  if (maxValues === undefined) return Infinity;
  if (!Number.isSafeInteger(maxValues) || maxValues < 1) throw new RangeError(`${name} must be a positive integer`);
  return maxValues;
}

function tooLarge(maxBytes: number): EvidenceBundleError {
  return new EvidenceBundleError('ERR_JSON_TOO_LARGE', `JSON input is larger than ${maxBytes} bytes`);
}

/** UTF-8 length of a string, counted only as far as needed to compare it with `limit`. */
function utf8Length(text: string, limit: number): number {
  // Every UTF-16 code unit takes 1 to 3 bytes, so most inputs are decided without counting.
  if (text.length > limit) return text.length;
  if (text.length * 3 <= limit) return text.length;
  return utf8ByteLength(text);
}

const QUOTE = 0x22;
// V8 keeps a slice of 13 characters or more as a reference into its parent (a "sliced string"): one such value
// kept would keep the whole decoded text alive, twice the bytes of a document with a character past U+00FF.
const SHORTEST_SLICE = 13;
const copyDecoder = new TextDecoder();
const BACKSLASH = 0x5c;

/** Single-character escapes of RFC 8259 section 7, by the character after the backslash. */
const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

class Parser {
  /**
   * Whether the text, read so far, differs from the RFC 8785 form of what it holds (only tracked when asked):
   * whitespace, keys out of UTF-16 order, a number not written as ECMAScript writes it, an escape JSON.stringify
   * would not write. When it stays false the text is exactly the canonical serialisation of the parsed value.
   */
  deviates = false;
  private pos = 0;
  /**
   * UTF-8 bytes of the text before `pos` less its UTF-16 code units: only string tokens hold characters past
   * U+007F, so the byte offset of `pos` is `pos + extra` and a string's bytes are found without a second walk.
   */
  private extra = 0;
  private values = 0;
  private readonly lastValues = new Map<string, string>();
  // Keys and indexes down to the current value, for error messages.
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxValues: number,
    private readonly canonical = false,
    private readonly maxMembers = Infinity,
    /** The UTF-8 bytes `text` was decoded from, when it was: long strings are decoded from them, not sliced. */
    private readonly bytes?: Uint8Array,
  ) {}

  document(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) throw this.syntax('byte order mark (RFC 8259 section 8.1)');
    this.whitespace();
    const value = this.value(0);
    this.whitespace();
    if (this.pos < this.text.length) throw this.syntax('unexpected data after the JSON value');
    return value;
  }

  private whitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    // RFC 8785 section 3.2.1: no whitespace between tokens.
    if (pos !== this.pos && this.canonical) this.deviates = true;
    this.pos = pos;
  }

  /** Parses the value at `pos` (no leading whitespace); `depth` is the number of enclosing containers. */
  private value(depth: number): unknown {
    // Counted before the value is built: a document past the limit stops here, its tree never made.
    if (++this.values > this.maxValues) {
      throw new EvidenceBundleError('ERR_JSON_TOO_LARGE', `more than ${this.maxValues} JSON values, at ${jsonPointer(this.path)}`);
    }
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return this.object(depth + 1);
      case 0x5b:
        return this.array(depth + 1);
      case QUOTE:
        return this.string();
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        throw this.syntax(this.pos >= this.text.length ? 'unexpected end of input' : 'expected a JSON value');
    }
  }

  // Recursion is bounded by maxDepth (at most 1024), far below any engine's stack limit.
  private object(depth: number): Record<string, unknown> {
    this.enter(depth);
    const text = this.text;
    const object: Record<string, unknown> = {};
    this.pos++;
    this.whitespace();
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return object;
    }
    let previous: string | undefined;
    // While every key is above the one before, none can repeat an earlier one: the canonical case needs no lookup.
    let increasing = true;
    let members = 0;
    for (;;) {
      if (text.charCodeAt(this.pos) !== QUOTE) throw this.syntax('expected a string key');
      if (++members > this.maxMembers) {
        throw new EvidenceBundleError('ERR_JSON_TOO_LARGE', `more than ${this.maxMembers} members in the object at ${jsonPointer(this.path)}`);
      }
      const key = this.string();
      this.path.push(key);
      // RFC 8785 section 3.2.3: keys in the order of their UTF-16 code units, which is how `<` compares strings.
      if (previous !== undefined && !(previous < key)) {
        increasing = false;
        if (this.canonical) this.deviates = true;
      }
      if (!increasing && Object.hasOwn(object, key)) {
        throw new EvidenceBundleError('ERR_JSON_DUPLICATE_KEY', `duplicate key at ${jsonPointer(this.path)}`);
      }
      previous = key;
      this.whitespace();
      if (text.charCodeAt(this.pos) !== 0x3a) throw this.syntax("expected ':'");
      this.pos++;
      this.whitespace();
      let value = this.value(depth);
      if (typeof value === 'string' && value.length >= SHORTEST_SLICE && this.bytes !== undefined) value = this.repeated(key, value);
      if (key === '__proto__') {
        // Assignment would call the inherited __proto__ setter and replace the prototype.
        Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      } else {
        object[key] = value;
      }
      this.path.pop();
      this.whitespace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return object;
      if (c !== 0x2c) throw this.syntax("expected ',' or '}'", this.pos - 1);
      this.whitespace();
    }
  }

  /**
   * The value the member of this name had last, when it is the same string: the value every item repeats (its
   * media type) is then held once, not once per item. Remembered for the first 256 names only.
   */
  private repeated(key: string, value: string): string {
    const last = this.lastValues.get(key);
    if (last === value) return last;
    if (last !== undefined || this.lastValues.size < 256) this.lastValues.set(key, value);
    return value;
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const text = this.text;
    const array: unknown[] = [];
    this.pos++;
    this.whitespace();
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return array;
    }
    for (;;) {
      this.path.push(array.length);
      array.push(this.value(depth));
      this.path.pop();
      this.whitespace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      // An array grown by push keeps room for 16 more elements: a copy of its exact length is a third of the
      // memory of a short one (66 bytes instead of 195 for one element), and copying is linear. A long one keeps
      // its spare room (at most half its length) rather than be held twice while it is copied.
      if (c === 0x5d) return array.length > 4096 ? array : array.slice();
      if (c !== 0x2c) throw this.syntax("expected ',' or ']'", this.pos - 1);
      this.whitespace();
    }
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) {
      throw new EvidenceBundleError(
        'ERR_JSON_TOO_DEEP',
        `nesting deeper than ${this.maxDepth} at ${jsonPointer(this.path)}`,
      );
    }
  }

  private string(): string {
    const text = this.text;
    const end = text.length;
    const open = this.pos;
    let pos = open + 1;
    let start = pos;
    // Pieces between escapes, joined once: linear however many escapes the string holds.
    let pieces: string[] | undefined;
    let surrogates = false;
    const extraBefore = this.extra;
    let extra = extraBefore;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        let value: string;
        if (pieces !== undefined) {
          pieces.push(text.slice(start, pos));
          // A join is a new string of its own: nothing of the text is kept.
          value = pieces.join('');
        } else if (this.bytes !== undefined && pos - start >= SHORTEST_SLICE) {
          // A string of its own, decoded again from its bytes (valid UTF-8: the whole input was decoded
          // strictly), not a slice of the text: the parsed value then holds nothing of the text.
          value = copyDecoder.decode(this.bytes.subarray(start + extraBefore, pos + extra));
        } else {
          value = text.slice(start, pos);
        }
        this.extra = extra;
        this.pos = pos + 1;
        // Only a string holding a surrogate, raw or escaped, can hold an unpaired one.
        if (surrogates && LONE_SURROGATE.test(value)) {
          throw new EvidenceBundleError(
            'ERR_JSON_LONE_SURROGATE',
            `lone surrogate in the string at ${this.where(open)}`,
          );
        }
        return value;
      }
      if (c === BACKSLASH) {
        pieces ??= [];
        pieces.push(text.slice(start, pos));
        const e = text.charCodeAt(pos + 1);
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          // JSON.stringify (RFC 8785 section 3.2.2.2) writes every short escape but "\/": "/" stays as itself.
          if (e === 0x2f && this.canonical) this.deviates = true;
          pieces.push(simple);
          pos += 2;
        } else if (e === 0x75) {
          const unit = hex4(text, pos + 2);
          if (unit < 0) throw this.syntax('invalid \\u escape', pos);
          if (unit >= 0xd800 && unit <= 0xdfff) surrogates = true;
          if (this.canonical && !canonicalUnicodeEscape(text, pos, unit)) this.deviates = true;
          pieces.push(String.fromCharCode(unit));
          pos += 6;
        } else {
          throw this.syntax('invalid escape', pos);
        }
        start = pos;
      } else if (c < 0x20) {
        throw this.syntax('control character in a string (RFC 8259 section 7)', pos);
      } else {
        if (c >= 0x80) {
          // Two UTF-8 bytes up to U+07FF, three for the rest of the BMP, four for a surrogate pair (two each).
          extra += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
          if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
        }
        pos++;
      }
    }
    throw this.syntax('unterminated string', open);
  }

  private number(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    const negative = text.charCodeAt(pos) === 0x2d;
    if (negative) pos++;
    const integerStart = pos;
    const first = text.charCodeAt(pos);
    if (first === 0x30) {
      pos++;
    } else if (first >= 0x31 && first <= 0x39) {
      pos = digits(text, pos);
    } else {
      throw this.syntax('invalid number', pos);
    }
    const next = text.charCodeAt(pos);
    if (next !== 0x2e && next !== 0x65 && next !== 0x45 && pos - integerStart <= 15) {
      // A plain integer of at most 15 digits (an item's size): exact in a double, canonical unless it is "-0"
      // (leading zeros are refused above); its value without a string.
      let value = 0;
      for (let i = integerStart; i < pos; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
      if (negative) value = -value;
      if (this.canonical && negative && value === 0) this.deviates = true;
      this.pos = pos;
      return value;
    }
    if (next === 0x2e) {
      const after = digits(text, pos + 1);
      if (after === pos + 1) throw this.syntax('expected a digit after the decimal point', after);
      pos = after;
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      const after = digits(text, pos);
      if (after === pos) throw this.syntax('expected a digit in the exponent', after);
      pos = after;
    }
    const written = text.slice(start, pos);
    const value = Number(written);
    if (!Number.isFinite(value)) throw this.syntax('number out of IEEE-754 double range (RFC 7493 section 2.2)', start);
    // RFC 8785 section 3.2.2.3: the ECMAScript form (so "-0", "1.0", "1E3" and "0.1e1" are not canonical).
    if (this.canonical && String(value) !== written) this.deviates = true;
    this.pos = pos;
    return value;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw this.syntax('expected a JSON value');
    this.pos += word.length;
    return value;
  }

  private syntax(what: string, at = this.pos): EvidenceBundleError {
    return new EvidenceBundleError('ERR_JSON_SYNTAX', `invalid JSON: ${what} at ${this.where(at)}`);
  }

  /** Line and column (1-based, in characters), computed only when an error is reported. */
  private where(at: number): string {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return `line ${line}, column ${at - lineStart + 1} (offset ${at})`;
  }
}

/**
 * Whether the `\\u` escape at `pos` (of code unit `unit`) is one JSON.stringify writes: only a control character
 * without a short escape, as `\\u00` and two lower-case hex digits (RFC 8785 section 3.2.2.2).
 */
function canonicalUnicodeEscape(text: string, pos: number, unit: number): boolean {
  if (unit >= 0x20 || unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d) return false;
  for (let i = pos + 2; i < pos + 6; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x46) return false;
  }
  return true;
}

function digits(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    // Written so that NaN (past the end) also stops.
    if (!(c >= 0x30 && c <= 0x39)) return pos;
    pos++;
  }
}

/** The code unit of four hex digits at `pos`, or -1. */
function hex4(text: string, pos: number): number {
  let unit = 0;
  for (let i = pos; i < pos + 4; i++) {
    const c = text.charCodeAt(i);
    const d =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    unit = unit * 16 + d;
  }
  return unit;
}
