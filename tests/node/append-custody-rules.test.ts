// appendCustodyEvent writes nothing the verifier's custody rules would flag: the log is append-only, so a wrong
// event would make it invalid for good.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTODY_FILE } from '../../src/model/layout.js';
import { createJwkSigner, generateSigningKey, isEvidenceBundleError, type Signer } from '../../src/index.js';
import { appendCustodyEvent } from '../../src/node/append-custody-event.js';
import { handMadeBundle } from '../custody/hand-made-bundle.js';
import { tempDir } from '../helpers/bundle-fixture.js';

let root: string;
let alice: Signer;
let bob: Signer;
let carol: Signer;
const person = (name: string) => ({ name, role: 'investigator', organisation: `${name} agency`, country: 'FR' as const });
const party = (name: string, s: Signer) => ({ name, organisation: `${name} agency`, country: 'FR' as const, kid: s.kid });
const common = { place: 'Lyon', purpose: 'handover' };

beforeAll(async () => {
  root = await tempDir('evb-custody-rules-');
  const signer = async () => createJwkSigner((await generateSigningKey('EdDSA')).privateJwk);
  [alice, bob, carol] = await Promise.all([signer(), signer(), signer()]);
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isEvidenceBundleError(error) ? error.code : String(error);
  }
}
const log = (dir: string) => fsp.readFile(join(dir, CUSTODY_FILE)).catch(() => Buffer.alloc(0));
const tagmanifest = (dir: string) => fsp.readFile(join(dir, 'tagmanifest-sha256.txt'));

describe('appendCustodyEvent', () => {
  it('refuses a transfer, a return and a destruction by someone who is not the custodian; the bundle is unchanged', async () => {
    const dir = await handMadeBundle(join(root, 'not-custodian'));
    await appendCustodyEvent(dir, { type: 'acquired', actor: person('Alice'), items: 'all', ...common }, alice);
    const before = [await log(dir), await tagmanifest(dir)];
    const attempts = [
      { type: 'transferred', actor: person('Carol'), items: 'all', counterparty: party('Bob', bob), ...common },
      { type: 'returned', actor: person('Carol'), items: ['disk'], counterparty: party('Bob', bob), ...common },
      { type: 'destroyed', actor: person('Carol'), items: 'all', ...common },
    ] as const;
    for (const input of attempts) {
      const error = await appendCustodyEvent(dir, input as never, carol).catch((e: unknown) => e);
      expect(isEvidenceBundleError(error, 'ERR_CUSTODY_RULE'), String(error)).toBe(true);
      expect((error as Error).message).toContain('custody.handover.not-custodian');
    }
    expect([await log(dir), await tagmanifest(dir)]).toEqual(before);
  });

  it('refuses a receipt that answers nothing, and items the bundle does not have', async () => {
    const dir = await handMadeBundle(join(root, 'receipt'));
    await appendCustodyEvent(dir, { type: 'acquired', actor: person('Alice'), items: 'all', ...common }, alice);
    expect(await codeOf(appendCustodyEvent(dir, { type: 'received', actor: person('Bob'), items: 'all', answers: 1, counterparty: party('Alice', alice), ...common } as never, bob))).toBe('ERR_CUSTODY_RULE');
    expect(await codeOf(appendCustodyEvent(dir, { type: 'accessed', actor: person('Alice'), items: ['laptop'], ...common }, alice))).toBe('ERR_CUSTODY_RULE');
  });

  it('records a handover made by the custodian and answered by the receiver', async () => {
    const dir = await handMadeBundle(join(root, 'handover'));
    await appendCustodyEvent(dir, { type: 'acquired', actor: person('Alice'), items: 'all', ...common }, alice);
    const { seq } = await appendCustodyEvent(dir, { type: 'transferred', actor: person('Alice'), items: 'all', counterparty: party('Bob', bob), ...common } as never, alice);
    await appendCustodyEvent(dir, { type: 'received', actor: person('Bob'), items: 'all', answers: seq, counterparty: party('Alice', alice), ...common } as never, bob);
    expect(await codeOf(appendCustodyEvent(dir, { type: 'transferred', actor: person('Alice'), items: 'all', counterparty: party('Carol', carol), ...common } as never, alice))).toBe('ERR_CUSTODY_RULE');
    await appendCustodyEvent(dir, { type: 'transferred', actor: person('Bob'), items: 'all', counterparty: party('Carol', carol), ...common } as never, bob);
    expect((await log(dir)).toString().trim().split('\n')).toHaveLength(4);
  });
});
