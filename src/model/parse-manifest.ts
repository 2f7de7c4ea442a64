import { EvidenceBundleError } from '../errors.js';
import { type Manifest, ManifestSchema } from './manifest.js';

/**
 * Validates an untrusted value as a manifest: strict (an unknown key is an error, never dropped), with the
 * cross-field rules.
 * @throws EvidenceBundleError `ERR_MANIFEST_INVALID` naming the first problem, with every zod issue as `cause`
 */
export function parseManifest(value: unknown): Manifest {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const where = first ? `/${first.path.map(String).join('/')}` : '';
  throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `manifest invalid at ${where}: ${first?.message ?? 'unknown'}`, {
    cause: result.error.issues,
  });
}
