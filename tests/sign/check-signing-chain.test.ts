// A chain given to sign is refused when the receiver's verifier would reject it, whatever its anchors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceBundleError } from '../../src/errors.js';
import { base64Encode, base64urlDecodeStrict, utf8Encode } from '../../src/internal/bytes.js';
import { createJwkSigner, generateSigningKey } from '../../src/index.js';
import { signDetached } from '../../src/entries/jws.js';
import { verifyCertificateChain } from '../../src/entries/x509.js';
import { checkSigningChain } from '../../src/sign/check-signing-chain.js';
import { createOpensslPki, OPENSSL_AVAILABLE, warnIfNoOpenssl, type OpensslPki } from '../helpers/openssl-pki.js';

warnIfNoOpenssl('tests/sign/check-signing-chain');

const DAY = 86_400_000;
const MANIFEST = utf8Encode('{"bundleId":"4f1c","formatVersion":"1.0"}');

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : (error as Error).name;
  }
}

describe.skipIf(!OPENSSL_AVAILABLE)('checkSigningChain', () => {
  let pki: OpensslPki;
  let deep: OpensslPki;
  let leafKid: string;
  let deepKid: string;
  beforeAll(async () => {
    [pki, deep] = await Promise.all([createOpensslPki(), createOpensslPki({ intermediates: 2 })]);
    leafKid = (await createJwkSigner(pki.leaf.privateJwk)).kid;
    deepKid = (await createJwkSigner(deep.leaf.privateJwk)).kid;
  });
  afterAll(async () => {
    await Promise.all([pki?.dispose(), deep?.dispose()]);
  });
  const now = () => new Date();

  describe('refuses a leaf that does not certify the signing key (ERR_X509_KEY_MISMATCH)', () => {
    it('another key signs under the chain', async () => {
      const other = await createJwkSigner((await generateSigningKey('ES256')).privateJwk);
      expect(await codeOf(checkSigningChain(pki.x5c, other.kid, now()))).toBe('ERR_X509_KEY_MISMATCH');
    });
    it('the chain is issuer first (wrong order)', async () => {
      expect(await codeOf(checkSigningChain([...pki.x5c].reverse(), leafKid, now()))).toBe('ERR_X509_KEY_MISMATCH');
      expect(await codeOf(checkSigningChain([pki.root.base64, ...pki.x5c], leafKid, now()))).toBe('ERR_X509_KEY_MISMATCH');
    });
  });

  describe('refuses a chain that does not hold together (ERR_X509_CHAIN_INVALID)', () => {
    it.each([
      ['empty', () => []],
      ['not base64', () => ['***']],
      ['base64 of no certificate', () => [base64Encode(utf8Encode('not a certificate'))]],
      ['a certificate with a byte appended', () => [base64Encode(new Uint8Array([...pki.leaf.der, 0])), pki.x5c[1]!]],
      ['more than MAX_CHAIN_LENGTH certificates', () => new Array<string>(9).fill(pki.leaf.base64)],
    ])('%s', async (_name, x5c) => {
      expect(await codeOf(checkSigningChain(x5c(), leafKid, now()))).toBe('ERR_X509_CHAIN_INVALID');
    });
    it('intermediates in the wrong order', async () => {
      const [leaf, lower, upper] = deep.x5c;
      expect(await codeOf(checkSigningChain([leaf!, upper!, lower!], deepKid, now()))).toBe('ERR_X509_CHAIN_INVALID');
    });
    it('an issuer left out', async () => {
      expect(await codeOf(checkSigningChain([deep.x5c[0]!, deep.x5c[2]!], deepKid, now()))).toBe('ERR_X509_CHAIN_INVALID');
      expect(await codeOf(checkSigningChain([pki.leaf.base64, pki.root.base64], leafKid, now()))).toBe('ERR_X509_CHAIN_INVALID');
    });
    it('a certificate issued by a certificate that is not a CA', async () => {
      const underLeaf = await pki.issue({}, { issuer: pki.leaf });
      const kid = (await createJwkSigner(underLeaf.privateJwk)).kid;
      expect(await codeOf(checkSigningChain([underLeaf.base64, ...pki.x5c], kid, now()))).toBe('ERR_X509_CHAIN_INVALID');
    });
    it('a leaf whose keyUsage does not allow signatures', async () => {
      const encipher = await pki.issue({ keyUsage: 'critical,keyEncipherment' });
      const kid = (await createJwkSigner(encipher.privateJwk)).kid;
      expect(await codeOf(checkSigningChain([encipher.base64, pki.x5c[1]!], kid, now()))).toBe('ERR_X509_CHAIN_INVALID');
    });
    it('a leaf the receiver does not take as a document signer: a CA, or one for TLS or time-stamping only', async () => {
      const leaves = await Promise.all([
        pki.issue({ keyUsage: 'critical,digitalSignature,keyCertSign' }, { issuer: pki.intermediates[0]!, ca: true }),
        pki.issue({ extendedKeyUsage: 'critical,timeStamping' }),
        pki.issue({ extendedKeyUsage: 'serverAuth,clientAuth' }),
      ]);
      for (const leaf of leaves) {
        const kid = (await createJwkSigner(leaf.privateJwk)).kid;
        expect(await codeOf(checkSigningChain([leaf.base64, ...pki.x5c.slice(1)], kid, now()))).toBe('ERR_X509_CHAIN_INVALID');
      }
      // The control: an end entity whose extended key usage includes a document purpose.
      const mail = await pki.issue({ extendedKeyUsage: 'serverAuth,emailProtection' });
      const kid = (await createJwkSigner(mail.privateJwk)).kid;
      await expect(checkSigningChain([mail.base64, ...pki.x5c.slice(1)], kid, now())).resolves.toBeUndefined();
    });

    it('a leaf expired, or not yet valid, at the signing time', async () => {
      const t = Date.now();
      const expired = await pki.issue({ notBefore: new Date(t - 400 * DAY), notAfter: new Date(t - DAY) });
      const future = await pki.issue({ notBefore: new Date(t + DAY), notAfter: new Date(t + 400 * DAY) });
      for (const cert of [expired, future]) {
        const kid = (await createJwkSigner(cert.privateJwk)).kid;
        expect(await codeOf(checkSigningChain([cert.base64, pki.x5c[1]!], kid, now()))).toBe('ERR_X509_CHAIN_INVALID');
      }
      // The claimed signing time decides: inside the validity, the chain is accepted.
      const kid = (await createJwkSigner(expired.privateJwk)).kid;
      await expect(checkSigningChain([expired.base64, pki.x5c[1]!], kid, new Date(t - 100 * DAY))).resolves.toBeUndefined();
    });
  });

  describe('accepts what a receiver trusting the root accepts', () => {
    it('leaf and intermediates, with or without the root, however deep', async () => {
      await expect(checkSigningChain(pki.x5c, leafKid, now())).resolves.toBeUndefined();
      await expect(checkSigningChain([...pki.x5c, pki.root.base64], leafKid, now())).resolves.toBeUndefined();
      await expect(checkSigningChain(deep.x5c, deepKid, now())).resolves.toBeUndefined();
      for (const x5c of [pki.x5c, deep.x5c]) {
        const root = x5c === pki.x5c ? pki.root : deep.root;
        expect((await verifyCertificateChain(x5c, { anchors: [root.pem], time: now(), requiredKeyUsage: ['digitalSignature'] })).status).toBe('valid');
      }
    });
  });

  describe('signDetached applies it to every chain, the signer\'s or the option', () => {
    it('refuses the signer\'s own x5c for another key, and an x5c option in the wrong order; nothing is signed', async () => {
      const other = await createJwkSigner((await generateSigningKey('ES256')).privateJwk, { x5c: pki.x5c });
      let signed = 0;
      const counting = { ...other, sign: async (i: Uint8Array) => (signed++, other.sign(i)) };
      expect(await codeOf(signDetached(MANIFEST, counting, { role: 'certifier' }))).toBe('ERR_X509_KEY_MISMATCH');
      const own = await createJwkSigner(pki.leaf.privateJwk);
      expect(await codeOf(signDetached(MANIFEST, own, { role: 'certifier', x5c: [...pki.x5c].reverse() }))).toBe('ERR_X509_KEY_MISMATCH');
      expect(signed).toBe(0);
    });
    it('carries a good chain as x5c, in the order given', async () => {
      const signer = await createJwkSigner(pki.leaf.privateJwk, { x5c: pki.x5c });
      const s = await signDetached(MANIFEST, signer, { role: 'certifier' });
      const header = JSON.parse(new TextDecoder().decode(base64urlDecodeStrict(s.protected))) as { x5c: string[] };
      expect(header.x5c).toEqual(pki.x5c);
    });
  });
});
