// verifyTimestampToken on tokens issued by openssl's TSA, and interop the other way: openssl ts -verify
// accepts the token the client stored.
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestampRequest } from '../../src/timestamp/create-timestamp-request.js';
import { requestTimestamp } from '../../src/timestamp/request-timestamp.js';
import { verifyTimestampToken } from '../../src/timestamp/verify-timestamp-token.js';
import { createOpensslPki, openssl, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';
import { startOpensslTsa, type OpensslTsa } from '../helpers/openssl-tsa.js';
import { encodeDer, parseDer, walkDer, type DerNode } from '../helpers/der-edit.js';

warnIfNoOpenssl('tests/timestamp/verify-timestamp-token');

// What a bundle timestamps: the bytes of a JWS signature value.
const SIGNED = crypto.getRandomValues(new Uint8Array(64));

describe('verifyTimestampToken on bytes that are no token', () => {
  it('is malformed, never throws', async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0x30, 0x00]), new Uint8Array([0xff, 0x01, 0x02]), new TextEncoder().encode('{"tst":1}')]) {
      const r = await verifyTimestampToken(bytes, { data: SIGNED, anchors: [] });
      expect(r.status).toBe('malformed');
      expect(r.reason).toMatch(/\S/);
    }
  });

  it('refuses caller misuse with TypeError', async () => {
    await expect(verifyTimestampToken(new Uint8Array(1), { data: 'x' as unknown as Uint8Array, anchors: [] })).rejects.toBeInstanceOf(TypeError);
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('verifyTimestampToken on openssl TSA tokens', () => {
  let tsa: OpensslTsa;
  let noUsage: OpensslTsa;
  let stranger: OpensslPki;
  let token: Uint8Array;

  beforeAll(async () => {
    [tsa, noUsage, stranger] = await Promise.all([
      startOpensslTsa(),
      startOpensslTsa({ timeStampingUsage: false }),
      createOpensslPki({ root: { subject: '/C=FR/O=Elsewhere/CN=Rogue TSA Root' } }),
    ]);
    token = await requestTimestamp(tsa.url, SIGNED);
  });
  afterAll(async () => {
    await Promise.all([tsa?.close(), noUsage?.close(), stranger?.dispose()]);
  });

  it('is valid: covers the data, chains to the TSA root with timeStamping, genTime close to now', async () => {
    const r = await verifyTimestampToken(token, { data: SIGNED, anchors: [tsa.root.pem], time: new Date() });
    expect(r.status).toBe('valid');
    expect(r.reason).toBeUndefined();
    expect(Math.abs(Date.parse(r.genTime!) - Date.now())).toBeLessThan(60_000);
    expect(r.tsa).toContain('CN=Test TSA');
    expect(r.hashAlgorithm).toBe('SHA-256');
    expect(r.policy).toBe('1.3.6.1.4.1.99999.1.1');
  });

  it('is valid with SHA-384 and SHA-512 imprints, and with the TSA certificate itself as the anchor', async () => {
    for (const hashAlgorithm of ['SHA-384', 'SHA-512'] as const) {
      const t = await requestTimestamp(tsa.url, SIGNED, { hashAlgorithm });
      expect((await verifyTimestampToken(t, { data: SIGNED, anchors: [tsa.root.pem] })).status).toBe('valid');
    }
    expect((await verifyTimestampToken(token, { data: SIGNED, anchors: [tsa.tsa.base64] })).status).toBe('valid');
  });

  it('is valid from a TSA with an RSA key (CMS rsaEncryption) and from one with an RFC 2634 ESSCertID (SHA-1)', async () => {
    for (const options of [{ key: 'RSA-2048' as const }, { essCertIdAlg: 'sha1' as const }]) {
      const other = await startOpensslTsa(options);
      try {
        const t = await requestTimestamp(other.url, SIGNED);
        const r = await verifyTimestampToken(t, { data: SIGNED, anchors: [other.root.pem] });
        expect(r.status).toBe('valid');
      } finally {
        await other.close();
      }
    }
  });

  it('is invalid when the TSA certificate in the token is swapped for a twin (same key, issuer and serial): ESSCertIDv2', async () => {
    // The intermediate issues a second certificate for the TSA key with the same serial number and other dates:
    // the CMS signature still verifies with it and its chain is sound; only the signed ESSCertIDv2 hash tells.
    const dir = tsa.pki.dir;
    const ca = tsa.pki.intermediates[0]!;
    const { stdout: serial } = await openssl(['x509', '-in', tsa.tsa.certPath, '-noout', '-serial'], dir);
    await writeFile(join(dir, 'twin.ext'), '[ ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = critical,timeStamping\n');
    await openssl(['req', '-new', '-key', tsa.tsa.keyPath, '-subj', '/C=DZ/O=Test TSA/CN=Test TSA', '-out', 'twin.csr'], dir);
    await openssl([
      'x509', '-req', '-in', 'twin.csr', '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', `0x${serial.trim().split('=')[1]}`,
      '-days', '30', '-sha256', '-extfile', 'twin.ext', '-extensions', 'ext', '-outform', 'DER', '-out', 'twin.der',
    ], dir);
    const twin = new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(await readFile(join(dir, 'twin.der')))).result });

    const contentInfo = new pkijs.ContentInfo({ schema: asn1js.fromBER(token).result });
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const original = new Uint8Array(tsa.tsa.der);
    signedData.certificates = signedData.certificates!.map((c) => {
      const der = new Uint8Array((c as pkijs.Certificate).toSchema().toBER());
      return der.length === original.length && der.every((b, i) => b === original[i]) ? twin : c;
    });
    expect(signedData.certificates).toContain(twin);
    const swapped = new Uint8Array(new pkijs.ContentInfo({ contentType: contentInfo.contentType, content: signedData.toSchema(true) }).toSchema().toBER());

    const r = await verifyTimestampToken(swapped, { data: SIGNED, anchors: [tsa.root.pem] });
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('is accepted by openssl ts -verify (interop: the token the client stored)', async () => {
    const dir = tsa.pki.dir;
    await writeFile(join(dir, 'signed.bin'), SIGNED);
    await writeFile(join(dir, 'token.der'), token);
    const { stdout } = await openssl(
      ['ts', '-verify', '-data', 'signed.bin', '-in', 'token.der', '-token_in', '-CAfile', tsa.root.certPath, '-untrusted', tsa.untrustedPemPath],
      dir,
    );
    expect(stdout).toMatch(/Verification: OK/);
    // And openssl agrees that it covers nothing else.
    await writeFile(join(dir, 'other.bin'), new Uint8Array([1, 2, 3]));
    await expect(
      openssl(['ts', '-verify', '-data', 'other.bin', '-in', 'token.der', '-token_in', '-CAfile', tsa.root.certPath, '-untrusted', tsa.untrustedPemPath], dir),
    ).rejects.toThrow();
  });

  it('is invalid for a token over other data', async () => {
    const r = await verifyTimestampToken(token, { data: new Uint8Array([...SIGNED].reverse()), anchors: [tsa.root.pem] });
    expect(r.status).toBe('invalid');
    expect(r.genTime).toBeUndefined();
    expect(r.reason).toMatch(/\S/);
  });

  it('is untrusted when the anchors are another root', async () => {
    const r = await verifyTimestampToken(token, { data: SIGNED, anchors: [stranger.root.pem] });
    expect(r.status).toBe('untrusted');
    expect(r.chain).toBe('untrusted');
    expect(r.genTime).toBeUndefined();
    expect(r.reason).toMatch(/\S/);
  });

  it('is refused when the TSA certificate lacks the timeStamping extended key usage', async () => {
    const t = await requestTimestamp(noUsage.url, SIGNED);
    const r = await verifyTimestampToken(t, { data: SIGNED, anchors: [noUsage.root.pem] });
    expect(r.status).toBe('refused');
    expect(r.chain).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
    // openssl refuses it too.
    await writeFile(join(noUsage.pki.dir, 'signed.bin'), SIGNED);
    await writeFile(join(noUsage.pki.dir, 'token.der'), t);
    await expect(
      openssl(['ts', '-verify', '-data', 'signed.bin', '-in', 'token.der', '-token_in', '-CAfile', noUsage.root.certPath, '-untrusted', noUsage.untrustedPemPath], noUsage.pki.dir),
    ).rejects.toThrow(/unsuitable certificate purpose/);
  });

  it('is invalid for a genTime after the verification time when a skew is given', async () => {
    const past = new Date(Date.now() - 3600_000);
    const r = await verifyTimestampToken(token, { data: SIGNED, anchors: [tsa.root.pem], time: past, maxClockSkewSeconds: 300 });
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/\S/);
  });

  it('without certificates in the token (certReq false): untrusted with the root as anchor, valid with the TSA certificate', async () => {
    const request = await createTimestampRequest(SIGNED, { certReq: false });
    const response = asn1js.fromBER(await tsa.reply(request.der)).result as asn1js.Sequence;
    const bare = new Uint8Array(response.valueBlock.value[1]!.valueBeforeDecodeView);
    const r = await verifyTimestampToken(bare, { data: SIGNED, anchors: [tsa.root.pem] });
    expect(r.status).toBe('untrusted');
    expect(r.reason).toMatch(/\S/);
    expect((await verifyTimestampToken(bare, { data: SIGNED, anchors: [tsa.tsa.pem] })).status).toBe('valid');
  });

  // The signer's identifier (issuer and serial number) is not signed: the signed ESSCertID binds the certificate.
  // A flip there that leaves the same name under RFC 5280 section 7.1 still names the same certificate and may
  // stay valid: of single-byte flips, only a letter's case (0x20 on an ASCII letter) does that. Once, invalid
  // UTF-8 there (0xA0) was read as Latin-1, folded into a space and accepted: 2% of runs of 300 flips found it.
  let issuerAt = 0;
  let issuerEnd = 0;
  beforeAll(() => {
    const content = new pkijs.ContentInfo({ schema: asn1js.fromBER(token).result });
    const sid = new pkijs.SignedData({ schema: content.content }).signerInfos[0]!.sid as pkijs.IssuerAndSerialNumber;
    const der = new Uint8Array(sid.issuer.toSchema().toBER());
    // The last occurrence: the same name is the issuer field of the TSA certificate, before the SignerInfo.
    issuerAt = Buffer.from(token).lastIndexOf(Buffer.from(der));
    issuerEnd = issuerAt + der.length;
  });
  const mayStayValid = (at: number, mask: number): boolean =>
    at >= issuerAt && at < issuerEnd && mask === 0x20 && /[A-Za-z]/.test(String.fromCharCode(token[at]!));

  it('never says valid when any byte of the token is flipped, but a letter case in the signer identifier, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const bad = new Uint8Array(token);
        bad[at]! ^= mask;
        const r = await verifyTimestampToken(bad, { data: SIGNED, anchors: [tsa.root.pem] });
        if (r.status === 'valid') expect(mayStayValid(at, mask), `flip of byte ${at} by ${mask}`).toBe(true);
        else expect(r.reason).toMatch(/\S/);
      }),
      { numRuns: 300 },
    );
  });

  it("every flip of every byte of the signer identifier's issuer name (by 0x01, 0x20, 0x80): valid only for a letter's case", async () => {
    expect(issuerAt).toBeGreaterThan(0);
    let valid = 0;
    for (let i = issuerAt; i < issuerEnd; i++) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const bad = new Uint8Array(token);
        bad[i]! ^= mask;
        const r = await verifyTimestampToken(bad, { data: SIGNED, anchors: [tsa.root.pem] });
        if (r.status === 'valid') {
          valid++;
          expect(mayStayValid(i, mask), `flip of byte ${i} (0x${token[i]!.toString(16)}) by ${mask}`).toBe(true);
        }
      }
    }
    // The case flips are the ones that stay valid (the same name under RFC 5280).
    expect(valid).toBeGreaterThan(0);
  });

  // Each class of non-DER variant the verifier once accepted (the same r and s, other bytes), and its neighbours,
  // refused by verifyTimestampToken (and by openssl ts -verify where openssl reads the bytes strictly). The flip property above finds these only
  // now and then; here each is built on purpose.
  describe('strict DER', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'evb-der-'));
      await writeFile(join(dir, 'data.bin'), SIGNED);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    let n = 0;
    const opensslAccepts = async (bytes: Uint8Array): Promise<boolean> => {
      const file = join(dir, `t${++n}.der`);
      await writeFile(file, bytes);
      try {
        const { stdout } = await openssl(['ts', '-verify', '-data', 'data.bin', '-in', file, '-token_in', '-CAfile', tsa.root.certPath, '-untrusted', tsa.untrustedPemPath], dir);
        return /Verification: OK/.test(stdout);
      } catch {
        return false;
      }
    };
    const clone = (node: DerNode): DerNode => parseDer(encodeDer(node));
    // The ECDSA signature values of the token: in the SignerInfo (an OCTET STRING) and in each certificate (a BIT STRING).
    const signatureHolders = (root: DerNode): DerNode[] =>
      [...walkDer(root)].map((w) => w.node).filter((node) => {
        if (node.content === undefined || (node.id[0] !== 0x04 && node.id[0] !== 0x03)) return false;
        try {
          const inner = parseDer(node.id[0] === 0x03 ? node.content.subarray(1) : node.content);
          return inner.id[0] === 0x30 && inner.children?.length === 2 && inner.children.every((c) => c.id[0] === 0x02);
        } catch {
          return false;
        }
      });
    const setSignature = (holder: DerNode, sig: Uint8Array) => {
      holder.content = holder.id[0] === 0x03 ? new Uint8Array([0, ...sig]) : sig;
    };
    const signatureOf = (holder: DerNode): DerNode => parseDer(holder.id[0] === 0x03 ? holder.content!.subarray(1) : holder.content!);
    const SIGNATURE_MUTATIONS: Record<string, (sig: DerNode) => Uint8Array | undefined> = {
      'r read as ENUMERATED': (sig) => ((sig.children![0]!.id = [0x0a]), encodeDer(sig)),
      's read as ENUMERATED': (sig) => ((sig.children![1]!.id = [0x0a]), encodeDer(sig)),
      'SEQUENCE with the constructed bit cleared': (sig) => ((sig.id = [0x10]), encodeDer(sig)),
      'a leading zero added to r': (sig) => ((sig.children![0]!.content = new Uint8Array([0, ...sig.children![0]!.content!])), encodeDer(sig)),
      'a leading zero added to s': (sig) => ((sig.children![1]!.content = new Uint8Array([0, ...sig.children![1]!.content!])), encodeDer(sig)),
      'a long-form length on s': (sig) => ((sig.children![1]!.length = 'long'), encodeDer(sig)),
      'a long-form length on the SEQUENCE': (sig) => ((sig.length = 'long'), encodeDer(sig)),
      'an indefinite-length SEQUENCE': (sig) => ((sig.length = 'indefinite'), encodeDer(sig)),
      'trailing bytes after the SEQUENCE': (sig) => new Uint8Array([...encodeDer(sig), 0x00, 0x00]),
      // Only where the integer has the leading zero a high first octet needs (about one r or s in two).
      'the needed leading zero of r or s removed': (sig) => {
        const int = sig.children!.find((c) => c.content![0] === 0);
        if (int === undefined) return undefined;
        int.content = int.content!.subarray(1);
        return encodeDer(sig);
      },
      'the needed leading zero of r or s replaced by 0xff': (sig) => {
        const int = sig.children!.find((c) => c.content![0] === 0);
        if (int === undefined) return undefined;
        int.content = new Uint8Array([0xff, ...int.content!.subarray(1)]);
        return encodeDer(sig);
      },
    };

    it('the tree editor round-trips the token, which both verifiers accept', async () => {
      expect(encodeDer(parseDer(token))).toEqual(token);
      expect(await opensslAccepts(token)).toBe(true);
      expect(signatureHolders(parseDer(token)).length).toBeGreaterThanOrEqual(2);
    });

    it.each(Object.keys(SIGNATURE_MUTATIONS))('refuses an ECDSA signature value (SignerInfo and certificate) with %s', async (name) => {
      const holders = signatureHolders(parseDer(token)).length;
      let tried = 0;
      for (let h = 0; h < holders; h++) {
        const root = parseDer(token);
        const holder = signatureHolders(root)[h]!;
        const sig = SIGNATURE_MUTATIONS[name]!(clone(signatureOf(holder)));
        if (sig === undefined) continue;
        tried++;
        setSignature(holder, sig);
        const bad = encodeDer(root);
        const r = await verifyTimestampToken(bad, { data: SIGNED, anchors: [tsa.root.pem] });
        expect(r.status, `signature value ${h}`).not.toBe('valid');
        // openssl checks the SignerInfo's ECDSA value strictly; the certificates of a token it may take from
        // -untrusted instead, so only that verdict is compared.
        if (holder.id[0] === 0x04) expect(await opensslAccepts(bad), 'openssl').toBe(false);
      }
      if (!name.includes('needed leading zero')) expect(tried).toBe(holders);
    });

    const TOKEN_MUTATIONS: Record<string, (root: DerNode) => Uint8Array> = {
      'trailing bytes after the token': (root) => new Uint8Array([...encodeDer(root), 0x00]),
      'an indefinite-length ContentInfo': (root) => ((root.length = 'indefinite'), encodeDer(root)),
      'a long-form length on the SignedData version': (root) => ((signedDataVersion(root).length = 'long'), encodeDer(root)),
      'a leading zero on the SignedData version': (root) => {
        const v = signedDataVersion(root);
        v.content = new Uint8Array([0, ...v.content!]);
        return encodeDer(root);
      },
      'a digest AlgorithmIdentifier with the constructed bit cleared': (root) => ((signedData(root).children![1]!.children![0]!.id = [0x10]), encodeDer(root)),
    };
    // ContentInfo { contentType, [0] { SignedData { version, digestAlgorithms, ... } } }
    const signedData = (root: DerNode): DerNode => root.children![1]!.children![0]!;
    const signedDataVersion = (root: DerNode): DerNode => signedData(root).children![0]!;

    it.each(Object.keys(TOKEN_MUTATIONS))('refuses a token with %s', async (name) => {
      const bad = TOKEN_MUTATIONS[name]!(parseDer(token));
      const r = await verifyTimestampToken(bad, { data: SIGNED, anchors: [tsa.root.pem] });
      // openssl reads a token as BER and accepts these (the signature is over the TSTInfo and signed attributes
      // only): the rule here is stricter than openssl's, so that the bytes of a token are unique.
      expect(r.status).toBe('malformed');
    });
  });
});

describe.skipIf(!OPENSSL_AVAILABLE)('verifyTimestampToken with a TSA certificate that expires (certificateTime)', () => {
  let tsa: OpensslTsa;
  const DAY = 86_400_000;
  beforeAll(async () => {
    tsa = await startOpensslTsa({ notAfter: new Date(Date.now() + DAY) });
  });
  afterAll(async () => {
    await tsa?.close();
  });

  it('is valid while the TSA certificate is valid at the proven time, refused once it is not', async () => {
    const data = new Uint8Array([1, 2, 3]);
    const token = await requestTimestamp(tsa.url, data);
    const at = (certificateTime?: Date) => verifyTimestampToken(token, { data, anchors: [tsa.root.pem], ...(certificateTime ? { certificateTime } : {}) });
    expect((await at()).status).toBe('valid');
    expect((await at(new Date(Date.now() + DAY / 2))).status).toBe('valid');
    for (const later of [new Date(Date.now() + 2 * DAY), new Date(Date.now() + 400 * DAY)]) {
      const verdict = await at(later);
      expect(verdict.status).toBe('refused');
      expect(verdict.chain).toBe('expired');
    }
    // Before the TSA certificate existed is no proof of anything either.
    expect((await at(new Date(Date.now() - 800 * DAY))).status).toBe('refused');
  });
});
