import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import type { Command } from '../../src/cli/commands/command.js';
import { trust } from '../../src/cli/commands/trust.js';
import { isEvidenceBundleError } from '../../src/errors.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import { tempDir } from '../helpers/bundle-fixture.js';
import { REPO_ROOT } from '../helpers/vectors.js';

let dir: string;
const EXAMPLE = JSON.parse(await fsp.readFile(join(REPO_ROOT, 'examples', 'policy', 'algeria-receiving-policy.json'), 'utf8')) as {
  authorities: Array<{ keys?: JsonWebKey[]; x509Anchors?: string[] }>;
  timestampAuthorities: Array<{ anchors: string[] }>;
};

// The command is registered in src/cli/commands/index.ts by the CLI's owner; it is run here as main() runs it.
async function run(command: Command, ...args: string[]): Promise<{ code: number | string; out: string }> {
  let out = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: () => {}, stderrIsTTY: false, cwd: dir };
  try {
    const { values, positionals } = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
    return { code: await command.run(values as Record<string, unknown>, positionals, io), out };
  } catch (error) {
    if (error instanceof UsageError) return { code: 'usage', out };
    if (isEvidenceBundleError(error)) return { code: error.code, out };
    throw error;
  }
}

async function readPolicy(name: string) {
  return parseTrustPolicy(JSON.parse(await fsp.readFile(join(dir, name), 'utf8')));
}

beforeAll(async () => {
  dir = await tempDir('evb-trust-');
  await fsp.writeFile(join(dir, 'forensics.pub.jwk'), JSON.stringify(EXAMPLE.authorities[0]!.keys![0]));
  await fsp.writeFile(join(dir, 'central.jwks'), JSON.stringify({ keys: EXAMPLE.authorities[1]!.keys }));
  await fsp.writeFile(join(dir, 'vn-root.pem'), EXAMPLE.authorities[1]!.x509Anchors![0]!);
  await fsp.writeFile(join(dir, 'tsa-root.pem'), EXAMPLE.timestampAuthorities[0]!.anchors[0]!);
  const der = Buffer.from(EXAMPLE.authorities[1]!.x509Anchors![0]!.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  await fsp.writeFile(join(dir, 'vn-root.der'), der);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('evb trust', () => {
  it('creates a policy, adds authorities from a JWK, a JWKS and certificates, adds a TSA, and shows it', async () => {
    expect((await run(trust, 'init', '--out', 'p.json', '--name', 'Incoming evidence', '--country', 'DZ', '--authority', 'Central authority')).code).toBe(0);
    expect((await readPolicy('p.json')).authorities).toEqual([]);

    const add = await run(trust, 'add', 'p.json', '--id', 'vn-forensics', '--name', 'Forensic department', '--country', 'VN', '--role', 'packager', '--role', 'custodian', '--jwk', 'forensics.pub.jwk');
    expect(add.code).toBe(0);
    expect((await run(trust, 'add', 'p.json', '--id', 'vn-central', '--name', 'Central authority', '--country', 'VN', '--role', 'certifier', '--jwks', 'central.jwks', '--cert', 'vn-root.pem', '--cert', 'vn-root.der', '--valid-from', '2026-01-01T00:00:00Z')).code).toBe(0);
    expect((await run(trust, 'tsa', 'p.json', '--id', 'tsa', '--name', 'National TSA', '--cert', 'tsa-root.pem')).code).toBe(0);

    const policy = await readPolicy('p.json');
    expect(policy.owner).toEqual({ country: 'DZ', authority: 'Central authority' });
    expect(policy.authorities.map((a) => [a.id, a.roles])).toEqual([
      ['vn-forensics', ['packager', 'custodian']],
      ['vn-central', ['certifier']],
    ]);
    const central = policy.authorities[1]!;
    expect(central.keys).toHaveLength(1);
    // The PEM and the DER file are the same certificate: both become the same PEM anchor.
    expect(central.x509Anchors).toHaveLength(2);
    expect(central.x509Anchors![1]).toBe(central.x509Anchors![0]);
    expect(central.validFrom).toBe('2026-01-01T00:00:00Z');
    expect(policy.timestampAuthorities.map((t) => t.id)).toEqual(['tsa']);

    const show = await run(trust, 'show', 'p.json');
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/vn-central: Central authority \(VN\), roles certifier/);
    expect(show.out).toMatch(/key [A-Za-z0-9_-]{43} \(OKP Ed25519\)/);
    expect(show.out).toMatch(/tsa: National TSA/);
    // No temporary file is left beside the policy.
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('adds a TSA with intermediates and a period of acceptance, and refuses a reversed period', async () => {
    await run(trust, 'init', '--out', 't.json', '--name', 't', '--country', 'DZ');
    // The example's certificate stands in for an intermediate: the policy only stores it.
    const added = await run(trust, 'tsa', 't.json', '--id', 'tsa', '--name', 'TSA', '--cert', 'tsa-root.pem', '--intermediate', 'vn-root.pem', '--valid-from', '2026-01-01T00:00:00Z', '--valid-until', '2031-01-01T00:00:00Z');
    expect(added.code).toBe(0);
    const tsa = (await readPolicy('t.json')).timestampAuthorities[0]!;
    expect(tsa).toMatchObject({ id: 'tsa', validFrom: '2026-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z' });
    expect(tsa.intermediates).toHaveLength(1);
    expect((await run(trust, 'show', 't.json')).out).toMatch(/tsa: TSA, 1 anchor\(s\), 1 intermediate\(s\), tokens from 2026-01-01T00:00:00Z until 2031-01-01T00:00:00Z/);
    const before = await fsp.readFile(join(dir, 't.json'), 'utf8');
    expect((await run(trust, 'tsa', 't.json', '--id', 'tsa2', '--name', 'TSA', '--cert', 'tsa-root.pem', '--valid-from', '2031-01-01T00:00:00Z', '--valid-until', '2026-01-01T00:00:00Z')).code).toBe('ERR_POLICY_INVALID');
    expect(await fsp.readFile(join(dir, 't.json'), 'utf8')).toBe(before);
  });

  it('never overwrites a policy with init', async () => {
    await fsp.writeFile(join(dir, 'existing.json'), '{}');
    expect((await run(trust, 'init', '--out', 'existing.json', '--name', 'x', '--country', 'DZ')).code).toBe('ERR_TARGET_EXISTS');
  });

  it('leaves the policy unchanged when an addition is refused', async () => {
    await run(trust, 'init', '--out', 'q.json', '--name', 'q', '--country', 'DZ');
    const before = await fsp.readFile(join(dir, 'q.json'), 'utf8');
    expect((await run(trust, 'add', 'q.json', '--id', 'x', '--name', 'X', '--country', 'vn', '--role', 'packager', '--jwk', 'forensics.pub.jwk')).code).toBe('ERR_POLICY_INVALID');
    expect((await run(trust, 'add', 'q.json', '--id', 'x', '--name', 'X', '--country', 'VN', '--role', 'judge', '--jwk', 'forensics.pub.jwk')).code).toBe('ERR_POLICY_INVALID');
    await run(trust, 'add', 'q.json', '--id', 'x', '--name', 'X', '--country', 'VN', '--role', 'packager', '--jwk', 'forensics.pub.jwk');
    const once = await fsp.readFile(join(dir, 'q.json'), 'utf8');
    expect(once).not.toBe(before);
    expect((await run(trust, 'add', 'q.json', '--id', 'x', '--name', 'Again', '--country', 'VN', '--role', 'packager', '--jwk', 'forensics.pub.jwk')).code).toBe('ERR_POLICY_INVALID');
    expect(await fsp.readFile(join(dir, 'q.json'), 'utf8')).toBe(once);
  });

  it('refuses a private key', async () => {
    await run(trust, 'init', '--out', 'r.json', '--name', 'r', '--country', 'DZ');
    await fsp.writeFile(join(dir, 'private.jwk'), JSON.stringify({ ...EXAMPLE.authorities[0]!.keys![0], d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' }));
    expect((await run(trust, 'add', 'r.json', '--id', 'x', '--name', 'X', '--country', 'VN', '--role', 'packager', '--jwk', 'private.jwk')).code).toBe('ERR_POLICY_INVALID');
  });

  it('answers misuse as a usage error', async () => {
    expect((await run(trust)).code).toBe('usage');
    expect((await run(trust, 'frobnicate')).code).toBe('usage');
    expect((await run(trust, 'init', '--name', 'x', '--country', 'DZ')).code).toBe('usage');
    expect((await run(trust, 'add', 'p.json', '--id', 'y', '--name', 'Y', '--country', 'VN', '--jwk', 'forensics.pub.jwk')).code).toBe('usage');
    expect((await run(trust, 'add', 'p.json', '--id', 'y', '--name', 'Y', '--country', 'VN', '--role', 'packager')).code).toBe('usage');
    expect((await run(trust, 'show')).code).toBe('usage');
  });

  it('requires the log to end in the owner\'s custody or a listed authority\'s, refusing what names no authority', async () => {
    await run(trust, 'init', '--out', 'c.json', '--name', 'c', '--country', 'DZ');
    await run(trust, 'add', 'c.json', '--id', 'dz-central', '--name', 'Central', '--country', 'DZ', '--role', 'custodian', '--jwk', 'forensics.pub.jwk');
    const before = await fsp.readFile(join(dir, 'c.json'), 'utf8');
    expect((await run(trust, 'custody', 'c.json', '--final-custody', 'nobody')).code).toBe('ERR_POLICY_INVALID');
    expect((await run(trust, 'custody', 'c.json', '--final-custody', 'owner', '--final-custody', 'dz-central')).code).toBe('usage');
    expect((await run(trust, 'custody', 'c.json')).code).toBe('usage');
    expect(await fsp.readFile(join(dir, 'c.json'), 'utf8')).toBe(before);

    expect((await run(trust, 'custody', 'c.json', '--final-custody', 'owner')).code).toBe(0);
    expect((await readPolicy('c.json')).custody).toEqual({ requireFinalCustody: 'owner' });
    expect((await run(trust, 'show', 'c.json')).out).toMatch(/Final custody: an authority of DZ/);
    expect((await run(trust, 'custody', 'c.json', '--final-custody', 'dz-central')).code).toBe(0);
    expect((await readPolicy('c.json')).custody).toEqual({ requireFinalCustody: ['dz-central'] });
    expect((await run(trust, 'show', 'c.json')).out).toMatch(/Final custody: dz-central/);
  });

  it('reports a missing policy file as not found', async () => {
    expect((await run(trust, 'show', 'nope.json')).code).toBe('ERR_SOURCE_NOT_FOUND');
  });
});
