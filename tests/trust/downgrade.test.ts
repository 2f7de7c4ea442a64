// Issue 8, "nobody in the middle can downgrade a good bundle", for signatures: the signature file is not signed,
// so whoever holds a bundle can append entries (or tokens) to it and reseal the bag. Through verifyBundle and
// `evb verify`, on a bundle that is VALID under the receiver's policy before anything is appended.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { createJwkSigner, type VerificationReport } from '../../src/index.js';
import { parseSignatureFile, serializeSignatureFile } from '../../src/entries/jws.js';
import { base64Encode, base64urlDecodeStrict, base64urlEncode, utf8Encode } from '../../src/internal/bytes.js';
import { verifyBundleDirectory } from '../../src/node/index.js';
import { FINDING_CODES } from '../../src/report/codes.js';
import type { FindingDefinition } from '../../src/report/finding.js';
import { signDetached } from '../../src/sign/sign-detached.js';
import type { JwsSignature } from '../../src/sign/signature-file.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import type { TrustPolicy } from '../../src/trust/trust-policy.js';
import { keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';

warnIfNoOpenssl('tests/trust/downgrade');

let dir: string;
let packager: KeyPair;
let certifier: KeyPair;
let strangerEd: KeyPair;
let strangerEc: KeyPair;
let pristine: string;
let certified: string;
let copies = 0;

beforeAll(async () => {
  dir = await tempDir('evb-downgrade-');
  [packager, certifier, strangerEd, strangerEc] = await Promise.all([keyPair('EdDSA'), keyPair('ES256'), keyPair('EdDSA'), keyPair('ES256')]);
  [pristine, certified] = await Promise.all([
    packDemo(dir, { name: 'pristine', packager }),
    packDemo(dir, { name: 'certified', packager, certifier }),
  ]);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const policyInput = (extra: Record<string, unknown> = {}) => ({
  policyVersion: '1.0',
  name: 'receiver',
  owner: { country: 'DZ', authority: 'central authority' },
  authorities: [
    { id: 'vn-packager', name: 'VN packager', country: 'VN', roles: ['packager'], keys: [packager.publicJwk] },
    { id: 'vn-central', name: 'VN central authority', country: 'VN', roles: ['certifier'], keys: [certifier.publicJwk] },
  ],
  ...extra,
});
const policy = (extra: Record<string, unknown> = {}): TrustPolicy => parseTrustPolicy(policyInput(extra));
const requiringCertifier = () => policy({ requirements: [{ id: 'sender-certifier', role: 'certifier', country: 'sender', min: 1 }] });

/** A copy of `bundle` whose signature entries the man in the middle rewrites, the bag resealed around them. */
async function rewritten(bundle: string, rewrite: (signatures: JwsSignature[], manifest: Uint8Array) => Promise<JwsSignature[]> | JwsSignature[]): Promise<string> {
  const target = join(dir, `copy-${copies++}`);
  await fsp.cp(bundle, target, { recursive: true });
  const file = join(target, 'evidence', 'signatures.json');
  const manifest = new Uint8Array(await fsp.readFile(join(target, 'evidence', 'manifest.json')));
  const { signatures } = parseSignatureFile(new Uint8Array(await fsp.readFile(file)));
  await fsp.chmod(file, 0o644);
  await fsp.writeFile(file, serializeSignatureFile({ signatures: await rewrite(signatures, manifest) }));
  await resealBag(target);
  return target;
}
const appended = (bundle: string, extra: (manifest: Uint8Array, old: JwsSignature[]) => Promise<JwsSignature[]> | JwsSignature[]) =>
  rewritten(bundle, async (old, manifest) => [...old, ...(await extra(manifest, old))]);

const codes = (r: VerificationReport) => r.findings.map((f) => f.code);
/** The findings that act on the outcome: after an append to a VALID bundle, there must be none. */
const acting = (r: VerificationReport) => r.findings.filter((f) => (FINDING_CODES as Record<string, FindingDefinition>)[f.code]!.effect !== 'none');
const flip = (b64: string) => {
  const bytes = base64urlDecodeStrict(b64);
  bytes[0] = bytes[0]! ^ 0x01;
  return base64urlEncode(bytes);
};

describe('an appended signature the policy does not know leaves a VALID bundle VALID', () => {
  it('starts from bundles that are VALID under the policy', async () => {
    expect((await verifyBundleDirectory(pristine, { policy: policy() })).outcome).toBe('VALID');
    expect((await verifyBundleDirectory(certified, { policy: requiringCertifier() })).outcome).toBe('VALID');
  });

  it.each([
    ['Ed25519', () => strangerEd],
    ['ES256', () => strangerEc],
  ])('reports an unknown %s signer and sets it aside', async (_name, who) => {
    const bundle = await appended(pristine, async (m) => [await signDetached(m, who().signer, { role: 'certifier' })]);
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(report.signatures[1]).toMatchObject({ index: 1, status: 'untrusted', trusted: false, kid: who().kid });
    expect(codes(report)).toEqual(['policy.extra.untrusted']);
    expect(report.findings[0]).toMatchObject({ signature: 1, rule: 'authorities' });
    expect(report.findings[0]!.message).toContain('policy.signer.unknown');
  });

  it('sets aside several unknown signers, and one in a role the policy trusts', async () => {
    const bundle = await appended(certified, async (m) => [
      await signDetached(m, strangerEd.signer, { role: 'certifier' }),
      await signDetached(m, strangerEc.signer, { role: 'packager' }),
    ]);
    const report = await verifyBundleDirectory(bundle, { policy: requiringCertifier() });
    expect(report.outcome).toBe('VALID');
    expect(codes(report)).toEqual(['policy.extra.untrusted', 'policy.extra.untrusted']);
    expect(report.findings.map((f) => f.signature)).toEqual([2, 3]);
  });

  it('sets aside a trusted key signing in a role its authority does not have', async () => {
    // The packager's key is trusted, but not as certifier: a second signature by it in that role is extra.
    const bundle = await appended(pristine, async (m) => [await signDetached(m, packager.signer, { role: 'certifier' })]);
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(codes(report)).toEqual(['policy.extra.untrusted']);
    expect(report.findings[0]!.message).toContain('policy.role.not-allowed');
  });

  it('leaves a duplicate of the valid signature uncounted and harmless', async () => {
    const bundle = await appended(pristine, (_m, old) => [old[0]!]);
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(report.findings).toEqual([]);
    expect(report.signatures.map((s) => [s.status, s.trusted])).toEqual([['valid', true], ['valid', true]]);
  });
});

describe('an appended broken entry does not turn a VALID bundle INVALID when the policy is met without it', () => {
  const broken: Array<[string, (m: Uint8Array, old: JwsSignature[]) => Promise<JwsSignature[]> | JwsSignature[], string]> = [
    // A kid is public: anyone can write an entry that names a trusted key.
    ['a garbage signature claiming the trusted kid', (_m, old) => [{ protected: old[0]!.protected, signature: flip(old[0]!.signature) }], 'signature.invalid'],
    ['another key\'s signature under the trusted kid\'s header', async (m, old) => {
      const forged = await signDetached(m, strangerEd.signer, { role: 'packager' });
      return [{ protected: old[0]!.protected, signature: forged.signature }];
    }, 'signature.invalid'],
    ['a protected header that is not JSON', () => [{ protected: base64urlEncode(utf8Encode('not json')), signature: 'AAAA' }], 'signature.malformed'],
    ['a protected header with alg none', () => [{ protected: base64urlEncode(utf8Encode('{"alg":"none","kid":"x"}')), signature: 'AAAA' }], 'signature.algorithm.not-allowed'],
  ];

  it.each(broken)('sets aside %s, reported as policy.extra.broken', async (_name, extra, original) => {
    const bundle = await appended(pristine, extra);
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(acting(report)).toEqual([]);
    const setAside = report.findings.filter((f) => f.signature === 1);
    expect(setAside.length).toBeGreaterThan(0);
    expect(setAside.map((f) => f.code)).toContain('policy.extra.broken');
    expect(setAside.some((f) => f.message.includes(original))).toBe(true);
    expect(report.signatures[0]).toMatchObject({ status: 'valid', trusted: true });
    expect(report.signatures[1]!.trusted).toBe(false);
  });

  it('treats a garbage signature naming an unknown kid as an unknown signer: nothing can check it', async () => {
    const bundle = await appended(pristine, async (m) => {
      const s = await signDetached(m, strangerEd.signer, { role: 'certifier' });
      return [{ ...s, signature: flip(s.signature) }];
    });
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(codes(report)).toEqual(['policy.extra.untrusted']);
    expect(report.signatures[1]!.status).toBe('untrusted');
  });

  it('sets aside a broken entry claiming the required certifier\'s kid while the real certifier signature is there', async () => {
    const bundle = await appended(certified, (_m, old) => [{ protected: old[1]!.protected, signature: flip(old[1]!.signature) }]);
    const report = await verifyBundleDirectory(bundle, { policy: requiringCertifier() });
    expect(report.outcome).toBe('VALID');
    expect(codes(report)).toEqual(['policy.extra.broken']);
  });

  it('is INVALID when the signature file itself is no longer a detached JWS: nothing in it can be read', async () => {
    const target = await appended(pristine, () => []);
    const file = join(target, 'evidence', 'signatures.json');
    const json = JSON.parse(await fsp.readFile(file, 'utf8')) as { signatures: unknown[] };
    json.signatures.push(42);
    await fsp.writeFile(file, JSON.stringify(json));
    await resealBag(target);
    const report = await verifyBundleDirectory(target, { policy: policy() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toEqual(['signature.malformed']);
    expect(report.findings[0]!.signature).toBeUndefined();
  });
});

describe('a broken or missing signature the policy needs', () => {
  it('is INVALID when the only signature is broken', async () => {
    const bundle = await rewritten(pristine, (old) => [{ ...old[0]!, signature: flip(old[0]!.signature) }]);
    const report = await verifyBundleDirectory(bundle, { policy: policy() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toEqual(['signature.invalid', 'policy.no-trusted-signature']);
  });

  it('is INVALID when the required certifier\'s signature is broken, even beside a valid packager signature', async () => {
    const bundle = await rewritten(certified, (old) => [old[0]!, { ...old[1]!, signature: flip(old[1]!.signature) }]);
    const report = await verifyBundleDirectory(bundle, { policy: requiringCertifier() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toEqual(['signature.invalid', 'policy.requirement.unmet']);
  });

  it('stays VALID when garbage timestamp tokens are added to the only signature or to an extra one: tokens are unsigned', async () => {
    for (const tst of [['%%%'], 'not-an-array', ['AAAA'], Array.from({ length: 9 }, () => 'AAAA')]) {
      const bundle = await rewritten(pristine, (old) => [{ ...old[0]!, header: { tst } }]);
      const report = await verifyBundleDirectory(bundle, { policy: policy() });
      expect(report.outcome).toBe('VALID');
      expect(codes(report)).toEqual(['policy.extra.untrusted']);
      // Without a trusted TSA in the policy, a well-formed token is untrusted; a malformed one is invalid.
      expect(report.findings[0]!.message).toMatch(/\((policy\.timestamp\.invalid|policy\.timestamp\.untrusted):/);
    }
    const extra = await appended(pristine, async (m) => [{ ...(await signDetached(m, strangerEd.signer, { role: 'certifier' })), header: { tst: ['%%%'] } }]);
    const report = await verifyBundleDirectory(extra, { policy: policy() });
    expect(report.outcome).toBe('VALID');
    expect(new Set(codes(report))).toEqual(new Set(['policy.extra.untrusted']));
  });

  it('is INDETERMINATE, not INVALID, when the policy requires a timestamp and the only token is garbage', async () => {
    const bundle = await rewritten(pristine, (old) => [{ ...old[0]!, header: { tst: ['%%%'] } }]);
    const report = await verifyBundleDirectory(bundle, { policy: policy({ requireTimestamp: true }) });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(expect.arrayContaining(['policy.timestamp.invalid', 'policy.timestamp.missing']));
  });

  it('is INDETERMINATE when the needed signature is removed (nobody can prevent removal), with or without others left', async () => {
    const removed = await rewritten(certified, (old) => [old[0]!]);
    const report = await verifyBundleDirectory(removed, { policy: requiringCertifier() });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(['policy.requirement.unmet']);

    const replaced = await rewritten(pristine, async (_old, m) => [await signDetached(m, strangerEd.signer, { role: 'packager' })]);
    const alone = await verifyBundleDirectory(replaced, { policy: policy() });
    expect(alone.outcome).toBe('INDETERMINATE');
    expect(codes(alone)).toEqual(['policy.signer.unknown', 'policy.no-trusted-signature']);

    const none = await rewritten(pristine, () => []);
    expect(codes(await verifyBundleDirectory(none, { policy: policy() }))).toEqual(['verify.unsigned']);
  });

  it('keeps a broken extra entry INVALID while the policy is not met: it may be the needed signature, altered', async () => {
    const bundle = await rewritten(certified, async (old, m) => [old[0]!, { ...(await signDetached(m, strangerEd.signer, { role: 'certifier' })), protected: old[1]!.protected }]);
    const report = await verifyBundleDirectory(bundle, { policy: requiringCertifier() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toEqual(['signature.invalid', 'policy.requirement.unmet']);
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('appended signatures carrying X.509 chains and timestamps the policy does not know', () => {
  let unknownPki: OpensslPki;
  let unknownTsa: OpensslTsa;
  beforeAll(async () => {
    [unknownPki, unknownTsa] = await Promise.all([createOpensslPki(), startOpensslTsa()]);
  });
  afterAll(async () => {
    await Promise.all([unknownPki?.dispose(), unknownTsa?.close()]);
  });

  it('sets aside a signature whose x5c leads to a root the policy does not have', async () => {
    const bundle = await appended(pristine, async (m) => {
      const signer = await createJwkSigner(unknownPki.leaf.privateJwk, { x5c: unknownPki.x5c });
      return [await signDetached(m, signer, { role: 'certifier' })];
    });
    const anchored = policy({ authorities: [...policyInput().authorities, { id: 'vn-ca', name: 'VN CA', country: 'VN', roles: ['certifier'], x509Anchors: [otherRootPem()] }] });
    for (const p of [policy(), anchored]) {
      const report = await verifyBundleDirectory(bundle, { policy: p });
      expect(report.outcome).toBe('VALID');
      expect(codes(report)).toEqual(['policy.extra.untrusted']);
      expect(report.findings[0]!.message).toContain('policy.certificate.untrusted');
    }
  });

  it('sets aside a timestamp from a TSA the policy does not trust, on an extra signature and on the needed one', async () => {
    const stamp = async (s: JwsSignature): Promise<JwsSignature> => ({
      ...s,
      header: { tst: [base64Encode(await requestTimestamp(unknownTsa.url, base64urlDecodeStrict(s.signature)))] },
    });
    const extra = await appended(pristine, async (m) => [await stamp(await signDetached(m, strangerEd.signer, { role: 'certifier' }))]);
    const onExtra = await verifyBundleDirectory(extra, { policy: policy() });
    expect(onExtra.outcome).toBe('VALID');
    expect(acting(onExtra)).toEqual([]);
    expect(onExtra.findings.every((f) => f.code === 'policy.extra.untrusted' && f.signature === 1)).toBe(true);

    const needed = await rewritten(pristine, async (old) => [await stamp(old[0]!)]);
    const onNeeded = await verifyBundleDirectory(needed, { policy: policy() });
    expect(onNeeded.outcome).toBe('VALID');
    expect(codes(onNeeded)).toEqual(['policy.extra.untrusted']);
    expect(onNeeded.findings[0]!.message).toContain('policy.timestamp.untrusted');
  });

  /** Some anchor the policy trusts, which is not the unknown PKI's root. */
  function otherRootPem(): string {
    return unknownTsa.root.pem;
  }
});

describe('evb verify after a man in the middle appended signatures', () => {
  async function evb(...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: () => undefined, stderrIsTTY: false, cwd: dir };
    return { code: await main(args, io), out };
  }

  it('exits 0 (VALID) and reports the extra entries in --json', async () => {
    const bundle = await appended(pristine, async (m, old) => [
      await signDetached(m, strangerEc.signer, { role: 'certifier' }),
      { protected: old[0]!.protected, signature: flip(old[0]!.signature) },
    ]);
    const policyFile = join(dir, `policy-${copies++}.json`);
    await fsp.writeFile(policyFile, JSON.stringify(policyInput()));
    const { code, out } = await evb('verify', bundle, '--policy', policyFile, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as VerificationReport;
    expect(report.outcome).toBe('VALID');
    expect(report.signatures.map((s) => s.status)).toEqual(['valid', 'untrusted', 'invalid']);
    expect(codes(report)).toEqual(['policy.extra.untrusted', 'policy.extra.broken']);
  });

  it('exits 1 (INVALID) when the only signature is broken', async () => {
    const bundle = await rewritten(pristine, (old) => [{ ...old[0]!, signature: flip(old[0]!.signature) }]);
    const policyFile = join(dir, `policy-${copies++}.json`);
    await fsp.writeFile(policyFile, JSON.stringify(policyInput()));
    expect((await evb('verify', bundle, '--policy', policyFile, '--json')).code).toBe(1);
  });
});
