import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBundle,
  createVerifier,
  EvidenceBundleError,
  isEvidenceBundleError,
  verifyBundle,
  type VerificationReport,
} from '../../src/index.js';
import { LIMITS } from '../../src/entries/bagit.js';
import { canonicalize, canonicalizeToBytes, parseJson } from '../../src/entries/encoding.js';
import { serializeSignatureFile, signDetached } from '../../src/entries/jws.js';
import { VerificationReportSchema } from '../../src/entries/report.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { openBundleDirectory, verifyBundleDirectory } from '../../src/node/index.js';
import { flipByte, keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

let dir: string;
let packager: KeyPair;
let certifier: KeyPair;
let stranger: KeyPair;
let pristine: string;

beforeAll(async () => {
  dir = await tempDir();
  [packager, certifier, stranger] = await Promise.all([keyPair('EdDSA'), keyPair('ES256'), keyPair('EdDSA')]);
  pristine = await packDemo(dir, { name: 'pristine', packager, certifier, algorithms: ['sha512'] });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

let copies = 0;
async function copy(): Promise<string> {
  const target = join(dir, `copy-${copies++}`);
  await fsp.cp(pristine, target, { recursive: true });
  return target;
}

// eslint-disable-next-line require-yield
async function* failingRead(path: string): AsyncGenerator<Uint8Array> {
  throw new EvidenceBundleError('ERR_IO', `${path}: EIO`);
}

const trusted = (): JsonWebKey[] => [packager.publicJwk, certifier.publicJwk];
const codes = (r: VerificationReport): string[] => r.findings.map((f) => f.code);

describe('verifyBundle', () => {
  it('accepts an intact bundle signed by trusted keys, with a schema-valid report', async () => {
    const report = await verifyBundleDirectory(pristine, { trustedKeys: trusted() });
    expect(report.outcome).toBe('VALID');
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.items.map((i) => i.status)).toEqual(['intact', 'intact', 'intact', 'intact']);
    expect(report.signatures.map((s) => [s.role, s.status])).toEqual([
      ['packager', 'valid'],
      ['certifier', 'valid'],
    ]);
    expect(report.bundle?.requestingCountry).toBe('DZ');
    expect(VerificationReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('is INDETERMINATE when no signer is trusted, and says so', async () => {
    const report = await verifyBundleDirectory(pristine, { trustedKeys: [stranger.publicJwk] });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toContain('policy.no-trusted-signature');
    expect(report.signatures.every((s) => s.status === 'untrusted')).toBe(true);
  });

  it('is INDETERMINATE when the bundle is not signed at all', async () => {
    const unsigned = await packDemo(dir, { name: 'unsigned' });
    const report = await verifyBundleDirectory(unsigned, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toContain('verify.unsigned');
  });

  it('finds one altered byte of an item and names the item', async () => {
    const b = await copy();
    await flipByte(join(b, 'data', 'logs', 'access.log'), 100);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'item.digest-mismatch', item: 'access-log' }));
    expect(report.items.find((i) => i.id === 'access-log')?.status).toBe('altered');
  });

  it('catches an alteration even when the attacker recomputed every BagIt manifest', async () => {
    const b = await copy();
    await flipByte(join(b, 'data', 'chat', 'export.json'), 10);
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'item.digest-mismatch', item: 'chat-export' }));
  });

  it('rejects a manifest changed after signing, even with a consistent bag', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'manifest.json');
    const manifest = parseJson(await fsp.readFile(path)) as { case: { title: string } };
    manifest.case.title = 'Another case';
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, canonicalizeToBytes(manifest));
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(report.signatures.map((s) => s.status)).toEqual(['invalid', 'invalid']);
  });

  it('rejects a manifest that is not in canonical form', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'manifest.json');
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, JSON.stringify(parseJson(await fsp.readFile(path)), null, 2));
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('manifest.not-canonical');
  });

  it('rejects a manifest with a duplicate key', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'manifest.json');
    const text = await fsp.readFile(path, 'utf8');
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, text.replace('{', '{"bundleId":"x",'));
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('manifest.malformed-json');
  });

  // Security rules on the manifest hold even for bytes the trusted keys signed as they are: a signer cannot
  // make ambiguous, unbounded or unsafe content acceptable.
  describe('a manifest signed as it is by the trusted keys', () => {
    /** A copy whose manifest is `bytes`, signed by packager and certifier, with a bag recomputed to match. */
    async function signedAs(bytes: Uint8Array): Promise<string> {
      const b = await copy();
      const path = join(b, 'evidence', 'manifest.json');
      await fsp.chmod(path, 0o644);
      await fsp.writeFile(path, bytes);
      const signatures = [await signDetached(bytes, packager.signer, { role: 'packager' }), await signDetached(bytes, certifier.signer, { role: 'certifier' })];
      const sigPath = join(b, 'evidence', 'signatures.json');
      await fsp.chmod(sigPath, 0o644);
      await fsp.writeFile(sigPath, serializeSignatureFile({ signatures }));
      await resealBag(b);
      return b;
    }
    const manifestOf = async (): Promise<{ items: Array<{ path?: string }> } & Record<string, unknown>> =>
      parseJson(await fsp.readFile(join(pristine, 'evidence', 'manifest.json'))) as { items: Array<{ path?: string }> };

    it('is accepted when canonical (the control)', async () => {
      const report = await verifyBundleDirectory(await signedAs(canonicalizeToBytes(await manifestOf())), { trustedKeys: trusted() });
      expect(report.outcome).toBe('VALID');
    });

    it('is manifest.not-canonical when its bytes are not their RFC 8785 form', async () => {
      const report = await verifyBundleDirectory(await signedAs(utf8Encode(JSON.stringify(await manifestOf(), null, 1))), { trustedKeys: trusted() });
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain('manifest.not-canonical');
      expect(report.signatures).toEqual([]);
    });

    it('is manifest.malformed-json when nested deeper than the parser allows', async () => {
      const manifest = { ...(await manifestOf()), zz: JSON.parse('['.repeat(64) + ']'.repeat(64)) as unknown };
      const report = await verifyBundleDirectory(await signedAs(utf8Encode(canonicalize(manifest, { maxDepth: 1024 }))), { trustedKeys: trusted() });
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain('manifest.malformed-json');
      expect(codes(report)).not.toContain('manifest.schema.invalid');
    });

    it.each([
      ['collides with the first after case folding', (first: string) => first.toUpperCase()],
      ['is not NFC', () => 'chat/Nun\u0303ez.json'],
      ['has a .. segment', () => 'chat/../export.json'],
    ])('is manifest.schema.invalid when an item path %s', async (_rule, path) => {
      const manifest = await manifestOf();
      manifest.items[1]!.path = path(manifest.items[0]!.path!);
      const report = await verifyBundleDirectory(await signedAs(canonicalizeToBytes(manifest)), { trustedKeys: trusted() });
      expect(report.outcome).toBe('INVALID');
      expect(report.findings).toContainEqual(expect.objectContaining({ code: 'manifest.schema.invalid', path: 'evidence/manifest.json#/items/1/path' }));
    });
  });

  it('rejects a signature file with a duplicate key', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'signatures.json');
    const text = await fsp.readFile(path, 'utf8');
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, text.replace('{"signatures":', '{"signatures":[],"signatures":'));
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('signature.malformed');
    expect(report.signatures).toEqual([]);
  });

  it('does not read a custody log past LIMITS.custodyBytes: custody.too-large', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'custody.jsonl');
    await fsp.writeFile(path, '');
    await fsp.truncate(path, LIMITS.custodyBytes + 1);
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'custody.too-large', path: 'evidence/custody.jsonl' }));
    expect(report.custody).toEqual({ events: [], custodians: {} });
  });

  it('finds a file added to data/ and one removed from it', async () => {
    const b = await copy();
    await fsp.writeFile(join(b, 'data', 'planted.txt'), 'planted');
    await fsp.rm(join(b, 'data', 'disk', 'sdb-excerpt.img'), { force: true });
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'item.undeclared', path: 'data/planted.txt' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'item.missing', item: 'disk-excerpt' }));
  });

  it('turns a garbage signature file into a finding', async () => {
    const b = await copy();
    const path = join(b, 'evidence', 'signatures.json');
    await fsp.chmod(path, 0o644);
    await fsp.writeFile(path, '{"signatures": [{"protected": 5}]}');
    await resealBag(b);
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('signature.malformed');
  });

  it('refuses a symbolic link inside data/', async () => {
    const b = await copy();
    await fsp.symlink('/etc/passwd', join(b, 'data', 'link'));
    const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
    expect(report.outcome).toBe('INVALID');
  });

  // An I/O error is the receiver's disk or permissions, not the bundle: no verdict (not INVALID, and never
  // "absent", which would pass a bundle for unsigned), but ERR_IO, wherever the read fails.
  it.each(['evidence/manifest.json', 'evidence/signatures.json', 'manifest-sha256.txt', 'bagit.txt', 'data/logs/access.log'])(
    'throws ERR_IO when %s cannot be read, never reports it absent',
    async (path) => {
      // The bag check hashes the file through the source's digest path; then reading it fails (a failing disk).
      const inner = await openBundleDirectory(pristine);
      const failing = {
        ...inner,
        read: (p: string) => (p === path ? failingRead(p) : inner.read(p)),
        digest: (p: string, algorithms: never) => (p === path ? Promise.reject(new EvidenceBundleError('ERR_IO', `${p}: EIO`)) : inner.digest!(p, algorithms)),
      };
      await expect(verifyBundle(failing, { trustedKeys: trusted() })).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_IO'));
      const listing = { ...inner, list: () => failingRead('listing') as never };
      await expect(verifyBundle(listing, { trustedKeys: trusted() })).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_IO'));
    },
  );

  it('reports a missing directory as an error, not a finding', async () => {
    await expect(verifyBundleDirectory(join(dir, 'nope'))).rejects.toSatisfy((e) => isEvidenceBundleError(e, 'ERR_SOURCE_NOT_FOUND'));
  });

  it('assertBundle throws with the code of the outcome', async () => {
    const b = await copy();
    await flipByte(join(b, 'data', 'subscriber', 'subscriber-records.csv'), 3);
    await expect(assertBundle(await openBundleDirectory(b), { trustedKeys: trusted() })).rejects.toSatisfy((e) =>
      isEvidenceBundleError(e, 'ERR_VERIFY_INVALID'),
    );
    await expect(assertBundle(await openBundleDirectory(pristine), { trustedKeys: [] })).rejects.toSatisfy((e) =>
      isEvidenceBundleError(e, 'ERR_VERIFY_INDETERMINATE'),
    );
    await expect(assertBundle(await openBundleDirectory(pristine), { trustedKeys: trusted() })).resolves.toMatchObject({ outcome: 'VALID' });
  });

  it('createVerifier keeps its own copy of the trusted keys', async () => {
    const keys = trusted();
    const verifier = createVerifier({ trustedKeys: keys });
    keys.length = 0;
    const report = await verifier.verify(await openBundleDirectory(pristine));
    expect(report.outcome).toBe('VALID');
  });

  it('never calls a bundle VALID after any single bit flip in any file', async () => {
    const files: string[] = [];
    for (const e of await fsp.readdir(pristine, { withFileTypes: true, recursive: true })) {
      if (e.isFile()) files.push(join(e.parentPath, e.name));
    }
    const sizes = await Promise.all(files.map(async (f) => (await fsp.stat(f)).size));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: files.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 }), async (fi, pos, bit) => {
        const b = await copy();
        const rel = files[fi]!.slice(pristine.length + 1);
        const target = join(b, rel);
        const offset = Math.min(sizes[fi]! - 1, Math.floor(pos * sizes[fi]!));
        await fsp.chmod(target, 0o644);
        const bytes = await fsp.readFile(target);
        // The one flip that changes no meaning: the case of a hex digit in an (unsigned, uncovered) tag manifest,
        // where BagIt digests are compared without regard to case.
        const hexLetter = (bytes[offset]! | 0x20) >= 0x61 && (bytes[offset]! | 0x20) <= 0x66;
        if (/^tagmanifest-/.test(rel) && bit === 5 && hexLetter) {
          await fsp.rm(b, { recursive: true, force: true });
          return true;
        }
        bytes[offset] = bytes[offset]! ^ (1 << bit);
        await fsp.writeFile(target, bytes);
        const report = await verifyBundleDirectory(b, { trustedKeys: trusted() });
        await fsp.rm(b, { recursive: true, force: true });
        return report.outcome === 'INVALID';
      }),
      { numRuns: 40 },
    );
  });
});

// trustedKeys are the caller's: a key that cannot be a public signature key is misuse, thrown before any byte
// of the bundle is read (the source here would throw if it were listed), never a verify.internal-error finding.
describe('verifyBundle and createVerifier with trusted keys that are no public signature keys', () => {
  const untouchable = {
    list: () => {
      throw new Error('the bundle was read');
    },
    read: () => {
      throw new Error('the bundle was read');
    },
  } as never;

  it('throw the key error codes', async () => {
    const good = (await keyPair('ES256')).publicJwk;
    const rsa = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const cases: Array<[string, JsonWebKey[], string]> = [
      ['a symmetric key', [{ kty: 'oct', k: 'c2VjcmV0' }], 'ERR_KEY_INVALID'],
      ['a private key', [(await keyPair('EdDSA')).privateJwk], 'ERR_KEY_INVALID'],
      ['an RSA key under 2048 bits', [await crypto.subtle.exportKey('jwk', rsa.publicKey)], 'ERR_KEY_TOO_SMALL'],
      ['a good key then a bad one', [good, { kty: 'oct', k: 'AAAA' }], 'ERR_KEY_INVALID'],
      ['a curve no algorithm takes', [{ kty: 'EC', crv: 'P-521', x: good.x!, y: good.y! }], 'ERR_KEY_INVALID'],
    ];
    for (const [name, trustedKeys, code] of cases) {
      await expect(verifyBundle(untouchable, { trustedKeys }), name).rejects.toSatisfy((e) => isEvidenceBundleError(e, code as never));
      expect(() => createVerifier({ trustedKeys }), name).toThrow(expect.objectContaining({ code }));
    }
  });

  it('throw TypeError for keys that are not JWK objects', async () => {
    for (const trustedKeys of [[null], ['key'], [[]], 'keys'] as never[]) {
      await expect(verifyBundle(untouchable, { trustedKeys })).rejects.toBeInstanceOf(TypeError);
    }
  });
});
