import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { base64urlEncode, utf8Encode } from '../../src/internal/bytes.js';
import { isSignatureAlgorithm } from '../../src/sign/algorithms.js';
import { createJwkSigner } from '../../src/sign/jwk-signer.js';
import { verifyDetached } from '../../src/sign/verify-detached.js';
import { vectorsDir } from '../helpers/vectors.js';

// JOSE cookbook (RFC 7520) JWS examples and the RFC 8037 Ed25519 example, through our verification path.
//
// Listed exception: RFC 7520 section 4 signs with RS256, PS384, ES512 and HS256, none of them in our table;
// those examples are refused with `signature.algorithm.not-allowed` by design (docs/format.md, "Signatures").
// The Ed25519 example (curve25519/jws.json) is in the table: it verifies, and re-signing it gives the same bytes
// (Ed25519 is deterministic).
const dir = vectorsDir('jose-cookbook');

interface Example {
  title: string;
  reproducible?: boolean;
  input: { payload: string; key: JsonWebKey | JsonWebKey[]; alg?: string };
  signing: { protected_b64u: string; sig: string; 'sig-input': string } | Array<{ protected_b64u: string; sig: string }>;
  output: { json?: { signatures: Array<{ protected?: string; signature: string; header?: Record<string, unknown> }> } };
}

const publicPart = (jwk: JsonWebKey): JsonWebKey => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...rest } = jwk;
  return jwk.kty === 'oct' ? jwk : rest;
};

describe.skipIf(!dir)('JOSE cookbook JWS examples', () => {
  const files = dir
    ? [...readdirSync(join(dir, 'jws')).filter((n) => n.endsWith('.json')).map((n) => join(dir, 'jws', n)), join(dir, 'curve25519', 'jws.json')]
    : [];
  const examples = files.map((file) => ({ file: file.split('/').slice(-2).join('/'), ex: JSON.parse(readFileSync(file, 'utf8')) as Example }));

  it('has the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
  });

  it.each(examples)('$file', async ({ ex }) => {
    const keys = (Array.isArray(ex.input.key) ? ex.input.key : [ex.input.key]).map(publicPart);
    const payload = utf8Encode(ex.input.payload);
    const signatures = ex.output.json?.signatures ?? [];
    expect(signatures.length).toBeGreaterThan(0);
    for (const s of signatures) {
      if (s.protected === undefined) {
        // 4.7 "protecting content only": no protected header, so no alg we could trust; a bundle signature
        // always has one. Refused as malformed.
        expect((await verifyDetached(payload, { protected: '', signature: s.signature }, { trustedKeys: keys })).status).toBe('malformed');
        continue;
      }
      const alg = (JSON.parse(Buffer.from(s.protected, 'base64url').toString('utf8')) as { alg: string }).alg;
      const result = await verifyDetached(payload, { protected: s.protected, signature: s.signature, ...(s.header ? { header: s.header } : {}) }, { trustedKeys: keys });
      if (isSignatureAlgorithm(alg)) {
        expect(result.status, JSON.stringify(result.findings)).toBe('valid');
      } else {
        expect(result.status).toBe('invalid');
        expect(result.findings[0]?.code).toBe('signature.algorithm.not-allowed');
      }
    }
  });

  it('re-signs the Ed25519 example to the same bytes', async () => {
    const ed = examples.find((e) => e.file === 'curve25519/jws.json')!.ex;
    expect(ed.reproducible).toBe(true);
    const signing = ed.signing as { protected_b64u: string; sig: string; 'sig-input': string };
    const signer = await createJwkSigner(ed.input.key as JsonWebKey);
    expect(signer.alg).toBe('EdDSA');
    const input = utf8Encode(`${signing.protected_b64u}.${base64urlEncode(utf8Encode(ed.input.payload))}`);
    expect(new TextDecoder().decode(input)).toBe(signing['sig-input']);
    expect(base64urlEncode(await signer.sign(input))).toBe(signing.sig);
  });
});
