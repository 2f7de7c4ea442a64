// Strict decoding of the deterministic CBOR profile: anything but the one deterministic encoding of a value of the
// profile is refused, so that what was signed or hashed as CBOR has one reading.
import { EvidenceBundleError, type ErrorCode } from '../../errors.js';
import { compareBytes } from '../../internal/bytes.js';
import { type CborLimits, type CborValue, resolveCborLimits } from './cbor-value.js';
import { encodeDeterministicCbor } from './encode.js';

// ignoreBOM: a leading U+FEFF is content, and dropping it would change the value.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const MAJOR_UINT = 0;
const MAJOR_NEGINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

/**
 * Decodes one data item of the deterministic CBOR profile (docs/format.md, "CBOR form"). The input must be the
 * exact RFC 8949 section 4.2.1 encoding of a {@link CborValue}: a structural pass checks every head, length,
 * key order and type as it builds the value, and the value is then re-encoded and compared byte for byte.
 * Integers come back as numbers, maps as null-prototype objects, byte strings as copies.
 *
 * cbor-x is not used to decode: its decoder accepts what this one must refuse (indefinite lengths, non-shortest
 * heads, duplicate keys, tags it maps to objects), and the structural pass already holds every value.
 * @throws EvidenceBundleError `ERR_CBOR_MALFORMED` for input that is not one well-formed data item (empty,
 *   truncated, reserved additional information 28-30, a break outside an indefinite-length item, a two-byte
 *   simple value below 32, invalid UTF-8 in a text string, bytes after the item); `ERR_CBOR_NOT_DETERMINISTIC`
 *   for a value of the profile in another than its deterministic encoding (a head longer than needed,
 *   indefinite lengths, map keys out of order or repeated); `ERR_CBOR_UNSUPPORTED_VALUE` for well-formed CBOR
 *   outside the profile (integers beyond the safe-integer range, floats of any width, tags, undefined and other simple values, map keys that are not
 *   text strings); `ERR_LIMIT_EXCEEDED` for input longer than `maxBytes` or nested deeper than `maxDepth`
 * @throws TypeError when `bytes` is not a Uint8Array; RangeError for limits out of range
 * @example decodeDeterministicCbor(Uint8Array.of(0xa1, 0x61, 0x61, 0x01)) // { a: 1 }
 */
export function decodeDeterministicCbor(bytes: Uint8Array, limits: CborLimits = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeDeterministicCbor expects a Uint8Array');
  const { maxBytes, maxDepth } = resolveCborLimits(limits);
  if (bytes.length > maxBytes) {
    throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `CBOR input of ${bytes.length} bytes, more than ${maxBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;

  const fail = (code: ErrorCode, what: string, at: number) =>
    new EvidenceBundleError(code, `${what} at byte ${at} (RFC 8949)`);

  const need = (n: number, at: number): void => {
    if (n > bytes.length - pos) throw fail('ERR_CBOR_MALFORMED', 'truncated data item', at);
  };

  // Reads the argument of a head whose initial byte has been read; `at` is the head's offset.
  const readArgument = (major: number, info: number, at: number): number | bigint => {
    if (info < 24) return info;
    if (info === 31) {
      if (major >= MAJOR_BYTES && major <= MAJOR_MAP) {
        throw fail('ERR_CBOR_NOT_DETERMINISTIC', 'indefinite length', at);
      }
      throw fail('ERR_CBOR_MALFORMED', 'additional information 31 on a major type without indefinite length', at);
    }
    if (info > 27) throw fail('ERR_CBOR_MALFORMED', `reserved additional information ${info}`, at);
    const width = 1 << (info - 24);
    need(width, at);
    let value: number | bigint;
    let shortest: boolean;
    if (width === 1) {
      value = bytes[pos]!;
      shortest = value >= 24;
    } else if (width === 2) {
      value = view.getUint16(pos);
      shortest = value > 0xff;
    } else if (width === 4) {
      value = view.getUint32(pos);
      shortest = value > 0xffff;
    } else {
      value = view.getBigUint64(pos);
      shortest = value > 0xffff_ffffn;
      if (value <= BigInt(Number.MAX_SAFE_INTEGER)) value = Number(value);
    }
    pos += width;
    if (!shortest) throw fail('ERR_CBOR_NOT_DETERMINISTIC', 'head longer than its argument needs', at);
    return value;
  };

  // A length must fit in what is left, each element taking at least `minBytes`; this also bounds allocation.
  const readLength = (major: number, info: number, at: number, minBytes: number): number => {
    const length = readArgument(major, info, at);
    if (typeof length === 'bigint' || length * minBytes > bytes.length - pos) {
      throw fail('ERR_CBOR_MALFORMED', 'length beyond the end of the input', at);
    }
    return length;
  };

  const readText = (length: number, at: number): string => {
    try {
      return utf8.decode(bytes.subarray(pos, (pos += length)));
    } catch (cause) {
      throw new EvidenceBundleError('ERR_CBOR_MALFORMED', `text string that is not valid UTF-8 at byte ${at}`, { cause });
    }
  };

  // Recursion is bounded by maxDepth (at most 1024), far below any engine's stack limit.
  const readItem = (depth: number): CborValue => {
    const at = pos;
    need(1, at);
    const initial = bytes[pos++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case MAJOR_UINT:
      case MAJOR_NEGINT: {
        const n = readArgument(major, info, at);
        // -1 - n stays safe while n < 2^53 - 1.
        if (typeof n === 'bigint' || (major === MAJOR_NEGINT && n >= Number.MAX_SAFE_INTEGER)) {
          throw fail('ERR_CBOR_UNSUPPORTED_VALUE', 'integer beyond the safe-integer range', at);
        }
        return major === MAJOR_UINT ? n : -1 - n;
      }
      case MAJOR_BYTES: {
        const length = readLength(major, info, at, 1);
        // A copy, and a plain Uint8Array even when the input is a Node Buffer (whose slice is a view).
        return new Uint8Array(bytes.subarray(pos, (pos += length)));
      }
      case MAJOR_TEXT:
        return readText(readLength(major, info, at, 1), at);
      case MAJOR_ARRAY:
      case MAJOR_MAP: {
        if (depth >= maxDepth) throw fail('ERR_LIMIT_EXCEEDED', `nesting deeper than ${maxDepth}`, at);
        if (major === MAJOR_ARRAY) {
          const length = readLength(major, info, at, 1);
          const items: CborValue[] = [];
          for (let i = 0; i < length; i++) items.push(readItem(depth + 1));
          return items;
        }
        const length = readLength(major, info, at, 2);
        const map: Record<string, CborValue> = Object.create(null);
        let previousKey: Uint8Array | undefined;
        for (let i = 0; i < length; i++) {
          const keyAt = pos;
          need(1, keyAt);
          if (bytes[pos]! >> 5 !== MAJOR_TEXT) throw fail('ERR_CBOR_UNSUPPORTED_VALUE', 'map key that is not a text string', keyAt);
          const key = readItem(depth + 1) as string;
          // RFC 8949 section 4.2.1: keys in the bytewise lexicographic order of their deterministic encodings;
          // strictly ascending also excludes a repeated key.
          const keyBytes = bytes.subarray(keyAt, pos);
          if (previousKey !== undefined) {
            const order = compareBytes(previousKey, keyBytes);
            if (order >= 0) {
              throw fail('ERR_CBOR_NOT_DETERMINISTIC', order === 0 ? `repeated map key ${JSON.stringify(key)}` : 'map keys out of order', keyAt);
            }
          }
          previousKey = keyBytes;
          map[key] = readItem(depth + 1);
        }
        return map;
      }
      case MAJOR_TAG:
        if (info > 27) throw fail('ERR_CBOR_MALFORMED', `additional information ${info} on a tag`, at);
        throw fail('ERR_CBOR_UNSUPPORTED_VALUE', 'tag', at);
      default:
        return readSimple(info, at);
    }
  };

  const readSimple = (info: number, at: number): CborValue => {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 24) {
      need(1, at);
      const simple = bytes[pos++]!;
      if (simple < 32) throw fail('ERR_CBOR_MALFORMED', 'two-byte simple value below 32', at);
      throw fail('ERR_CBOR_UNSUPPORTED_VALUE', `simple value ${simple}`, at);
    }
    if (info >= 25 && info <= 27) {
      need(1 << (info - 24), at);
      throw fail('ERR_CBOR_UNSUPPORTED_VALUE', 'floating-point number', at);
    }
    if (info === 31) throw fail('ERR_CBOR_MALFORMED', 'break outside an indefinite-length item', at);
    if (info > 27) throw fail('ERR_CBOR_MALFORMED', `reserved additional information ${info}`, at);
    throw fail('ERR_CBOR_UNSUPPORTED_VALUE', info === 23 ? 'undefined' : `simple value ${info}`, at);
  };

  const value = readItem(0);
  if (pos !== bytes.length) throw fail('ERR_CBOR_MALFORMED', 'bytes after the data item', pos);
  // The structural pass should have refused every other encoding; re-encoding proves it for this input, so a
  // gap between the two (in this code or in cbor-x) shows as a refusal, never as two readings of one document.
  const again = encodeDeterministicCbor(value, { maxBytes, maxDepth });
  if (compareBytes(again, bytes) !== 0) throw fail('ERR_CBOR_NOT_DETERMINISTIC', 'input differs from the re-encoding', 0);
  return value;
}
