import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { base64urlDecodeStrict, base64urlEncode, utf8Encode } from '../../src/internal/bytes.js';
import {
  createJwkSigner,
  generateSigningKey,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  type Signer,
} from '../../src/index.js';
import {
  addSignature,
  MANIFEST_JWS_TYP,
  parseSignatureFile,
  serializeSignatureFile,
  signDetached,
  verifyDetached,
  type JwsSignature,
} from '../../src/entries/jws.js';

const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');
const ALGS = Object.keys(SIGNATURE_ALGORITHMS) as SignatureAlgorithm[];
const header = (s: JwsSignature) => JSON.parse(new TextDecoder().decode(base64urlDecodeStrict(s.protected))) as Record<string, unknown>;
const withHeader = async (signer: Signer, h: Record<string, unknown>, payload = MANIFEST): Promise<JwsSignature> => {
  const protectedB64 = base64urlEncode(canonicalizeToBytes(h));
  const sig = await signer.sign(utf8Encode(`${protectedB64}.${base64urlEncode(payload)}`));
  return { protected: protectedB64, signature: base64urlEncode(sig) };
};

describe('signDetached and verifyDetached', () => {
  it.each(ALGS)('%s: signs, verifies with the trusted key, and names alg, kid, role', async (alg) => {
    const key = await generateSigningKey(alg);
    const signer = await createJwkSigner(key.privateJwk);
    expect(signer.kid).toBe(key.kid);
    const s = await signDetached(MANIFEST, signer, { role: 'certifier', signedAt: new Date('2026-11-02T09:30:00.123Z') });
    expect(header(s)).toEqual({ alg, kid: key.kid, typ: MANIFEST_JWS_TYP, role: 'certifier', sigT: '2026-11-02T09:30:00Z' });
    const r = await verifyDetached(MANIFEST, s, { trustedKeys: [key.publicJwk] });
    expect(r).toMatchObject({ status: 'valid', alg, kid: key.kid, role: 'certifier', findings: [] });
    const tampered = await verifyDetached(utf8Encode('{"bundleId":"4f1d","formatVersion":"1.0"}'), s, { trustedKeys: [key.publicJwk] });
    expect(tampered.status).toBe('invalid');
    expect(tampered.findings[0]?.code).toBe('signature.invalid');
  });

  it('signs the RFC 8785 bytes of the protected header, and verifies the exact payload bytes only', async () => {
    const key = await generateSigningKey('ES256');
    const signer = await createJwkSigner(key.privateJwk);
    const s = await signDetached(MANIFEST, signer, { role: 'certifier', typ: 'z+jws', signedAt: new Date('2026-11-02T09:30:00Z') });
    const protectedBytes = base64urlDecodeStrict(s.protected);
    expect(protectedBytes).toEqual(canonicalizeToBytes(header(s)));
    expect(new TextDecoder().decode(protectedBytes)).toBe(
      `{"alg":"ES256","kid":"${key.kid}","role":"certifier","sigT":"2026-11-02T09:30:00Z","typ":"z+jws"}`,
    );
    // The same JSON in other bytes (white space, member order) is not what was signed: no normalisation.
    for (const other of ['{"bundleId": "4f1c","formatVersion":"1.0"}', '{"formatVersion":"1.0","bundleId":"4f1c"}', '{"bundleId":"4f1c","formatVersion":"1.0"}\n']) {
      const r = await verifyDetached(utf8Encode(other), s, { trustedKeys: [key.publicJwk] });
      expect(r.status).toBe('invalid');
      expect(r.findings[0]?.code).toBe('signature.invalid');
    }
  });

  it('is untrusted, not invalid, for a key the verifier was not given, and still reports the header', async () => {
    const [a, b] = [await generateSigningKey(), await generateSigningKey()];
    const s = await signDetached(MANIFEST, await createJwkSigner(a.privateJwk), { role: 'packager' });
    const r = await verifyDetached(MANIFEST, s, { trustedKeys: [b.publicJwk] });
    expect(r).toMatchObject({ status: 'untrusted', kid: a.kid, role: 'packager', alg: 'EdDSA' });
    expect(r.header?.['typ']).toBe(MANIFEST_JWS_TYP);
    expect(r.findings[0]?.code).toBe('signature.key.unknown');
  });

  it('never takes the key from the bundle: a jwk header is only a hint', async () => {
    const attacker = await generateSigningKey();
    const signer = await createJwkSigner(attacker.privateJwk);
    const s = await withHeader(signer, { alg: 'EdDSA', kid: attacker.kid, jwk: attacker.publicJwk, role: 'certifier' });
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [] })).status).toBe('untrusted');
    const other = await generateSigningKey();
    const lying = await withHeader(signer, { alg: 'EdDSA', kid: other.kid, jwk: attacker.publicJwk, role: 'certifier' });
    const r = await verifyDetached(MANIFEST, lying, { trustedKeys: [other.publicJwk] });
    expect(r.status).toBe('invalid');
    expect(r.findings[0]?.code).toBe('signature.header.key-hint-mismatch');
    // jku and x5u are never fetched: the signature stays untrusted.
    const remote = await withHeader(signer, { alg: 'EdDSA', kid: attacker.kid, jku: 'https://attacker.example/keys', x5u: 'https://attacker.example/c' });
    expect((await verifyDetached(MANIFEST, remote, { trustedKeys: [] })).status).toBe('untrusted');
  });

  it.each([
    ['none', 'signature.algorithm.not-allowed'],
    ['HS256', 'signature.algorithm.not-allowed'],
    ['RS256', 'signature.algorithm.not-allowed'],
  ])('refuses alg %s', async (alg, code) => {
    const key = await generateSigningKey();
    const s = await withHeader(await createJwkSigner(key.privateJwk), { alg, kid: key.kid });
    const r = await verifyDetached(MANIFEST, s, { trustedKeys: [key.publicJwk] });
    expect(r.status).toBe('invalid');
    expect(r.findings[0]?.code).toBe(code);
  });

  it('refuses an algorithm outside the caller\'s subset', async () => {
    const key = await generateSigningKey('ES256');
    const s = await signDetached(MANIFEST, await createJwkSigner(key.privateJwk), { role: 'packager' });
    const r = await verifyDetached(MANIFEST, s, { trustedKeys: [key.publicJwk], algorithms: ['EdDSA'] });
    expect(r.findings[0]?.code).toBe('signature.algorithm.not-allowed');
  });

  it('enforces the trusted JWK\'s own alg, use and key_ops, and its type', async () => {
    const key = await generateSigningKey('ES256');
    const s = await signDetached(MANIFEST, await createJwkSigner(key.privateJwk), { role: 'packager' });
    for (const restricted of [
      { ...key.publicJwk, use: 'enc' },
      { ...key.publicJwk, key_ops: ['encrypt'] },
      { ...key.publicJwk, alg: 'ES384' },
    ]) {
      const r = await verifyDetached(MANIFEST, s, { trustedKeys: [restricted] });
      expect(r.status).toBe('invalid');
      expect(r.findings[0]?.code).toBe('signature.key.not-allowed');
    }
    // An Ed25519 key named by the kid of an ES256 signature cannot verify it.
    const ed = await generateSigningKey('EdDSA');
    const r = await verifyDetached(MANIFEST, s, { trustedKeys: [{ ...ed.publicJwk, alg: undefined, kid: key.kid } as JsonWebKey] });
    expect(r.findings[0]?.code).toBe('signature.key.not-allowed');
  });

  it('refuses RSA keys under 2048 bits, to sign and to verify', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const priv = privateKey.export({ format: 'jwk' }) as JsonWebKey;
    const caught = await createJwkSigner(priv).catch((e: unknown) => e);
    expect(isEvidenceBundleError(caught, 'ERR_KEY_TOO_SMALL')).toBe(true);
    const big = await generateSigningKey('PS256');
    const s = await signDetached(MANIFEST, await createJwkSigner(big.privateJwk), { role: 'packager' });
    const small = { ...(publicKey.export({ format: 'jwk' }) as JsonWebKey), kid: big.kid };
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [small as JsonWebKey] })).findings[0]?.code).toBe('signature.key.too-small');
  });

  it('refuses crit, b64:false, a header member both protected and unprotected, and bad encodings', async () => {
    const key = await generateSigningKey();
    const signer = await createJwkSigner(key.privateJwk);
    const trustedKeys = [key.publicJwk];
    const crit = await withHeader(signer, { alg: 'EdDSA', kid: key.kid, crit: ['exp'], exp: 1 });
    expect((await verifyDetached(MANIFEST, crit, { trustedKeys })).findings[0]?.code).toBe('signature.header.crit-unsupported');
    const b64 = await withHeader(signer, { alg: 'EdDSA', kid: key.kid, b64: false });
    expect((await verifyDetached(MANIFEST, b64, { trustedKeys })).status).toBe('malformed');
    const good = await signDetached(MANIFEST, signer, { role: 'packager' });
    expect((await verifyDetached(MANIFEST, { ...good, header: { role: 'certifier' } }, { trustedKeys })).status).toBe('malformed');
    expect((await verifyDetached(MANIFEST, { ...good, signature: `${good.signature}=` }, { trustedKeys })).status).toBe('malformed');
    expect((await verifyDetached(MANIFEST, { ...good, protected: 'eyJhbGciOiJFZERTQSIsImFsZyI6Im5vbmUifQ' }, { trustedKeys })).status).toBe('malformed');
    expect((await verifyDetached(MANIFEST, { protected: 42, signature: null } as unknown as JwsSignature, { trustedKeys })).status).toBe('malformed');
    // An unprotected header may carry what the protected one does not (timestamps): still valid.
    expect((await verifyDetached(MANIFEST, { ...good, header: { tst: ['AA=='] } }, { trustedKeys })).status).toBe('valid');
  });

  it('matches a trusted key by the kid the verifier gave it', async () => {
    const key = await generateSigningKey('ES384');
    const signer = await createJwkSigner(key.privateJwk);
    const s = await withHeader(signer, { alg: 'ES384', kid: 'ministry-2026' });
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [{ ...key.publicJwk, kid: 'ministry-2026' } as JsonWebKey] })).status).toBe('valid');
  });

  it('signs through any Signer: a key kept elsewhere (HSM, KMS)', async () => {
    const key = await generateSigningKey('ES256');
    const local = await createJwkSigner(key.privateJwk);
    const calls: Uint8Array[] = [];
    const kms: Signer = { alg: 'ES256', kid: key.kid, sign: async (input) => (calls.push(input), local.sign(input)) };
    const s = await signDetached(MANIFEST, kms, { role: 'certifier' });
    expect(calls).toHaveLength(1);
    expect((await verifyDetached(MANIFEST, s, { trustedKeys: [key.publicJwk] })).status).toBe('valid');
    await expect(signDetached(MANIFEST, { ...kms, alg: 'HS256' as SignatureAlgorithm }, { role: 'x' })).rejects.toThrow(TypeError);
    await expect(signDetached(MANIFEST, kms, { role: '' })).rejects.toThrow(TypeError);
  });

  // Verifiers refuse a bundle signature whose kid is not a thumbprint: a KMS signer named by its own key id (an
  // ARN, a label) must not produce one.
  it.each(['', 'arn:aws:kms:eu-west-1:111122223333:key/1234', 'ministry-2026', 'x'.repeat(42), `${'x'.repeat(42)}=`, 42])(
    'refuses a Signer whose kid is not an RFC 7638 thumbprint: %s',
    async (kid) => {
      const key = await generateSigningKey('EdDSA');
      const local = await createJwkSigner(key.privateJwk);
      const calls: Uint8Array[] = [];
      const signer = { alg: 'EdDSA', kid, sign: async (input: Uint8Array) => (calls.push(input), local.sign(input)) } as unknown as Signer;
      await expect(signDetached(MANIFEST, signer, { role: 'packager' })).rejects.toThrow(TypeError);
      expect(calls).toEqual([]);
    },
  );

  it('refuses keys that may not sign', async () => {
    const key = await generateSigningKey();
    for (const [jwk, code] of [
      [key.publicJwk, 'ERR_KEY_INVALID'],
      [{ ...key.privateJwk, use: 'enc' }, 'ERR_KEY_USAGE'],
      [{ ...key.privateJwk, key_ops: ['verify'] }, 'ERR_KEY_USAGE'],
      [{ ...key.privateJwk, alg: 'HS256' }, 'ERR_ALG_NOT_ALLOWED'],
      [{ kty: 'oct', k: 'AAAA', d: 'x' }, 'ERR_KEY_INVALID'],
      [{ ...key.privateJwk, d: 'not-a-key' }, 'ERR_KEY_INVALID'],
    ] as Array<[JsonWebKey, string]>) {
      const caught = await createJwkSigner(jwk).catch((e: unknown) => e);
      expect(isEvidenceBundleError(caught, code as never), `${JSON.stringify(jwk).slice(0, 60)}: ${String(caught)}`).toBe(true);
    }
  });
});

describe('signature file', () => {
  it('round-trips, appends without touching earlier entries', async () => {
    const a = await createJwkSigner((await generateSigningKey()).privateJwk);
    const b = await createJwkSigner((await generateSigningKey('ES256')).privateJwk);
    const first = await signDetached(MANIFEST, a, { role: 'packager' });
    const bytes = serializeSignatureFile({ signatures: [first] });
    const second = await signDetached(MANIFEST, b, { role: 'certifier' });
    const next = parseSignatureFile(serializeSignatureFile(addSignature(parseSignatureFile(bytes), second)));
    expect(next.signatures).toEqual([first, second]);
  });

  it.each([
    ['not JSON', '{"signatures":['],
    ['duplicate keys', '{"signatures":[],"signatures":[]}'],
    ['attached payload', '{"payload":"e30","signatures":[]}'],
    ['unknown member', '{"signatures":[{"protected":"e30","signature":"AA","extra":1}]}'],
    ['not base64url', '{"signatures":[{"protected":"e3+0","signature":"AA"}]}'],
    ['too many', `{"signatures":[${Array(65).fill('{"protected":"e30","signature":"AA"}').join(',')}]}`],
  ])('rejects %s with ERR_JWS_MALFORMED', (_name, text) => {
    let caught: unknown;
    try {
      parseSignatureFile(utf8Encode(text));
    } catch (e) {
      caught = e;
    }
    expect(isEvidenceBundleError(caught, 'ERR_JWS_MALFORMED')).toBe(true);
  });
});
