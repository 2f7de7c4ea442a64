import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custody } from '../../src/cli/commands/custody.js';
import { inspect } from '../../src/cli/commands/inspect.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { CliIO } from '../../src/cli/io.js';
import { keyPair, tempDir } from '../helpers/bundle-fixture.js';
import { handMadeBundle } from './hand-made-bundle.js';

let root: string;
const out: string[] = [];
const io = (): CliIO => ({ stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), stderrIsTTY: false, cwd: root });
const run = async (args: string[], values: Record<string, unknown>): Promise<{ code: number; text: string }> => {
  out.length = 0;
  const code = await custody.run(values, args, io());
  return { code, text: out.join('') };
};

const people: Record<string, { key: string; pub: string; kid: string }> = {};
beforeAll(async () => {
  root = await tempDir('evb-custody-cli-');
  for (const [name, country] of [['alice', 'FR'], ['bob', 'DE']] as const) {
    const { privateJwk, publicJwk, kid } = await keyPair('EdDSA');
    await fsp.writeFile(join(root, `${name}.jwk`), JSON.stringify(privateJwk));
    await fsp.writeFile(join(root, `${name}.pub.jwk`), JSON.stringify(publicJwk));
    await fsp.writeFile(join(root, `${name}.json`), JSON.stringify({ name, role: 'investigator', organisation: `${name} agency`, country }));
    await fsp.writeFile(join(root, `${name}.party.json`), JSON.stringify({ name, organisation: `${name} agency`, country, kid }));
    people[name] = { key: `${name}.jwk`, pub: `${name}.pub.jwk`, kid };
  }
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

describe('evb custody', () => {
  it('records a handover and shows the timeline, VALID with both keys trusted', async () => {
    const bundle = await handMadeBundle(join(root, 'b1'));
    const common = { place: 'Lyon', purpose: 'MLA request 42' };
    expect((await run(['append', bundle, 'acquired'], { key: people['alice']!.key, actor: 'alice.json', items: 'disk', ...common })).code).toBe(EXIT.VALID);
    expect((await run(['append', bundle, 'sealed'], { key: people['alice']!.key, actor: 'alice.json', seal: ['FR-7:applied'], ...common })).code).toBe(EXIT.VALID);
    const t = await run(['transfer', bundle], { key: people['alice']!.key, actor: 'alice.json', to: 'bob.party.json', items: 'disk', ...common });
    expect(t.text).toContain('custody event 3 (transferred)');
    const r = await run(['receive', bundle], { key: people['bob']!.key, actor: 'bob.json', seal: ['FR-7:intact'], place: 'Wiesbaden', purpose: 'MLA request 42' });
    expect(r.text).toContain('custody event 4 (received)');

    const log = await run(['log', bundle], { trust: [people['alice']!.pub, people['bob']!.pub] });
    expect(log.code).toBe(EXIT.VALID);
    expect(log.text).toContain('#4 [VALID]');
    expect(log.text).toContain(`disk: ${people['bob']!.kid}`);

    const json = await run(['log', bundle], { trust: [people['alice']!.pub], json: true });
    expect(json.code).toBe(EXIT.INDETERMINATE);
    const check = JSON.parse(json.text) as { events: Array<{ status: string }>; findings: Array<{ code: string }> };
    expect(check.events.map((e) => e.status)).toEqual(['valid', 'valid', 'valid', 'untrusted']);
    expect(check.findings.map((f) => f.code)).toEqual(['custody.signer.unknown']);

    // evb inspect shows the same timeline, the chain checked, the signers not.
    out.length = 0;
    await inspect.run({}, [bundle], io());
    const shown = out.join('');
    expect(shown).toContain('Custody (4 events; chain intact; signers not verified)');
    expect(shown).toMatch(/#3 \S+ {2}transferred to bob \(bob agency, DE\)/);
    expect(shown).toMatch(/#4 \S+ {2}received from alice/);
  });

  it('fails the log with the exact finding when an event was removed', async () => {
    const bundle = await handMadeBundle(join(root, 'b2'));
    for (const type of ['acquired', 'accessed', 'analysed']) {
      await run(['append', bundle, type], { key: people['alice']!.key, actor: 'alice.json', place: 'Lyon', purpose: 'x' });
    }
    const file = join(bundle, 'evidence', 'custody.jsonl');
    const lines = (await fsp.readFile(file, 'utf8')).split('\n');
    await fsp.writeFile(file, [lines[0], lines[2], ''].join('\n'));
    const log = await run(['log', bundle], { trust: [people['alice']!.pub], json: true });
    expect(log.code).toBe(EXIT.INVALID);
    expect((JSON.parse(log.text) as { findings: Array<{ code: string; custody: number }> }).findings).toMatchObject([
      { code: 'custody.sequence.removed', custody: 3 },
    ]);
    out.length = 0;
    await inspect.run({}, [bundle], io());
    expect(out.join('')).toContain('1 problem(s) in the chain');
  });

  it('refuses a receipt when no transfer awaits the receiver, and bad usage', async () => {
    const bundle = await handMadeBundle(join(root, 'b3'));
    await expect(run(['receive', bundle], { key: people['bob']!.key, actor: 'bob.json', place: 'x', purpose: 'y' })).rejects.toMatchObject({
      code: 'ERR_CUSTODY_INVALID',
    });
    await expect(run(['frobnicate', bundle], {})).rejects.toMatchObject({ name: 'UsageError' });
    await expect(run(['append', bundle, 'eaten'], { key: people['bob']!.key })).rejects.toMatchObject({ name: 'UsageError' });
    await expect(run(['append', bundle, 'accessed'], { key: people['bob']!.key, place: 'x', purpose: 'y' })).rejects.toMatchObject({ name: 'UsageError' });
  });
});
