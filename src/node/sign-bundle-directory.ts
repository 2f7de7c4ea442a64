import { LIMITS, MANIFEST_FILE, SIGNATURES_FILE } from '../model/layout.js';
import { EvidenceBundleError } from '../errors.js';
import { addSignature, parseSignatureFile, serializeSignatureFile } from '../sign/signature-file.js';
import { isSignatureRole, signDetached, SIGNATURE_ROLES } from '../sign/sign-detached.js';
import type { Signer } from '../sign/signer.js';
import { readTagFileForUpdate } from './read-tag-file-for-update.js';
import { verifyBundle } from '../verify/verify-bundle.js';
import { nodeBackend } from './digest-backend.js';
import { updateBundle } from './update-bundle.js';

/**
 * Adds a signature to a bundle of any form (a directory, a ZIP or CBOR file, recognised by content): checks its integrity first (a damaged bundle is never signed), signs
 * the canonical manifest bytes, appends the signature to `evidence/signatures.json` and updates the tag
 * manifests atomically (a directory in one journalled commit, a single file rewritten beside and renamed over
 * the old one: {@link updateBundle}). Earlier signatures are kept byte for byte. Nothing is written when the new signature
 * would not verify (see {@link signDetached}: role, `x5c` chain, signature form).
 * @returns the index of the new signature.
 * @throws TypeError when `role` is not one of `SIGNATURE_ROLES` (`packager`, `certifier`)
 * @throws EvidenceBundleError `ERR_BAG_INVALID` when a commit journal or another file of the update protocol in
 *   the bundle is refused (docs/format.md, "Atomic updates"; nothing is changed), `ERR_VERIFY_INVALID` when the
 *   bundle is damaged, `ERR_X509_KEY_MISMATCH`,
 *   `ERR_X509_CHAIN_INVALID`, `ERR_SIGNER_OUTPUT`, `ERR_JWS_KEY_MISMATCH`, `ERR_LIMIT_EXCEEDED`,
 *   `ERR_SOURCE_NOT_FOUND`, `ERR_IO`
 */
export async function signBundleDirectory(
  path: string,
  options: { signer: Signer; role: string; header?: Record<string, unknown> },
): Promise<{ index: number }> {
  // Before the bundle is read, which can take long for a large one.
  if (!isSignatureRole(options.role)) throw new TypeError(`role must be one of ${SIGNATURE_ROLES.join(', ')}, not ${JSON.stringify(options.role)}`);
  return updateBundle(path, async (source) => {
    const report = await verifyBundle(source, { backend: nodeBackend });
    if (report.outcome === 'INVALID') {
      const first = report.findings.find((f) => f.severity === 'error');
      throw new EvidenceBundleError('ERR_VERIFY_INVALID', `refusing to sign a damaged bundle: ${first?.code}: ${first?.message}`, { cause: report });
    }
    const manifestBytes = await readTagFileForUpdate(source, MANIFEST_FILE, LIMITS.manifestBytes);
    if (manifestBytes === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${MANIFEST_FILE} is missing`);
    const existing = await readTagFileForUpdate(source, SIGNATURES_FILE, LIMITS.signatureFileBytes);
    const file = existing === undefined ? { signatures: [] } : parseSignatureFile(existing);
    const signature = await signDetached(manifestBytes, options.signer, { ...options.header, role: options.role });
    const next = addSignature(file, signature);
    return { changes: new Map([[SIGNATURES_FILE, serializeSignatureFile(next)]]), result: { index: next.signatures.length - 1 } };
  });
}
