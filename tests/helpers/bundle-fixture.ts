import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJwkSigner, generateSigningKey, type Signer } from '../../src/index.js';
import { parseJson } from '../../src/entries/encoding.js';
import { packBundle, type PackItem } from '../../src/node/index.js';
import { REPO_ROOT } from './vectors.js';

export const DEMO_DIR = join(REPO_ROOT, 'examples', 'demo');

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'evb-test-'): Promise<string> {
  return fsp.mkdtemp(join(tmpdir(), prefix));
}

/** The demo case's metadata and items (sources resolved), as the library takes them. */
export async function demoCase(): Promise<{ metadata: never; items: PackItem[] }> {
  const spec = parseJson(await fsp.readFile(join(DEMO_DIR, 'case.json'))) as {
    metadata: never;
    items: Array<Record<string, unknown> & { source: string }>;
  };
  const items = spec.items.map((i) => ({ ...i, source: join(DEMO_DIR, i.source) }) as unknown as PackItem);
  return { metadata: spec.metadata, items };
}

/** A fresh signing key as the tests use it: its signer, both JWKs and its kid (RFC 7638 thumbprint). */
export interface KeyPair {
  signer: Signer;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
  kid: string;
}

/** The one way tests make a key (so a test of trust, custody or packing signs as the library does). */
export async function keyPair(alg: 'EdDSA' | 'ES256' | 'ES384' | 'PS256' = 'EdDSA'): Promise<KeyPair> {
  const k = await generateSigningKey(alg);
  return { signer: await createJwkSigner(k.privateJwk), publicJwk: k.publicJwk, privateJwk: k.privateJwk, kid: k.kid };
}

/** Packs the demo evidence into `dir/name`, signed by the given keys as packager (and certifier). */
export async function packDemo(
  dir: string,
  options: { name?: string; packager?: KeyPair; certifier?: KeyPair; algorithms?: Array<'sha512' | 'sha3-256' | 'blake3'> } = {},
): Promise<string> {
  const { metadata, items } = await demoCase();
  const signers = [];
  if (options.packager) signers.push({ signer: options.packager.signer, role: 'packager' });
  if (options.certifier) signers.push({ signer: options.certifier.signer, role: 'certifier' });
  const { path } = await packBundle(join(dir, options.name ?? 'bundle'), {
    metadata,
    items,
    signers,
    algorithms: options.algorithms ?? [],
    createdAt: new Date('2026-10-06T09:00:00Z'),
  });
  return path;
}

/** Flips one bit of a file inside a bundle (files in data/ are read-only; this is the attacker). */
export async function flipByte(file: string, offset = 0): Promise<void> {
  await fsp.chmod(file, 0o644);
  const bytes = await fsp.readFile(file);
  bytes[offset] = bytes[offset]! ^ 0x01;
  await fsp.writeFile(file, bytes);
}

/**
 * The attacker who knows BagIt: recomputes every payload and tag manifest of a bundle after tampering, so that
 * the bag alone looks consistent. Only the signed manifest can then reveal the change. Written independently
 * of the library (node:crypto and the plain BagIt line format).
 */
export async function resealBag(dir: string): Promise<void> {
  const { createHash } = await import('node:crypto');
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fsp.readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else files.push(p);
    }
  };
  await walk('');
  const names = await fsp.readdir(dir);
  const algs = names.filter((n) => /^manifest-.+\.txt$/.test(n)).map((n) => n.slice(9, -4));
  const nodeAlg = (a: string): string => a;
  const digest = async (p: string, a: string): Promise<string> => createHash(nodeAlg(a)).update(await fsp.readFile(join(dir, p))).digest('hex');
  const payload = files.filter((f) => f.startsWith('data/')).sort();
  let bytes = 0;
  for (const f of payload) bytes += (await fsp.stat(join(dir, f))).size;
  for (const a of algs) {
    const lines = await Promise.all(payload.map(async (f) => `${await digest(f, a)}  ${f}\n`));
    await fsp.writeFile(join(dir, `manifest-${a}.txt`), lines.join(''));
  }
  const info = (await fsp.readFile(join(dir, 'bag-info.txt'), 'utf8')).replace(/^Payload-Oxum: .*$/m, `Payload-Oxum: ${bytes}.${payload.length}`);
  await fsp.writeFile(join(dir, 'bag-info.txt'), info);
  const tagAlgs = names.filter((n) => /^tagmanifest-.+\.txt$/.test(n)).map((n) => n.slice(12, -4));
  const tags = files.filter((f) => !f.startsWith('data/') && !f.startsWith('tagmanifest-')).sort();
  for (const a of tagAlgs) {
    const lines = await Promise.all(tags.map(async (f) => `${await digest(f, a)}  ${f}\n`));
    await fsp.writeFile(join(dir, `tagmanifest-${a}.txt`), lines.join(''));
  }
}
