import type { Signer } from '../../src/index.js';
import type { CustodyActor, CustodyEvent } from '../../src/custody/custody-event.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { keyPair } from '../helpers/bundle-fixture.js';
import { MANIFEST } from './helpers.js';

export interface Party {
  signer: Signer;
  publicJwk: JsonWebKey;
  actor: CustodyActor;
}

export async function party(name: string, role: string, country: CustodyActor['country'], alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<Party> {
  const { signer, publicJwk, kid } = await keyPair(alg);
  return { signer, publicJwk, actor: { name, role, organisation: `${name} agency`, country, kid } };
}

export function counterparty(p: Party) {
  return { name: p.actor.name, role: p.actor.role, organisation: p.actor.organisation, country: p.actor.country, kid: p.actor.kid };
}

/** One step of a log: an event by the current holder, or a handover (transferred + received) to the other party. */
export type Step = 'accessed' | 'analysed' | 'copied' | 'sealed' | 'handover';

/** Signs a valid log for the steps: acquired by `parties[0]`, then each step; returns the lines without LF. */
export async function signedLog(parties: readonly [Party, Party], steps: readonly Step[], manifest = MANIFEST): Promise<Uint8Array[]> {
  const lines: Uint8Array[] = [];
  let prev = custodyLink(manifest);
  let holder = 0;
  let seal: string | undefined;
  const add = async (by: Party, fields: Record<string, unknown>): Promise<void> => {
    const seq = lines.length + 1;
    const event = {
      seq,
      prev,
      time: new Date(Date.UTC(2026, 9, 6, 7, 0, seq)).toISOString(),
      actor: by.actor,
      items: 'all',
      place: 'Lyon',
      purpose: 'investigation',
      ...fields,
    } as CustodyEvent;
    const line = await signCustodyEvent(event, by.signer);
    const bytes = line.subarray(0, line.length - 1);
    lines.push(bytes);
    prev = custodyLink(bytes);
  };
  await add(parties[0], { type: 'acquired' });
  for (const step of steps) {
    const me = parties[holder]!;
    const other = parties[1 - holder]!;
    if (step === 'handover') {
      await add(me, { type: 'transferred', counterparty: counterparty(other) });
      // The receiver finds intact the seals the items were last sealed under, if any.
      await add(other, { type: 'received', counterparty: counterparty(me), answers: lines.length, ...(seal !== undefined ? { seals: [{ id: seal, condition: 'intact' }] } : {}) });
      holder = 1 - holder;
    } else if (step === 'sealed') {
      seal = `S-${lines.length}`;
      await add(me, { type: 'sealed', seals: [{ id: seal, condition: 'applied' }] });
    } else {
      await add(me, { type: step });
    }
  }
  return lines;
}
