// evidence-bundle/encoding: canonical JSON (RFC 8785), strict JSON parsing of signed data, base64.
// Part of the isomorphic core; explicit list of exports.

export { base64Encode, base64DecodeStrict } from '../internal/bytes.js';

// Canonical JSON (RFC 8785) and strict parsing of signed JSON
export { canonicalize, canonicalizeToBytes, serializeNumber } from '../encoding/jcs.js';
export type { CanonicalizeOptions } from '../encoding/jcs.js';
export { parseJson, parseCanonicalJson, DEFAULT_MAX_JSON_BYTES } from '../encoding/strict-json.js';
export type { ParseJsonOptions } from '../encoding/strict-json.js';
