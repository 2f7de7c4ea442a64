// Custody events under a receiver's policy (custodyKeys, then verifyCustodyLog): the signer's key comes from the
// policy only, the algorithm allow-list holds, and the policy key's own alg and key_ops are enforced.
import { beforeAll, describe, expect, it } from 'vitest';
import { custodyLink } from '../../src/custody/custody-link.js';
import { CUSTODY_EVENT_TYP, type CustodyEvent } from '../../src/custody/custody-event.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { verifyCustodyLog } from '../../src/custody/verify-custody-log.js';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { base64urlEncode, concatBytes } from '../../src/internal/bytes.js';
import { jwsSigningInput } from '../../src/sign/sign-detached.js';
import { custodyKeys } from '../../src/trust/custody-keys.js';
import { actor, draft, ITEMS, LF, MANIFEST } from '../custody/helpers.js';
import { codes, NOW, policyWith, testKey, type TestKey } from './evaluate-helpers.js';

let officer: TestKey;
let attacker: TestKey;

beforeAll(async () => {
  [officer, attacker] = await Promise.all([testKey(), testKey()]);
});

const eventBy = (kid: string): CustodyEvent => ({ seq: 1, prev: custodyLink(MANIFEST), ...draft('accessed', { actor: actor('Officer', kid) }) }) as CustodyEvent;

/** A custody line whose protected header is exactly `header` (the attacker writes it), signed by `by`. */
async function lineWithHeader(event: CustodyEvent, header: Record<string, unknown>, by: TestKey): Promise<Uint8Array> {
  const payload = canonicalizeToBytes(event);
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  const signature = base64urlEncode(await by.signer.sign(jwsSigningInput(protectedB64, payload)));
  return concatBytes(canonicalizeToBytes({ payload: base64urlEncode(payload), protected: protectedB64, signature }), LF);
}

const headerOf = (key: TestKey, extra: Record<string, unknown> = {}) => ({
  alg: 'EdDSA',
  kid: key.kid,
  typ: CUSTODY_EVENT_TYP,
  role: 'investigator',
  sigT: '2026-10-06T07:00:00Z',
  ...extra,
});

const policyTrusting = (key: JsonWebKey) =>
  policyWith({ authorities: [{ id: 'fr-police', name: 'Police', country: 'FR', roles: ['custodian'], keys: [key] }] });

async function check(log: Uint8Array, key: JsonWebKey = officer.publicJwk) {
  return verifyCustodyLog(log, { manifestBytes: MANIFEST, itemIds: ITEMS, trustedKeys: await custodyKeys(parseCustodyLog(log), policyTrusting(key), NOW) });
}

describe('custody events under a trust policy', () => {
  it('trusts an event signed with a key of the policy', async () => {
    const { events, findings } = await check(await signCustodyEvent(eventBy(officer.kid), officer.signer));
    expect(findings).toEqual([]);
    expect(events[0]!.status).toBe('valid');
  });

  it('never trusts a key carried in the event\'s jwk header', async () => {
    const withKid = await check(await lineWithHeader(eventBy(attacker.kid), headerOf(attacker, { jwk: attacker.publicJwk }), attacker));
    expect(withKid.events[0]!.status).toBe('untrusted');
    expect(codes(withKid.findings)).toEqual(['custody.signer.unknown']);

    // Under the officer's kid, the attacker's jwk contradicts the header: the signature is refused.
    const underOfficer = await check(await lineWithHeader(eventBy(officer.kid), headerOf(officer, { jwk: attacker.publicJwk }), attacker));
    expect(underOfficer.events[0]!.status).toBe('invalid');
    expect(codes(underOfficer.findings)).toEqual(['custody.signature.invalid']);
  });

  it.each(['none', 'HS256', 'RS256'])('refuses alg %s under the officer\'s kid', async (alg) => {
    const { events, findings } = await check(await lineWithHeader(eventBy(officer.kid), headerOf(officer, { alg }), officer));
    expect(events[0]!.status).toBe('invalid');
    expect(codes(findings)).toEqual(['custody.signature.invalid']);
  });

  it.each([
    ['key_ops without verify', { key_ops: ['sign'] }],
    ['another alg', { alg: 'ES256' }],
    ['an HMAC alg', { alg: 'HS256' }],
  ])('does not verify with a policy key restricted by %s', async (_name, restriction) => {
    const restricted = { ...officer.publicJwk, ...restriction } as JsonWebKey;
    const { events, findings } = await check(await signCustodyEvent(eventBy(officer.kid), officer.signer), restricted);
    expect(events[0]!.status).toBe('invalid');
    expect(codes(findings)).toEqual(['custody.signature.invalid']);
  });
});
