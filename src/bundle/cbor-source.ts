import type { BagSource, BagSourceProblem } from '../bagit/bag-source.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { CBOR_BUNDLE_MAX_BYTES } from './bundle-form.js';
import { decodeCborBundle, type CborBundleOptions } from './cbor-bundle.js';
import { filesSource } from './files-source.js';

/**
 * Opens a CBOR bundle as a {@link BagSource}, the way `openZipSource` opens a ZIP: bytes that start as a CBOR
 * bundle but do not decode (`decodeCborBundle` refuses them: malformed or non-deterministic CBOR, another
 * document, an unsafe or colliding path, over `maxBytes`) give a source that lists nothing and reports
 * `bundle.cbor.malformed` or `bundle.cbor.too-large`, so that a verifier's report says INVALID and why, as for a
 * broken ZIP, instead of an error.
 * @throws TypeError when `bytes` is not a Uint8Array; RangeError for `maxBytes` out of range
 * @example const report = await verifyBundle(openCborSource(bytes), { policy });
 */
export function openCborSource(bytes: Uint8Array, options: CborBundleOptions = {}): BagSource {
  try {
    return filesSource(decodeCborBundle(bytes, options));
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_LIMIT_EXCEEDED')) {
      return problemSource({ code: 'bundle.cbor.too-large', message: error.message });
    }
    if (error instanceof EvidenceBundleError && /^ERR_(CBOR|DOCUMENT|PATH)_/.test(error.code)) {
      return problemSource({ code: 'bundle.cbor.malformed', message: `${error.code}: ${error.message}` });
    }
    throw error;
  }
}

/**
 * The source of a CBOR bundle of `size` bytes, over `maxBytes` (by default `CBOR_BUNDLE_MAX_BYTES`), judged before
 * a byte of it is read: it lists nothing and reports `bundle.cbor.too-large`. Internal.
 */
export function tooLargeCborSource(size: number, maxBytes = CBOR_BUNDLE_MAX_BYTES): BagSource {
  return problemSource({ code: 'bundle.cbor.too-large', message: `a CBOR bundle of ${size} bytes, over the limit of ${maxBytes}` });
}

function problemSource(problem: BagSourceProblem): BagSource {
  return {
    async *list() {},
    async *read(path) {
      throw new EvidenceBundleError('ERR_SOURCE_NOT_FOUND', `${JSON.stringify(path)} is not a file of the bundle: it does not decode`);
    },
    problems: async () => [problem],
  };
}
