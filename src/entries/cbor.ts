// evidence-bundle/cbor: deterministic CBOR (RFC 8949 section 4.2.1) and the CBOR form of a bundle.
// Part of the isomorphic core; explicit list of exports.

export { encodeDeterministicCbor } from '../encoding/cbor/encode.js';
export { decodeDeterministicCbor } from '../encoding/cbor/decode.js';
export { DEFAULT_MAX_CBOR_BYTES } from '../encoding/cbor/cbor-value.js';
export type { CborValue, CborMap, CborLimits } from '../encoding/cbor/cbor-value.js';

// Bundles
export {
  encodeCborBundle,
  CBOR_BUNDLE_FORMAT,
  CBOR_BUNDLE_VERSION,
} from '../bundle/cbor-bundle.js';
export { CBOR_BUNDLE_MAGIC, CBOR_BUNDLE_MAX_BYTES } from '../bundle/bundle-form.js';
export type { CborBundleOptions } from '../bundle/cbor-bundle.js';
export { openCborSource, tooLargeCborSource } from '../bundle/cbor-source.js';
