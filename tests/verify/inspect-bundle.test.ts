import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectBundle } from '../../src/index.js';
import { parseJson } from '../../src/entries/encoding.js';
import { type JwsSignature } from '../../src/entries/jws.js';
import { base64urlDecodeStrict, base64urlEncode, utf8DecodeStrict, utf8Encode } from '../../src/internal/bytes.js';
import { openBundleDirectory, verifyBundleDirectory } from '../../src/node/index.js';
import { keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

let dir: string;
let packager: KeyPair;
let certifier: KeyPair;
let pristine: string;

beforeAll(async () => {
  dir = await tempDir();
  [packager, certifier] = await Promise.all([keyPair('EdDSA'), keyPair('ES256')]);
  pristine = await packDemo(dir, { name: 'pristine', packager, certifier });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** A copy of the pristine bundle whose signature file is `edit` of the original's signatures. */
async function withSignatures(name: string, edit: (signatures: JwsSignature[]) => JwsSignature[]): Promise<string> {
  const b = join(dir, name);
  await fsp.cp(pristine, b, { recursive: true });
  const path = join(b, 'evidence', 'signatures.json');
  const { signatures } = parseJson(await fsp.readFile(path)) as { signatures: JwsSignature[] };
  await fsp.chmod(path, 0o644);
  await fsp.writeFile(path, JSON.stringify({ signatures: edit(signatures) }));
  await resealBag(b);
  return b;
}

describe('inspectBundle', () => {
  it('shows each signature\'s claims, read from its protected header', async () => {
    const inspection = await inspectBundle(await openBundleDirectory(pristine));
    expect(inspection.signatures).toEqual([
      expect.objectContaining({ index: 0, role: 'packager', alg: 'EdDSA', kid: packager.signer.kid }),
      expect.objectContaining({ index: 1, role: 'certifier', alg: 'ES256', kid: certifier.signer.kid }),
    ]);
  });

  // Security rule: JSON with duplicate keys is rejected. A header claiming two roles must not be shown with
  // either, nor hide the signatures after it.
  it('claims nothing from a protected header with a duplicate key, and lists the signatures after it', async () => {
    const b = await withSignatures('duplicate-header-key', ([first, second]) => {
      const header = utf8DecodeStrict(base64urlDecodeStrict(first!.protected));
      const doubled = header.replace('"role":"packager"', '"role":"certifier","role":"packager"');
      expect(doubled).not.toBe(header);
      return [{ ...first!, protected: base64urlEncode(utf8Encode(doubled)) }, second!];
    });
    const inspection = await inspectBundle(await openBundleDirectory(b));
    expect(inspection.signatures).toEqual([{ index: 0 }, expect.objectContaining({ index: 1, role: 'certifier' })]);
    const report = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk, certifier.publicJwk] });
    // The certifier's signature meets the policy alone: the malformed entry is reported and set aside.
    expect(report.outcome).toBe('VALID');
    const setAside = report.findings.find((f) => f.signature === 0);
    expect(setAside).toMatchObject({ code: 'policy.extra.broken' });
    expect(setAside!.message).toContain('signature.malformed');
    const alone = await verifyBundleDirectory(b, { trustedKeys: [packager.publicJwk] });
    expect(alone.outcome).toBe('INVALID');
    expect(alone.findings).toContainEqual(expect.objectContaining({ code: 'signature.malformed', signature: 0 }));
  });
});
