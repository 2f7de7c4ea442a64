import { EvidenceBundleError } from '../errors.js';
import { splitIssues } from './issue-pointer.js';
import { type Manifest, ManifestSchema } from './manifest.js';

/**
 * Validates an untrusted value as a manifest (docs/format.md, "Manifest"): strict, so an unknown member is an
 * error and never dropped, then the cross-field rules. Returns a copy; the input is not modified.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID`: the message names the first problem by JSON Pointer
 *   (RFC 6901); `cause` holds every zod issue.
 * @example
 * const manifest = parseManifest(parseCanonicalJson(bytes));
 */
export function parseManifest(value: unknown): Manifest {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return result.data;
  const first = splitIssues(result.error.issues).next().value;
  const where = first === undefined ? '' : ` at ${first.pointer || '/'}: ${first.message}`;
  throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `manifest invalid${where}`, { cause: result.error.issues });
}
