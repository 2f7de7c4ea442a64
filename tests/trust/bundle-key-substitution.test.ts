// The attacker's key carried in a bundle, end to end through verifyBundle: a bundle re-signed (or co-signed) by
// the attacker with a `jwk` header holding their own key and `kid`, the bag resealed so that it is consistent.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerificationReport } from '../../src/index.js';
import { canonicalizeToBytes } from '../../src/entries/encoding.js';
import { MANIFEST_JWS_TYP, parseSignatureFile, serializeSignatureFile } from '../../src/entries/jws.js';
import { base64urlEncode } from '../../src/internal/bytes.js';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { jwsSigningInput } from '../../src/sign/sign-detached.js';
import type { JwsSignature } from '../../src/sign/signature-file.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import { keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { jwkThumbprint } from '../../src/sign/thumbprint.js';

let dir: string;
let packager: KeyPair;
let attacker: KeyPair;
let attackerKid: string;
let pristine: string;
let copies = 0;

beforeAll(async () => {
  dir = await tempDir();
  [packager, attacker] = await Promise.all([keyPair('EdDSA'), keyPair('EdDSA')]);
  attackerKid = (await jwkThumbprint(attacker.publicJwk))!;
  pristine = await packDemo(dir, { name: 'pristine', packager });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** A copy of the bundle whose signature file the attacker rewrites, then reseals the bag around it. */
async function tampered(rewrite: (signatures: JwsSignature[], manifest: Uint8Array) => Promise<JwsSignature[]>): Promise<string> {
  const target = join(dir, `copy-${copies++}`);
  await fsp.cp(pristine, target, { recursive: true });
  const file = join(target, 'evidence', 'signatures.json');
  const manifest = new Uint8Array(await fsp.readFile(join(target, 'evidence', 'manifest.json')));
  const { signatures } = parseSignatureFile(new Uint8Array(await fsp.readFile(file)));
  await fsp.chmod(file, 0o644);
  await fsp.writeFile(file, serializeSignatureFile({ signatures: await rewrite(signatures, manifest) }));
  await resealBag(target);
  return target;
}

/** The attacker's own certifier signature over the manifest, with their key in a `jwk` header. */
async function attackerSignature(manifest: Uint8Array): Promise<JwsSignature> {
  const header = { alg: 'EdDSA', kid: attackerKid, typ: MANIFEST_JWS_TYP, role: 'certifier', sigT: '2026-10-06T10:00:00Z', jwk: attacker.publicJwk };
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  return { protected: protectedB64, signature: base64urlEncode(await attacker.signer.sign(jwsSigningInput(protectedB64, manifest))) };
}

const codes = (r: VerificationReport) => r.findings.map((f) => f.code);

describe('verifyBundle never takes a signing key from the bundle', () => {
  it('is INDETERMINATE for a bundle re-signed by the attacker with a jwk header, with the trusted keys given as a list', async () => {
    const bundle = await tampered(async (_old, manifest) => [await attackerSignature(manifest)]);
    const report = await verifyBundleDirectory(bundle, { trustedKeys: [packager.publicJwk] });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(report.signatures).toEqual([expect.objectContaining({ status: 'untrusted', trusted: false, kid: attackerKid })]);
    expect(codes(report)).toEqual(expect.arrayContaining(['policy.signer.unknown', 'policy.no-trusted-signature']));
  });

  it('does not count the attacker\'s jwk-carrying certifier signature towards a required certifier', async () => {
    const bundle = await tampered(async (old, manifest) => [...old, await attackerSignature(manifest)]);
    const policy = parseTrustPolicy({
      policyVersion: '1.0',
      name: 'receiver',
      owner: { country: 'DZ', authority: 'central authority' },
      authorities: [{ id: 'vn-packager', name: 'VN packager', country: 'VN', roles: ['packager', 'certifier'], keys: [packager.publicJwk] }],
      requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }],
    });
    const report = await verifyBundleDirectory(bundle, { policy });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(report.signatures.map((s) => [s.role, s.status, s.trusted])).toEqual([
      ['packager', 'valid', true],
      ['certifier', 'untrusted', false],
    ]);
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'policy.requirement.unmet', rule: 'sender-certifier' })]));
  });
});
