// RFC 8949 section 4.2.1 core deterministic encoding, written by cbor-x under the controls it lacks by itself.
import type { Options } from 'cbor-x';
// The encoder entry point: unlike the package root in Node, it does not load cbor-x's optional native extension,
// which reads process.env.
import { Encoder } from 'cbor-x/encode';
import { EvidenceBundleError } from '../../errors.js';
import { compareBytes, utf8Encode } from '../../internal/bytes.js';
import { jsonPointer, LONE_SURROGATE } from '../json-common.js';
import { type CborLimits, type CborValue, resolveCborLimits } from './cbor-value.js';

// What cbor-x is left to decide, it decides deterministically once these are off: no record extension (tag
// 0xdfff), no string bundling or packing, no tag 64 on Uint8Array (which it adds in Node), no tag 259 on maps,
// and map heads sized by the entry count (variableMapSize; otherwise it writes a 16-bit head for objects).
// Heads of integers below 2^32, of strings, byte strings, arrays and Maps are then the shortest form.
const ENCODER_OPTIONS = {
  useRecords: false,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
  bundleStrings: false,
  pack: false,
  structuredClone: false,
  useToJSON: false,
} as Options;

const encoder = new Encoder(ENCODER_OPTIONS);

const UINT32_MAX = 0xffff_ffff;

/**
 * Encodes a value of the profile ({@link CborValue}) in RFC 8949 section 4.2.1 core deterministic encoding: the
 * shortest head for every integer and length, definite lengths only, map entries in the bytewise lexicographic
 * order of their encoded keys, no floats and no tags. Equal values give equal bytes; -0 is 0.
 * @throws EvidenceBundleError `ERR_CBOR_UNSUPPORTED_VALUE` for what the profile has no form for: fractions, NaN,
 *   infinities, integers outside the safe-integer range, bigints, undefined (also as a property or an array
 *   hole), strings or keys with a lone surrogate, symbols, functions, symbol keys, non-plain objects (Map, Date,
 *   class instances, typed arrays other than Uint8Array) and cycles;
 *   `ERR_LIMIT_EXCEEDED` past `maxDepth` or when the encoding is longer than `maxBytes`
 * @throws RangeError for limits out of range
 * @example toHex(encodeDeterministicCbor({ b: 1, a: [true, null] })) // 'a2616182f5f6616201'
 */
export function encodeDeterministicCbor(value: CborValue, limits: CborLimits = {}): Uint8Array {
  const { maxBytes, maxDepth } = resolveCborLimits(limits);
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();
  const unsupported = (what: string) =>
    new EvidenceBundleError('ERR_CBOR_UNSUPPORTED_VALUE', `${what} at ${jsonPointer(path)} has no form in the CBOR profile`);

  const checkText = (text: string, what: string): void => {
    if (LONE_SURROGATE.test(text)) throw unsupported(`${what} with a lone surrogate`);
  };

  // Returns the value cbor-x is to write: maps become Maps in deterministic key order, integers the JS type for
  // which cbor-x writes the shortest head. Recursion is bounded by maxDepth (at most 1024).
  const prepare = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case 'string':
        checkText(v, 'a string');
        return v;
      case 'boolean':
        return v;
      case 'number':
        if (!Number.isSafeInteger(v)) throw unsupported(`the number ${v}`);
        // cbor-x writes an integer beyond 32 bits as a float64 when given a number, and with the 8-byte head
        // (the shortest for it) when given a bigint.
        return v > UINT32_MAX || v < -UINT32_MAX - 1 ? BigInt(v) : v === 0 ? 0 : v;
      case 'object':
        break;
      default:
        throw unsupported(`a value of type ${typeof v}`);
    }
    if (v === null || v instanceof Uint8Array) return v;
    if (depth >= maxDepth) {
      throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `nesting deeper than ${maxDepth} at ${jsonPointer(path)}`);
    }
    if (ancestors.has(v)) throw unsupported('a cycle');
    ancestors.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      const items: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (!(i in v)) throw unsupported('an array hole');
        items.push(prepare(v[i], depth + 1));
        path.pop();
      }
      out = items;
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw unsupported('a non-plain object');
      if (Object.getOwnPropertySymbols(v).length > 0) throw unsupported('a symbol key');
      const entries: Array<{ key: string; bytes: Uint8Array; value: unknown }> = [];
      for (const key of Object.keys(v)) {
        path.push(key);
        checkText(key, 'a key');
        entries.push({ key, bytes: utf8Encode(key), value: prepare((v as Record<string, unknown>)[key], depth + 1) });
        path.pop();
      }
      // Encoded text keys compare as their UTF-8 lengths (the head grows with the length), then as their bytes.
      entries.sort((a, b) => a.bytes.length - b.bytes.length || compareBytes(a.bytes, b.bytes));
      out = new Map(entries.map((e) => [e.key, e.value]));
    }
    ancestors.delete(v);
    return out;
  };

  const prepared = prepare(value, 0);
  const encoded = encoder.encode(prepared);
  if (encoded.length > maxBytes) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `the CBOR encoding is ${encoded.length} bytes, more than ${maxBytes}`);
  }
  // cbor-x returns a view of its reusable buffer (a Buffer in Node): copy into a plain Uint8Array of our own.
  return new Uint8Array(encoded);
}
