// The data model of the deterministic CBOR profile (docs/format.md, "CBOR form"), shared by encoder and decoder.
import { checkMaxDepth, DEFAULT_MAX_DEPTH } from '../json-common.js';

/**
 * A value of the profile: integers in the safe-integer range (-(2^53-1) .. 2^53-1, the range I-JSON numbers
 * keep exactly, so a value reads the same as CBOR and as JSON), byte strings, text strings, arrays, maps with
 * text keys, booleans and null. No floats, no undefined, no other simple values, no tags, no integers beyond
 * the range: JSON's data model minus fractions, plus bytes.
 */
export type CborValue = number | string | Uint8Array | boolean | null | readonly CborValue[] | CborMap;

/** A CBOR map of the profile: text keys only. Decoded maps are null-prototype objects. */
export interface CborMap {
  readonly [key: string]: CborValue;
}

/** Limits of {@link decodeDeterministicCbor} and {@link encodeDeterministicCbor}. */
export interface CborLimits {
  /** Largest input (or output) in bytes; default {@link DEFAULT_MAX_CBOR_BYTES}. */
  maxBytes?: number;
  /** Deepest nesting of arrays and maps (a top-level map is depth 1); default 64, at most 1024. */
  maxDepth?: number;
}

/** Default size limit: the decoder reads its input whole, so the limit is what it will hold in memory. */
export const DEFAULT_MAX_CBOR_BYTES = 64 * 1024 * 1024;

/** Validates the limits options (caller misuse is a RangeError, as in the JSON parser). */
export function resolveCborLimits(limits: CborLimits): { maxBytes: number; maxDepth: number } {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_CBOR_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError('maxBytes must be a positive integer');
  return { maxBytes, maxDepth: checkMaxDepth(limits.maxDepth ?? DEFAULT_MAX_DEPTH) };
}
