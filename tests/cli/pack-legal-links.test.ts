import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { toHex } from '../../src/internal/bytes.js';
import type { Manifest } from '../../src/index.js';
import { DEMO_DIR, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
let spec: string;
async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTTY: false, cwd: dir });
  return { code, out, err };
}
const manifestOf = async (bundle: string): Promise<Manifest> => JSON.parse(await fsp.readFile(join(dir, bundle, 'evidence', 'manifest.json'), 'utf8')) as Manifest;
let count = 0;
const pack = (...args: string[]) => evb('pack', '--spec', spec, '--out', `b${++count}`, '--quiet', ...args);

beforeAll(async () => {
  dir = await tempDir('evb-pack-links-');
  spec = join(DEMO_DIR, 'case.json');
});

describe('evb pack --request-id and --related', () => {
  it.each([
    ['--request-id without a colon', ['--request-id', 'DZ-MLA-2026-114'], 64],
    ['--request-id with an empty value', ['--request-id', 'eu-epoc:'], 64],
    ['--request-id with an empty scheme', ['--request-id', ':123'], 64],
    ['--related with an unknown relation', ['--related', 'replaces=elsewhere'], 64],
    ['--related without a relation', ['--related', 'elsewhere'], 64],
  ])('%s: a usage error, nothing written', async (_name, args, code) => {
    const r = await pack(...(args as string[]));
    expect(r.code).toBe(code);
    expect(existsSync(join(dir, `b${count}`))).toBe(false);
  });

  it.each([
    ['an unknown scheme', ['--request-id', 'epoc:EPOC-1']],
    ['an upper-case private scheme', ['--request-id', 'x-Police:1']],
    ['the same identifier twice', ['--request-id', 'eu-epoc:E-1', '--request-id', 'eu-epoc:E-1']],
    ['a related id that is not a lower-case UUID', ['--related', `supplements=0192B7C4-6F00-7000-8000-000000000001@sha256:${'0'.repeat(64)}`]],
  ])('%s: refused by the manifest schema (writers never write what readers refuse), nothing written', async (_name, args) => {
    const r = await pack(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(existsSync(join(dir, `b${count}`))).toBe(false);
  });

  it('a related bundle that cannot be read is an error, nothing written', async () => {
    const r = await pack('--related', 'supplements=no-such-bundle');
    expect(r.code).not.toBe(0);
    expect(existsSync(join(dir, `b${count}`))).toBe(false);
  });

  it('without them the manifest is format 1.0; with them 1.1, the identifiers after the spec\'s own, a colon kept in a value', async () => {
    expect((await pack()).code).toBe(0);
    const plain = await manifestOf(`b${count}`);
    expect(plain.formatVersion).toBe('1.0');
    expect(plain.legalBasis.request.identifiers).toBeUndefined();

    const r = await pack('--request-id', 'mla-reference:DZ-MLA-2026-114', '--request-id', 'etsi-ldid:DZ-ACME:000017', '--request-id', 'x-dz.court:2026/88');
    expect(r.code, r.err).toBe(0);
    const m = await manifestOf(`b${count}`);
    expect(m.formatVersion).toBe('1.1');
    expect(m.legalBasis.request.identifiers).toEqual([
      { scheme: 'mla-reference', value: 'DZ-MLA-2026-114' },
      { scheme: 'etsi-ldid', value: 'DZ-ACME:000017' },
      { scheme: 'x-dz.court', value: '2026/88' },
    ]);
  });

  it('--related BUNDLE links an existing bundle by its id and the SHA-256 of its manifest bytes; ID@sha256:HEX as given', async () => {
    expect((await pack()).code).toBe(0);
    const first = `b${count}`;
    const firstBytes = await fsp.readFile(join(dir, first, 'evidence', 'manifest.json'));
    const firstId = (await manifestOf(first)).bundleId;
    const given = `0192b7c4-6f00-7000-8000-0000000000aa@sha256:${'ab'.repeat(32)}`;
    const r = await pack('--related', `follows-preservation=${first}`, '--related', `supplements=${given}`);
    expect(r.code, r.err).toBe(0);
    const m = await manifestOf(`b${count}`);
    expect(m.formatVersion).toBe('1.1');
    expect(m.relatedBundles).toEqual([
      { relation: 'follows-preservation', bundleId: firstId, manifestDigest: `sha256:${toHex(sha256(new Uint8Array(firstBytes)))}` },
      { relation: 'supplements', bundleId: '0192b7c4-6f00-7000-8000-0000000000aa', manifestDigest: `sha256:${'ab'.repeat(32)}` },
    ]);
    const verified = await evb('verify', `b${count}`, '--json', '--quiet');
    expect(JSON.parse(verified.out).findings.map((f: { code: string }) => f.code)).not.toContain('manifest.schema.invalid');
  });
});

describe('evb inspect shows them', () => {
  it('lists the request identifiers and related bundles, escaped', async () => {
    expect((await pack()).code).toBe(0);
    const first = `b${count}`;
    expect((await pack('--request-id', 'eu-epoc:EPOC-DE-2026-1', '--related', `supplements=${first}`)).code).toBe(0);
    const shown = await evb('inspect', `b${count}`);
    expect(shown.out).toContain('eu-epoc EPOC-DE-2026-1');
    expect(shown.out).toMatch(/Related: +supplements [0-9a-f-]{36} \(sha256:[0-9a-f]{64}\)/);
  });
});
