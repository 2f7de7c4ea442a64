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
