import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let dir: string;
async function evb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTTY: false, cwd: dir });
  return { code, out, err };
}
const policy = async () => parseTrustPolicy(JSON.parse(await fsp.readFile(join(dir, 'p.json'), 'utf8')));

beforeAll(async () => {
  dir = await tempDir('evb-trust-legal-');
  expect((await evb('trust', 'init', '--out', 'p.json', '--name', 'DZ intake', '--country', 'DZ')).code).toBe(0);
});

describe('evb trust legal', () => {
  it.each([
    ['no rule at all', []],
    ['a retention that is not a positive integer', ['--max-retention-days', '0']],
    ['a retention with a fraction', ['--max-retention-days', '1.5']],
    ['a speciality that is not true or false', ['--speciality', 'yes']],
  ])('%s: a usage error, the policy unchanged', async (_name, args) => {
    const before = await fsp.readFile(join(dir, 'p.json'), 'utf8');
    expect((await evb('trust', 'legal', 'p.json', ...args)).code).toBe(64);
    expect(await fsp.readFile(join(dir, 'p.json'), 'utf8')).toBe(before);
  });

  it.each([
    ['an unknown instrument', ['--instrument', 'hague-convention']],
    ['an unknown request kind', ['--request-kind', 'letter']],
    ['a requesting country other than owner', ['--requesting-country', 'DZ']],
    ['conditions other than refused', ['--conditions', 'allowed']],
  ])('%s: refused by the policy schema, the policy unchanged', async (_name, args) => {
    const before = await fsp.readFile(join(dir, 'p.json'), 'utf8');
    const r = await evb('trust', 'legal', 'p.json', ...args);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('ERR_POLICY_INVALID');
    expect(await fsp.readFile(join(dir, 'p.json'), 'utf8')).toBe(before);
  });

  it('sets every rule, replaces them on the next call, and shows them', async () => {
    const all = ['--instrument', 'un-cybercrime-convention', '--instrument', 'budapest-convention', '--request-kind', 'mla-request', '--requesting-country', 'owner', '--max-retention-days', '3650', '--speciality', 'true', '--conditions', 'refused'];
    expect((await evb('trust', 'legal', 'p.json', ...all)).code).toBe(0);
    expect((await policy()).legal).toEqual({
      instruments: ['un-cybercrime-convention', 'budapest-convention'],
      requestKinds: ['mla-request'],
      requestingCountry: 'owner',
      maxRetentionDays: 3650,
      useRestrictions: { speciality: true, conditions: 'refused' },
    });
    const shown = await evb('trust', 'show', 'p.json');
    expect(shown.out).toContain('the request must be of DZ');
    expect(shown.out).toContain('retention at most 3650 days');
    expect((await evb('trust', 'legal', 'p.json', '--max-retention-days', '30')).code).toBe(0);
    expect((await policy()).legal).toEqual({ maxRetentionDays: 30 });
  });
});
