// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes that are signed and hashed.
import { EvidenceBundleError } from '../errors.js';
import { utf8DecodeStrict, utf8EncodeInto } from '../internal/bytes.js';
import { checkMaxDepth, DEFAULT_MAX_DEPTH, jsonPointer, LONE_SURROGATE } from './json-common.js';

/** Options of {@link canonicalize} and {@link canonicalizeToBytes}. */
export interface CanonicalizeOptions {
  /** Deepest nesting of arrays and objects accepted (a top-level array is depth 1); default 64, at most 1024. */
  maxDepth?: number;
}

/**
 * Serialises a finite number as RFC 8785 section 3.2.2.3 requires: the ECMAScript `Number.prototype.toString`
 * algorithm (shortest round-trip digits, exponent from 1e21 and below 1e-6), with -0 written as `0`.
 * @throws EvidenceBundleError `ERR_JCS_UNSUPPORTED_VALUE` for NaN and the infinities
 * @example serializeNumber(1e21) // '1e+21'
 */
export function serializeNumber(value: number): string {
  if (typeof value !== 'number') throw new TypeError('serializeNumber expects a number');
  if (!Number.isFinite(value)) {
    throw new EvidenceBundleError('ERR_JCS_UNSUPPORTED_VALUE', `${value} has no JSON form (RFC 8785 section 3.2.2.3)`);
  }
  // The ECMAScript algorithm is the normative definition in RFC 8785, and every conforming engine implements
  // it exactly; String(-0) is '0', as the RFC requires.
  return String(value);
}

/**
 * Canonicalises a JSON value (RFC 8785): object keys sorted by UTF-16 code units (section 3.2.3), ECMAScript
 * number and string serialisation (section 3.2.2), no whitespace.
 * Accepts null, booleans, finite numbers, strings, arrays and plain (or null-prototype) objects.
 * @throws EvidenceBundleError `ERR_JCS_UNSUPPORTED_VALUE` for NaN, infinities, undefined (also as an object
 *   property or array hole), functions, symbols, bigints, symbol keys, non-plain objects (Date, Map, class
 *   instances) and cycles; `ERR_JSON_LONE_SURROGATE` for a string or key that is not well-formed UTF-16;
 *   `ERR_JSON_TOO_DEEP` beyond `maxDepth`
 * @throws RangeError when `maxDepth` is not an integer from 1 to 1024
 * @example canonicalize({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown, options: CanonicalizeOptions = {}): string {
  return utf8DecodeStrict(canonicalizeToBytes(value, options));
}

/**
 * Walks a value in RFC 8785 order and hands each piece of its canonical text to `emit`, without building the
 * whole text: the writer below and the canonical-form check of strict-json.ts share it, so a check of a 256 MiB
 * document never holds a second copy of it. Internal to src/encoding.
 * @throws as {@link canonicalize}
 */
export function writeCanonical(value: unknown, maxDepth: number, emit: (piece: string) => void): void {
  checkMaxDepth(maxDepth);
  // The path to the current value, for error messages; built into a string only when something fails.
  const path: (string | number)[] = [];
  // Containers on the current path only: a value shared by two branches is fine, one inside itself is not.
  const ancestors = new Set<object>();

  const fail = (code: 'ERR_JCS_UNSUPPORTED_VALUE' | 'ERR_JSON_LONE_SURROGATE' | 'ERR_JSON_TOO_DEEP', what: string) =>
    new EvidenceBundleError(code, `${what} at ${jsonPointer(path)} (RFC 8785)`);

  const writeString = (s: string): void => {
    if (LONE_SURROGATE.test(s)) throw fail('ERR_JSON_LONE_SURROGATE', 'lone surrogate in a string or key');
    // For well-formed strings JSON.stringify escapes exactly the set RFC 8785 section 3.2.2.2 prescribes
    // (ECMA-262 QuoteJSONString): \b \t \n \f \r \" \\ as two characters, other controls as lowercase
    // \u00xx, everything else as itself.
    emit(JSON.stringify(s));
  };

  // Recursion is bounded by maxDepth (at most 1024), far below any engine's stack limit.
  const write = (v: unknown, depth: number): void => {
    switch (typeof v) {
      case 'string':
        writeString(v);
        return;
      case 'number':
        if (!Number.isFinite(v)) throw fail('ERR_JCS_UNSUPPORTED_VALUE', `the number ${v} has no JSON form`);
        emit(serializeNumber(v));
        return;
      case 'boolean':
        emit(v ? 'true' : 'false');
        return;
      case 'object':
        break;
      default:
        throw fail('ERR_JCS_UNSUPPORTED_VALUE', `a value of type ${typeof v} has no JSON form`);
    }
    if (v === null) {
      emit('null');
      return;
    }
    if (ancestors.has(v)) throw fail('ERR_JCS_UNSUPPORTED_VALUE', 'a cycle has no JSON form');
    if (depth >= maxDepth) throw fail('ERR_JSON_TOO_DEEP', `nesting deeper than ${maxDepth}`);
    ancestors.add(v);
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) emit(',');
        path.push(i);
        write(v[i], depth + 1);
        path.pop();
      }
      emit(']');
    } else {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw fail('ERR_JCS_UNSUPPORTED_VALUE', 'a non-plain object has no JSON form');
      }
      // Symbol keys would otherwise vanish silently from signed content.
      if (Object.getOwnPropertySymbols(v).length > 0) {
        throw fail('ERR_JCS_UNSUPPORTED_VALUE', 'a symbol key has no JSON form');
      }
      const record = v as Record<string, unknown>;
      // The default sort compares UTF-16 code units: exactly RFC 8785 section 3.2.3.
      const keys = Object.keys(record).sort();
      emit('{');
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) emit(',');
        path.push(key);
        writeString(key);
        emit(':');
        write(record[key], depth + 1);
        path.pop();
      }
      emit('}');
    }
    ancestors.delete(v);
  };

  write(value, 0);
}

/**
 * The UTF-8 bytes of {@link canonicalize}: what is hashed and signed (RFC 8785 section 3.2.4).
 * @throws as {@link canonicalize}
 * @example canonicalizeToBytes({ a: 1 }) // bytes of '{"a":1}'
 */
export function canonicalizeToBytes(value: unknown, options: CanonicalizeOptions = {}): Uint8Array {
  const maxDepth = checkMaxDepth(options.maxDepth ?? DEFAULT_MAX_DEPTH);
  // Pieces go straight into one growing buffer: an array of pieces joined at the end costs a pointer and a
  // string per piece, 2.9 GB for a 30-million-element array.
  let out = new Uint8Array(1024);
  let length = 0;
  writeCanonical(value, maxDepth, (piece) => {
    if (length + piece.length * 3 > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, length + piece.length * 3));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    length = utf8EncodeInto(piece, out, length);
  });
  return out.slice(0, length);
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * RFC 8785 bytes written straight into one growing byte buffer, for the plain JSON data that a schema-valid
 * document is: no intermediate string, no pieces, no path bookkeeping. What it does not take (anything that is
 * not plain JSON data, a lone surrogate, nesting as deep as the limit) it refuses by returning false, leaving
 * the buffer as it was, and the caller hands the value to {@link canonicalizeToBytes}, which writes it or says why
 * not; what it takes it writes byte for byte as {@link canonicalize} does (tests/disclosure/canonical-writer.test.ts
 * compares the two on random values). Internal: the commitments of format 1.2 write a million items with it.
 */
export class CanonicalBytesWriter {
  /** The buffer; bytes [0, length) are written. Replaced by a larger one as it grows. */
  bytes: Uint8Array;
  /** How many bytes are written. */
  length = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends bytes as they are. */
  pushBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Appends a string known to be ASCII (JSON punctuation, member names already quoted), as it is. */
  pushAscii(text: string): void {
    this.reserve(text.length);
    const b = this.bytes;
    let p = this.length;
    for (let i = 0; i < text.length; i++) b[p++] = text.charCodeAt(i);
    this.length = p;
  }

  /**
   * Appends the canonical bytes of `value`, at nesting depth `depth` of the document (the top is 0; containers
   * deeper than `maxDepth` - 1 are refused, as the general writer refuses them). Returns false, with nothing
   * appended, when the value is outside what this writer takes.
   */
  tryValue(value: unknown, depth = 0, maxDepth = DEFAULT_MAX_DEPTH): boolean {
    const mark = this.length;
    if (this.value(value, depth, maxDepth)) return true;
    this.length = mark;
    return false;
  }

  private value(v: unknown, depth: number, maxDepth: number): boolean {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        this.pushAscii(v ? 'true' : 'false');
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) {
      this.pushAscii('null');
      return true;
    }
    // A cycle ends here too, at the depth limit; the general writer then names it.
    if (depth >= maxDepth) return false;
    if (Array.isArray(v)) {
      this.reserve(1);
      this.bytes[this.length++] = 0x5b; // [
      for (let i = 0; i < v.length; i++) {
        if (i > 0) {
          this.reserve(1);
          this.bytes[this.length++] = 0x2c; // ,
        }
        if (!this.value(v[i], depth + 1, maxDepth)) return false;
      }
      this.reserve(1);
      this.bytes[this.length++] = 0x5d; // ]
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    // Schema-valid documents are mostly written in order already: sort (by UTF-16 code units, RFC 8785 section
    // 3.2.3, as the general writer) only when they are not.
    for (let i = 1; i < keys.length; i++) {
      if (!(keys[i - 1]! < keys[i]!)) {
        keys.sort();
        break;
      }
    }
    this.reserve(1);
    this.bytes[this.length++] = 0x7b; // {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i > 0) {
        this.reserve(1);
        this.bytes[this.length++] = 0x2c; // ,
      }
      if (!this.string(key)) return false;
      this.reserve(1);
      this.bytes[this.length++] = 0x3a; // :
      if (!this.value(record[key], depth + 1, maxDepth)) return false;
    }
    this.reserve(1);
    this.bytes[this.length++] = 0x7d; // }
    return true;
  }

  private number(v: number): boolean {
    if (Number.isSafeInteger(v)) {
      // Digits without a string; 0 and -0 are both written 0 (RFC 8785 section 3.2.2.3).
      this.reserve(17);
      const b = this.bytes;
      let p = this.length;
      let n = v;
      if (n < 0) {
        b[p++] = 0x2d; // -
        n = -n;
      }
      const start = p;
      do {
        b[p++] = 0x30 + (n % 10);
        n = Math.floor(n / 10);
      } while (n > 0);
      for (let i = start, j = p - 1; i < j; i++, j--) {
        const t = b[i]!;
        b[i] = b[j]!;
        b[j] = t;
      }
      this.length = p;
      return true;
    }
    if (!Number.isFinite(v)) return false;
    this.pushAscii(serializeNumber(v));
    return true;
  }

  /**
   * A string as RFC 8785 section 3.2.2.2 writes it (ECMA-262 QuoteJSONString of well-formed text): `"` and `\`
   * and \b \t \n \f \r escaped as two characters, other controls as lowercase \u00xx, everything else as its
   * UTF-8. False at a lone surrogate, which RFC 8785 refuses.
   */
  private string(s: string): boolean {
    const n = s.length;
    this.reserve(n * 6 + 2); // at most 6 bytes per UTF-16 code unit (\u00xx)
    const b = this.bytes;
    let p = this.length;
    b[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
          b[p++] = c;
          continue;
        }
        b[p++] = 0x5c;
        switch (c) {
          case 0x22:
          case 0x5c:
            b[p++] = c;
            break;
          case 0x08:
            b[p++] = 0x62; // b
            break;
          case 0x09:
            b[p++] = 0x74; // t
            break;
          case 0x0a:
            b[p++] = 0x6e; // n
            break;
          case 0x0c:
            b[p++] = 0x66; // f
            break;
          case 0x0d:
            b[p++] = 0x72; // r
            break;
          default:
            b[p++] = 0x75; // u
            b[p++] = 0x30;
            b[p++] = 0x30;
            b[p++] = HEX_DIGITS.charCodeAt(c >> 4);
            b[p++] = HEX_DIGITS.charCodeAt(c & 15);
        }
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      } else {
        // A surrogate: a high one followed by a low one is one code point, anything else is refused.
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) return false;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 63);
        b[p++] = 0x80 | ((cp >> 6) & 63);
        b[p++] = 0x80 | (cp & 63);
        i++;
      }
    }
    b[p++] = 0x22;
    this.length = p;
    return true;
  }
}
