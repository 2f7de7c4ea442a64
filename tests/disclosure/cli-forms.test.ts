// evb pack --selective-disclosure, redact, prove and verify-proof in every form (directory, ZIP, CBOR), and the
// leak test: nothing of a withheld item but what the format says (its id and its leaf hash) is left anywhere in
// the derived bundle, in any byte of the container or of any file in it.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { openBundle } from '../../src/node/index.js';
import { DEMO_DIR, tempDir } from '../helpers/bundle-fixture.js';

let dir: string;

async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, cwd: dir };
  const code = await main(args, io);
  return { code, out, err };
}

const ACTOR = ['--name', 'Le Thi C', '--role', 'custodian', '--organisation', 'Supreme People\'s Procuracy', '--country', 'VN'];

beforeAll(async () => {
  dir = await tempDir('evb-disclose-forms-');
  expect((await evb('keygen', '--out', 'vn.jwk')).code).toBe(0);
  expect((await evb('pack', '--spec', join(DEMO_DIR, 'case.json'), '--out', 'case', '--selective-disclosure', '--sign', 'packager=vn.jwk', '--quiet')).code).toBe(0);
  const acquired = await evb('custody', 'append', 'case', 'acquired', '--key', 'vn.jwk', ...ACTOR, '--place', 'Hanoi', '--purpose', 'production order');
  expect(acquired.err).toBe('');
  expect((await evb('convert', 'case', 'case.zip')).code).toBe(0);
  expect((await evb('convert', 'case', 'case.cbor')).code).toBe(0);
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Every byte of a bundle of any form: the container's own bytes, every file's path and bytes. */
async function allBytes(path: string): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  const stat = await fsp.stat(path);
  if (stat.isFile()) parts.push(await fsp.readFile(path));
  const opened = await openBundle(path);
  try {
    for await (const entry of opened.source.list()) {
      parts.push(Buffer.from(entry.path));
      if (entry.kind !== 'file') continue;
      const chunks: Buffer[] = [];
      for await (const c of opened.source.read(entry.path)) chunks.push(Buffer.from(c));
      parts.push(Buffer.concat(chunks));
    }
  } finally {
    await opened.close();
  }
  return parts;
}

/** The strings of a withheld item that nothing else in the bundle says: what must not leak. */
async function secretsOf(bundle: string, id: string): Promise<string[]> {
  const disclosures = JSON.parse(await fsp.readFile(join(bundle, 'evidence/disclosures.json'), 'utf8')) as { leaves: Array<{ item: any; salt: string }> };
  const leaf = disclosures.leaves.find((l) => l.item.id === id)!;
  const strings: string[] = [leaf.salt];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (typeof v === 'number') strings.push(String(v));
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk({ ...leaf.item, id: undefined });
  // What the rest of the bundle says anyway (the case, the other items, an actor id) is no secret of this item.
  const others = JSON.stringify(disclosures.leaves.filter((l) => l !== leaf)) + (await fsp.readFile(join(bundle, 'evidence/manifest.json'), 'utf8'));
  return [...new Set(strings)].filter((s) => s.length >= 4 && !others.includes(s) && !/^\d+$/.test(s));
}

describe('selective disclosure in every form', () => {
  it('redact from and to every form: VALID, the withheld item listed, and nothing of it left in any byte', async () => {
    const secrets = await secretsOf(join(dir, 'case'), 'subscriber-records');
    // The description (both languages), the path, the source, the method, the digest and the salt at least.
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(secrets).toContain('subscriber/subscriber-records.csv');
    const inputs = ['case', 'case.zip', 'case.cbor'];
    const outputs = ['out-dir', 'out.zip', 'out.cbor'];
    for (const input of inputs) {
      for (const output of outputs) {
        const target = `${input}-${output}`;
        const r = await evb('redact', input, '--withhold', 'subscriber-records', '--reason', 'data of a third party outside the request', '--legal-basis', 'Law on Mutual Legal Assistance 2007, Article 21', '--out', target, '--key', 'vn.jwk', ...ACTOR, '--place', 'Hanoi');
        expect(r.err, target).toBe('');
        expect(r.code, target).toBe(0);
        const verified = await evb('verify', '--trust', 'vn.pub.jwk', '--json', '--quiet', target);
        const report = JSON.parse(verified.out);
        expect(report.findings, target).toEqual([]);
        expect(report.outcome, target).toBe('VALID');
        expect(report.items.find((i: { id: string }) => i.id === 'subscriber-records'), target).toMatchObject({
          status: 'withheld',
          withheld: { reason: 'data of a third party outside the request', by: 'Le Thi C (custodian, Supreme People\'s Procuracy, VN)' },
        });
        const haystack = Buffer.concat(await allBytes(join(dir, target)));
        for (const secret of secrets) expect(haystack.includes(Buffer.from(secret)), `${target} leaks ${secret}`).toBe(false);
        // The leak test can fail: the original holds every secret.
        const original = Buffer.concat(await allBytes(join(dir, input)));
        for (const secret of secrets) expect(original.includes(Buffer.from(secret)), `${input} holds ${secret}`).toBe(true);
      }
    }
  });

  it('prove and verify-proof from every form; a stranger\'s key gives exit 2', async () => {
    expect((await evb('keygen', '--out', 'stranger.jwk')).code).toBe(0);
    for (const input of ['case', 'case.zip', 'case.cbor', 'case-out.zip']) {
      const proof = `${input}.chat.proof.json`;
      const made = await evb('prove', input, '--item', 'chat-export', '--out', proof);
      expect(made.err, input).toBe('');
      const verified = await evb('verify-proof', proof, '--trust', 'vn.pub.jwk');
      expect(verified.code, input).toBe(0);
      expect(verified.out).toMatch(/Outcome: VALID/);
      expect((await evb('verify-proof', proof, '--trust', 'stranger.pub.jwk')).code).toBe(2);
    }
    expect((await evb('prove', 'case-out.zip', '--item', 'subscriber-records', '--out', 'withheld.proof.json')).code).toBe(65);
    // Keys come from the receiver, never from the proof: without --trust or --policy there is nothing to verify
    // against (a usage error, not a verdict), and a policy with keys besides is refused too.
    const proof = 'case.chat.proof.json';
    const none = await evb('verify-proof', proof);
    expect(none.code).toBe(64);
    expect(none.err).toMatch(/give --policy or --trust/);
    await fsp.writeFile(join(dir, 'any-policy.json'), '{}');
    const both = await evb('verify-proof', proof, '--trust', 'vn.pub.jwk', '--policy', 'any-policy.json');
    expect(both.code).toBe(64);
    expect(both.err).toMatch(/not both/);
    expect((await evb('verify', 'case.zip', '--trust', 'vn.pub.jwk', '--policy', 'any-policy.json')).code).toBe(64);
  });

  it('inspect shows the items of a 1.2 bundle from its disclosures, a withheld one by id only', async () => {
    const whole = JSON.parse((await evb('inspect', '--json', 'case.zip')).out);
    expect(whole.manifest.items.map((i: { id: string }) => i.id)).toEqual(['chat-export', 'access-log', 'disk-excerpt', 'subscriber-records']);
    const derived = JSON.parse((await evb('inspect', '--json', 'case-out.zip')).out);
    expect(derived.findings).toEqual([]);
    const withheld = derived.manifest.items.find((i: { id: string }) => i.id === 'subscriber-records');
    expect(withheld.path).toBeUndefined();
    expect(withheld.description).toBeUndefined();
  });

  it('refuses a redaction by a key without custody (exit 65, nothing written)', async () => {
    const r = await evb('redact', 'case', '--withhold', 'chat-export', '--reason', 'x', '--out', 'by-stranger', '--key', 'stranger.jwk', ...ACTOR, '--place', 'Hanoi');
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/ERR_CUSTODY_RULE/);
    await expect(fsp.access(join(dir, 'by-stranger'))).rejects.toThrow();
  });
});
