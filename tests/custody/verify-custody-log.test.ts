import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/model/layout.js';
import { CUSTODY_EVENT_TYP, type CustodyEvent } from '../../src/custody/custody-event.js';
import { custodyLink } from '../../src/custody/custody-link.js';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { verifyCustodyLog } from '../../src/custody/verify-custody-log.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { base64urlEncode, utf8DecodeStrict, utf8Encode } from '../../src/internal/bytes.js';
import { FINDING_CODES } from '../../src/report/codes.js';
import { jwsSigningInput, signDetached } from '../../src/sign/sign-detached.js';
import { draft, ITEMS, joinLines, MANIFEST } from './helpers.js';
import { counterparty, party, signedLog, type Party } from './signed-log.js';

let alice: Party;
let bob: Party;
beforeAll(async () => {
  [alice, bob] = [await party('Alice', 'investigator', 'FR'), await party('Bob', 'central-authority', 'DE', 'ES256')];
});
const verify = (log: Uint8Array | readonly Uint8Array[], trustedKeys = [alice.publicJwk, bob.publicJwk], manifestBytes = MANIFEST) =>
  verifyCustodyLog(log instanceof Uint8Array ? log : joinLines(log), { manifestBytes, itemIds: ITEMS, trustedKeys });
const codes = (check: { findings: Array<{ code: string }> }) => check.findings.map((f) => f.code);

/** A line signed by `signer` for an event whose actor may be someone else, with a chosen header. */
async function lineSignedBy(event: CustodyEvent, by: Party, header: { role: string; typ?: string }): Promise<Uint8Array> {
  const payload = canonicalizeToBytes(event);
  const jws = await signDetached(payload, by.signer, header);
  return canonicalizeToBytes({ payload: base64urlEncode(payload), protected: jws.protected, signature: jws.signature });
}

describe('verifyCustodyLog', () => {
  it('shows the timeline of a handover, with statuses and the custodian at the end', async () => {
    const check = await verify(await signedLog([alice, bob], ['sealed', 'handover', 'analysed']));
    expect(check.findings).toEqual([]);
    expect(check.events.map((e) => [e.seq, e.type, e.kid, e.status])).toEqual([
      [1, 'acquired', alice.actor.kid, 'valid'],
      [2, 'sealed', alice.actor.kid, 'valid'],
      [3, 'transferred', alice.actor.kid, 'valid'],
      [4, 'received', bob.actor.kid, 'valid'],
      [5, 'analysed', bob.actor.kid, 'valid'],
    ]);
    expect(check.events[2]!.counterparty).toBe('Bob (central-authority, Bob agency, DE)');
    expect(check.events[0]!.actor).toBe('Alice (investigator, Alice agency, FR)');
    expect(check.custodians).toEqual({ disk: bob.actor.kid, phone: bob.actor.kid });
  });

  it('reports a log moved from another bundle at its first event', async () => {
    const check = await verify(await signedLog([alice, bob], ['accessed']), undefined, new TextEncoder().encode('{"other":1}'));
    expect(codes(check)).toEqual(['custody.link.manifest-mismatch']);
    expect(check.findings[0]).toMatchObject({ custody: 1, path: 'evidence/custody.jsonl' });
  });

  it('reports an event altered after signing as an invalid signature', async () => {
    const lines = await signedLog([alice, bob], ['accessed']);
    const jws = JSON.parse(utf8DecodeStrict(lines[1]!)) as { payload: string; protected: string; signature: string };
    const event = JSON.parse(utf8DecodeStrict(Uint8Array.from(atob(jws.payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
    const altered = canonicalizeToBytes({ ...jws, payload: base64urlEncode(canonicalizeToBytes({ ...event, place: 'Paris' })) });
    const check = await verify([lines[0]!, altered]);
    expect(codes(check)).toEqual(['custody.signature.invalid']);
    expect(check.events[1]!.status).toBe('invalid');
  });

  it('reports an event signed by a key that is not its actor', async () => {
    const lines = await signedLog([alice, bob], []);
    const event = { ...draft('accessed', { actor: alice.actor }), seq: 2, prev: custodyLink(lines[0]!) } as CustodyEvent;
    const check = await verify([lines[0]!, await lineSignedBy(event, bob, { role: alice.actor.role, typ: CUSTODY_EVENT_TYP })]);
    expect(codes(check)).toEqual(['custody.signer.not-actor']);
    expect(check.events[1]!.status).toBe('invalid');
  });

  it("reports an event signed in another role than the actor's", async () => {
    const event = { ...draft('acquired', { actor: alice.actor }), seq: 1, prev: custodyLink(MANIFEST) } as CustodyEvent;
    const check = await verify([await lineSignedBy(event, alice, { role: 'prosecutor', typ: CUSTODY_EVENT_TYP })]);
    expect(codes(check)).toEqual(['custody.signer.not-actor']);
  });

  it('reports a signature that is not a custody-event JWS as malformed', async () => {
    const event = { ...draft('acquired', { actor: alice.actor }), seq: 1, prev: custodyLink(MANIFEST) } as CustodyEvent;
    const check = await verify([await lineSignedBy(event, alice, { role: alice.actor.role, typ: 'JWT' })]);
    expect(codes(check)).toEqual(['custody.malformed']);
    expect(check.events[0]!.status).toBe('malformed');
  });

  // docs/format.md, "Custody log": every member of the protected header is required, in its form. Each variant
  // differs from the control in one member only, and the signature over it is the actor's own.
  describe('a protected header that is not a custody-event header is malformed', () => {
    const header = (): Record<string, unknown> => ({ alg: 'EdDSA', kid: alice.actor.kid, typ: CUSTODY_EVENT_TYP, role: alice.actor.role, sigT: '2026-10-06T07:00:01Z' });
    async function lineWithHeader(h: Record<string, unknown>): Promise<Uint8Array> {
      const event = { ...draft('acquired', { actor: alice.actor }), seq: 1, prev: custodyLink(MANIFEST) } as CustodyEvent;
      const payload = canonicalizeToBytes(event);
      const protectedB64 = base64urlEncode(canonicalizeToBytes(h));
      const signature = await alice.signer.sign(jwsSigningInput(protectedB64, payload));
      return canonicalizeToBytes({ payload: base64urlEncode(payload), protected: protectedB64, signature: base64urlEncode(signature) });
    }
    const without = (name: string) => (h: Record<string, unknown>) => {
      delete h[name];
    };
    const set = (name: string, value: unknown) => (h: Record<string, unknown>) => {
      h[name] = value;
    };

    it('accepts the control header, with sigT with or without a fraction', async () => {
      for (const sigT of ['2026-10-06T07:00:01Z', '2026-10-06T07:00:01.250Z']) {
        const check = await verify([await lineWithHeader({ ...header(), sigT })]);
        expect(check.findings).toEqual([]);
        expect(check.events[0]!.status).toBe('valid');
      }
    });

    it.each([
      ['no typ', without('typ')],
      ['the bundle signature typ', set('typ', 'evidence-bundle-manifest+jws')],
      ['typ JWT', set('typ', 'JWT')],
      ['typ in other case', set('typ', 'EVIDENCE-CUSTODY-EVENT+JWS')],
      ['no kid', without('kid')],
      ['a kid that is not a thumbprint', set('kid', 'alice-key-1')],
      ['a kid that is not a string', set('kid', 42)],
      ['no role', without('role')],
      ['an empty role', set('role', '')],
      ['no sigT', without('sigT')],
      ['a sigT that is not a time', set('sigT', 'yesterday')],
      ['a sigT with an offset', set('sigT', '2026-10-06T09:00:01+02:00')],
      ['a sigT without offset', set('sigT', '2026-10-06T07:00:01')],
      ['an impossible sigT', set('sigT', '2026-02-30T07:00:01Z')],
      ['a sigT as a number', set('sigT', 1791356401)],
    ])('%s', async (_name, mutate) => {
      const h = header();
      mutate(h);
      const check = await verify([await lineWithHeader(h)]);
      expect(codes(check)).toEqual(['custody.malformed']);
      expect(check.events[0]!.status).toBe('malformed');
    });
  });

  // Security rule: JSON with duplicate keys is rejected, in the line and in the event it carries, even when the
  // actor signed those very bytes.
  it('refuses a line, or a signed event, with a duplicate key', async () => {
    const lines = await signedLog([alice, bob], []);
    const event = { ...draft('accessed', { actor: alice.actor }), seq: 2, prev: custodyLink(lines[0]!) } as CustodyEvent;
    const header = { role: alice.actor.role, typ: CUSTODY_EVENT_TYP };
    const good = await lineSignedBy(event, alice, header);
    expect(codes(await verify([lines[0]!, good]))).toEqual([]);

    const canonical = utf8DecodeStrict(canonicalizeToBytes(event));
    const twicePlaced = utf8Encode(canonical.replace('"place":"Lyon"', '"place":"Paris","place":"Lyon"'));
    expect(utf8DecodeStrict(twicePlaced)).not.toBe(canonical);
    const jws = await signDetached(twicePlaced, alice.signer, header);
    const eventTwice = canonicalizeToBytes({ payload: base64urlEncode(twicePlaced), protected: jws.protected, signature: jws.signature });
    const decoy = base64urlEncode(canonicalizeToBytes({ ...event, place: 'Paris' }));
    const lineTwice = utf8Encode(utf8DecodeStrict(good).replace('{"payload":', `{"payload":"${decoy}","payload":`));
    for (const line of [eventTwice, lineTwice]) {
      const check = await verify([lines[0]!, line]);
      expect(codes(check)).toEqual(['custody.malformed']);
      expect(check.findings[0]).toMatchObject({ line: 2 });
      expect(check.events.map((e) => e.seq)).toEqual([1]);
    }
  });

  it('reports signers the receiver does not trust as unknown: INDETERMINATE, not INVALID', async () => {
    const check = await verify(await signedLog([alice, bob], ['handover']), [alice.publicJwk]);
    expect(codes(check)).toEqual(['custody.signer.unknown']);
    expect(FINDING_CODES['custody.signer.unknown'].effect).toBe('indeterminate');
    expect(check.events.map((e) => e.status)).toEqual(['valid', 'valid', 'untrusted']);
  });

  it('applies the custody rules to signed events, with their locations', async () => {
    const lines = await signedLog([alice, bob], ['accessed']);
    const bad = { ...draft('transferred', { actor: bob.actor, counterparty: counterparty(alice), items: ['laptop'] }), seq: 3, prev: custodyLink(lines[1]!), time: '2026-10-06T06:00:00Z' } as CustodyEvent;
    const line = await signCustodyEvent(bad, bob.signer);
    const check = await verify([...lines, line.subarray(0, line.length - 1)]);
    expect(codes(check).sort()).toEqual(['custody.item.unknown', 'custody.time.backwards', 'custody.transfer.unanswered']);
    expect(check.findings.every((f) => f.custody === 3 && f.line === 3)).toBe(true);
  });

  it('refuses a log larger than the limits without reading it', () => {
    const many = new Uint8Array(LIMITS.custodyEvents + 1).fill(0x0a);
    expect(parseCustodyLog(many).findings.map((f) => f.code)).toEqual(['custody.too-large']);
    expect(parseCustodyLog(many).lines).toEqual([]);
    const big = new Uint8Array(LIMITS.custodyBytes + 1);
    expect(parseCustodyLog(big).findings.map((f) => f.code)).toEqual(['custody.too-large']);
  });

  it('counts a last line without its LF against the line limit', () => {
    const full = new Uint8Array(LIMITS.custodyEvents).fill(0x0a);
    expect(parseCustodyLog(full).lines).toHaveLength(LIMITS.custodyEvents);
    expect(parseCustodyLog(full).findings.map((f) => f.code)).not.toContain('custody.too-large');
    const oneMore = new Uint8Array(LIMITS.custodyEvents + 1).fill(0x0a);
    oneMore[LIMITS.custodyEvents] = 0x78;
    expect(parseCustodyLog(oneMore).findings.map((f) => f.code)).toEqual(['custody.too-large']);
    expect(parseCustodyLog(oneMore).lines).toEqual([]);
  });

  it('never throws on garbage', async () => {
    for (const text of ['', '\n', 'x\n', '{}\n', '{"payload":"","protected":"","signature":""}\n', '\u0000\n\n', '[1]\n']) {
      const check = await verify(new TextEncoder().encode(text));
      expect(check.findings.every((f) => f.code === 'custody.malformed')).toBe(true);
    }
  });
});
