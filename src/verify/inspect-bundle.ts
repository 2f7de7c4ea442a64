import type { BagSource } from '../bagit/bag-source.js';
import { LIMITS, MANIFEST_FILE, SIGNATURES_FILE } from '../bundle/layout.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { base64urlDecodeStrict, utf8DecodeStrict } from '../internal/bytes.js';
import { checkManifest } from '../model/check-manifest.js';
import type { Manifest } from '../model/manifest.js';
import type { Finding } from '../report/finding-type.js';
import { parseSignatureFile } from '../sign/signature-file.js';
import { readTagFile } from './read-tag-file.js';

/** What a bundle says about itself, read without checking digests or signatures. */
export interface BundleInspection {
  manifest?: Manifest;
  /** Each signature's claims (protected header), NOT verified: `evb verify` checks them. */
  signatures: Array<{ index: number; alg?: string; kid?: string; role?: string; signedAt?: string }>;
  findings: Finding[];
}

/**
 * Reads a bundle's manifest and signature claims quickly, for display (`evb inspect`). Nothing here is
 * verified: the result says what the bundle claims, and the caller must not treat it as proven.
 */
export async function inspectBundle(source: BagSource): Promise<BundleInspection> {
  const findings: Finding[] = [];
  let manifest: Manifest | undefined;
  const manifestBytes = await readTagFile(source, MANIFEST_FILE, LIMITS.manifestBytes);
  if (manifestBytes instanceof Uint8Array) {
    try {
      const checked = checkManifest(parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes }));
      manifest = checked.manifest;
      findings.push(...checked.findings);
    } catch {
      // Shown as "manifest unreadable"; `evb verify` reports the precise finding.
    }
  }
  const signatures: BundleInspection['signatures'] = [];
  const sigBytes = await readTagFile(source, SIGNATURES_FILE, LIMITS.signatureFileBytes);
  if (sigBytes instanceof Uint8Array) {
    try {
      for (const [index, s] of parseSignatureFile(sigBytes).signatures.entries()) {
        const header = JSON.parse(utf8DecodeStrict(base64urlDecodeStrict(s.protected))) as Record<string, unknown>;
        const str = (k: string): Record<string, string> => (typeof header[k] === 'string' ? { [k]: header[k] as string } : {});
        const { sigT, ...rest } = { ...str('alg'), ...str('kid'), ...str('role'), ...str('sigT') };
        signatures.push({ index, ...rest, ...(sigT !== undefined ? { signedAt: sigT } : {}) });
      }
    } catch {
      // As above: inspection shows what it can read.
    }
  }
  return { ...(manifest !== undefined ? { manifest } : {}), signatures, findings };
}
