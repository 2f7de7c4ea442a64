// Issue 8, "nobody in the middle can downgrade a good bundle", for the custody log: its end can be cut off
// without trace, so the receiver's policy may require that the log ends in the receiver's own custody
// (`custody.requireFinalCustody`). Through verifyBundle and `evb verify`, on bundles with real signed logs.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { isEvidenceBundleError, type VerificationReport } from '../../src/index.js';
import { appendCustodyEvent, verifyBundleDirectory, type CustodyEventInput } from '../../src/node/index.js';
import { parseTrustPolicy } from '../../src/trust/parse-trust-policy.js';
import type { TrustPolicy } from '../../src/trust/trust-policy.js';
import { custodyTail } from '../../src/custody/custody-tail.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import { keyPair, packDemo, resealBag, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

const NOW = new Date('2026-10-10T12:00:00Z');
// The demo manifest's items, in its order.
const ITEMS = ['chat-export', 'access-log', 'disk-excerpt', 'subscriber-records'];

let dir: string;
let pristine: string;
let copies = 0;
interface Officer {
  key: KeyPair;
  actor: { name: string; role: string; organisation: string; country: 'VN' | 'DZ' | 'FR' };
}
let vn: Officer; // the sender's examiner (also the packager)
let dz: Officer; // the receiving State's central authority: the policy owner's
let fr: Officer; // an authority of the policy, of another country
let stranger: Officer; // no authority of the policy

const officer = async (name: string, country: Officer['actor']['country']): Promise<Officer> => ({
  key: await keyPair(),
  actor: { name, role: 'custodian', organisation: `${name} office`, country },
});
const to = (o: Officer) => ({ name: o.actor.name, organisation: o.actor.organisation, country: o.actor.country, kid: o.key.kid });

beforeAll(async () => {
  dir = await tempDir('evb-final-custody-');
  [vn, dz, fr, stranger] = await Promise.all([officer('Examiner', 'VN'), officer('Central authority', 'DZ'), officer('Liaison', 'FR'), officer('Courier', 'VN')]);
  pristine = await packDemo(dir, { name: 'pristine', packager: vn.key });
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const policy = (custody?: unknown): TrustPolicy =>
  parseTrustPolicy({
    policyVersion: '1.0',
    name: 'receiver',
    owner: { country: 'DZ', authority: 'central authority' },
    authorities: [
      { id: 'vn-forensics', name: 'VN forensics', country: 'VN', roles: ['packager', 'custodian'], keys: [vn.key.publicJwk] },
      { id: 'dz-central', name: 'DZ central authority', country: 'DZ', roles: ['custodian'], keys: [dz.key.publicJwk] },
      { id: 'fr-liaison', name: 'FR liaison', country: 'FR', roles: ['custodian'], keys: [fr.key.publicJwk] },
    ],
    ...(custody !== undefined ? { custody } : {}),
  });
const owner = () => policy({ requireFinalCustody: 'owner' });

type Step = [Officer, { type: string } & Record<string, unknown>];
/** A copy of the demo bundle with the steps appended as signed custody events, one minute apart. */
async function withLog(steps: readonly Step[], { byHand = false } = {}): Promise<string> {
  const target = join(dir, `copy-${copies++}`);
  await fsp.cp(pristine, target, { recursive: true });
  for (const [i, [who, fields]] of steps.entries()) {
    const input = { actor: who.actor, place: 'Hanoi', purpose: 'mutual legal assistance', time: `2026-10-07T08:${String(i).padStart(2, '0')}:00Z`, items: 'all', ...fields };
    if (byHand && i === steps.length - 1) await appendByHand(target, input as CustodyEventInput, who);
    else await appendCustodyEvent(target, input as CustodyEventInput, who.key.signer);
  }
  return target;
}

/** What someone with their own key can write without the library's writer, which refuses rule-breaking events. */
async function appendByHand(target: string, input: CustodyEventInput, who: Officer): Promise<void> {
  const logPath = join(target, 'evidence/custody.jsonl');
  const log = new Uint8Array(await fsp.readFile(logPath).catch(() => Buffer.alloc(0)));
  const { seq, prev } = custodyTail(log, new Uint8Array(await fsp.readFile(join(target, 'evidence/manifest.json'))));
  const event = { ...input, seq, prev, actor: { ...input.actor, kid: who.key.kid } } as CustodyEvent;
  await fsp.writeFile(logPath, Buffer.concat([log, await signCustodyEvent(event, who.key.signer)]));
  await resealBag(target);
}
const handover = (from: Officer, recipient: Officer, transferSeq: number): Step[] => [
  [from, { type: 'transferred', counterparty: to(recipient) }],
  [recipient, { type: 'received', counterparty: to(from), answers: transferSeq }],
];
const codes = (r: VerificationReport) => r.findings.map((f) => f.code);
const notReceived = (r: VerificationReport) => r.findings.filter((f) => f.code === 'policy.custody.not-received');

describe('policy custody.requireFinalCustody', () => {
  it('refuses a requirement naming no authority of the policy, or an unknown member', () => {
    for (const custody of [{ requireFinalCustody: ['nobody'] }, { requireFinalCustody: [] }, { requireFinalCustody: 'sender' }, { requireFinalCustody: 'owner', extra: 1 }]) {
      let error: unknown;
      try {
        policy(custody);
      } catch (e) {
        error = e;
      }
      expect(isEvidenceBundleError(error, 'ERR_POLICY_INVALID')).toBe(true);
    }
  });

  it('is INDETERMINATE when the log is cut after the transfer to the receiver', async () => {
    const bundle = await withLog([[vn, { type: 'acquired' }], ...handover(vn, dz, 2).slice(0, 1)]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(['custody.transfer.unanswered', ...ITEMS.map(() => 'policy.custody.not-received')]);
    expect(notReceived(report).map((f) => [f.item, f.rule])).toEqual(ITEMS.map((i) => [i, 'custody']));
    // Without the requirement, the unanswered transfer is reported and the bundle stays VALID.
    const plain = await verifyBundleDirectory(bundle, { policy: policy(), currentDate: NOW });
    expect(plain.outcome).toBe('VALID');
    expect(codes(plain)).toEqual(['custody.transfer.unanswered']);
    expect(plain.findings[0]).toMatchObject({ custody: 2 });
  });

  it('is VALID when the log ends with the receipt by the owner country\'s authority', async () => {
    const bundle = await withLog([[vn, { type: 'acquired' }], ...handover(vn, dz, 2)]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('VALID');
    // Events after the receipt by the holder itself do not end its custody.
    const after = await withLog([[vn, { type: 'acquired' }], ...handover(vn, dz, 2), [dz, { type: 'accessed' }]]);
    expect((await verifyBundleDirectory(after, { policy: owner(), currentDate: NOW })).outcome).toBe('VALID');
  });

  it('is INDETERMINATE when the receipt is by a key no authority of the policy holds', async () => {
    const bundle = await withLog([[vn, { type: 'acquired' }], ...handover(vn, stranger, 2)]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(notReceived(report)).toHaveLength(ITEMS.length);
    expect(notReceived(report)[0]!.message).toContain(stranger.key.kid);
  });

  it('is INDETERMINATE when the receipt is by a trusted authority of another country, VALID when the policy lists it', async () => {
    const bundle = await withLog([[vn, { type: 'acquired' }], ...handover(vn, fr, 2)]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(ITEMS.map(() => 'policy.custody.not-received'));
    const listed = await verifyBundleDirectory(bundle, { policy: policy({ requireFinalCustody: ['fr-liaison', 'dz-central'] }), currentDate: NOW });
    expect(listed.outcome).toBe('VALID');
  });

  it('is INDETERMINATE when the receiver handed the items on, or holds only some of them', async () => {
    const onward = await withLog([[vn, { type: 'acquired' }], ...handover(vn, dz, 2), ...handover(dz, fr, 4)]);
    expect(codes(await verifyBundleDirectory(onward, { policy: owner(), currentDate: NOW }))).toEqual(ITEMS.map(() => 'policy.custody.not-received'));
    const some = await withLog([
      [vn, { type: 'acquired' }],
      [vn, { type: 'transferred', counterparty: to(dz), items: ['chat-export'] }],
      [dz, { type: 'received', counterparty: to(vn), answers: 2, items: ['chat-export'] }],
    ]);
    const report = await verifyBundleDirectory(some, { policy: owner(), currentDate: NOW });
    expect(notReceived(report).map((f) => f.item)).toEqual(['access-log', 'disk-excerpt', 'subscriber-records']);
  });

  it('is INDETERMINATE when the owner\'s authority holds the items from their acquisition, not through a receipt', async () => {
    const bundle = await withLog([[dz, { type: 'acquired' }]]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(notReceived(report)[0]!.message).toContain('not a receipt');
  });

  it('does not count a receipt that breaks the custody rules', async () => {
    // The transfer is addressed to the French liaison; the Algerian authority records the receipt.
    const bundle = await withLog([[vn, { type: 'acquired' }], [vn, { type: 'transferred', counterparty: to(fr) }], [dz, { type: 'received', counterparty: to(vn), answers: 2 }]], { byHand: true });
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('custody.receive.unmatched');
    expect(notReceived(report)[0]!.message).toContain('receipt 3 is invalid');
  });

  it('is INDETERMINATE for a bundle without a custody log', async () => {
    const report = await verifyBundleDirectory(pristine, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(['policy.custody.not-received']);
    expect((await verifyBundleDirectory(pristine, { policy: policy(), currentDate: NOW })).outcome).toBe('VALID');
  });
});

describe('custody findings through verifyBundle and evb verify', () => {
  async function evb(...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const io: CliIO = { stdout: (t) => void (out += t), stderr: () => undefined, stderrIsTTY: false, cwd: dir };
    return { code: await main(args, io), out };
  }

  it('reports seals broken on receipt and seal ids that differ from those sealed, as INDETERMINATE', async () => {
    const bundle = await withLog([
      [vn, { type: 'acquired' }],
      [vn, { type: 'sealed', seals: [{ id: 'VN-0001', condition: 'applied' }, { id: 'VN-0002', condition: 'applied' }] }],
      [vn, { type: 'transferred', counterparty: to(dz) }],
      [dz, { type: 'received', counterparty: to(vn), answers: 3, seals: [{ id: 'VN-0001', condition: 'broken' }, { id: 'VN-0009', condition: 'intact' }] }],
    ]);
    const report = await verifyBundleDirectory(bundle, { policy: owner(), currentDate: NOW });
    expect(report.outcome).toBe('INDETERMINATE');
    expect(codes(report)).toEqual(['custody.seal.broken', 'custody.seal.mismatch']);
    expect(report.findings.every((f) => f.custody === 4)).toBe(true);
  });

  it('exits 2 (INDETERMINATE) for an event dated after the verification time beyond the tolerance, 0 within it', async () => {
    const policyFile = join(dir, `policy-${copies++}.json`);
    const input = JSON.stringify({
      policyVersion: '1.0',
      name: 'receiver',
      owner: { country: 'DZ', authority: 'central authority' },
      maxClockSkewSeconds: 600,
      authorities: [{ id: 'vn-forensics', name: 'VN forensics', country: 'VN', roles: ['packager', 'custodian'], keys: [vn.key.publicJwk] }],
    });
    await fsp.writeFile(policyFile, input);
    const inside = join(dir, `copy-${copies++}`);
    const outside = join(dir, `copy-${copies++}`);
    await Promise.all([fsp.cp(pristine, inside, { recursive: true }), fsp.cp(pristine, outside, { recursive: true })]);
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    // The CLI verifies at the current time: minutes of margin on either side of the 600 s tolerance.
    await appendCustodyEvent(inside, { type: 'acquired', actor: vn.actor, items: 'all', place: 'Hanoi', purpose: 'x', time: at(300_000) }, vn.key.signer);
    await appendCustodyEvent(outside, { type: 'acquired', actor: vn.actor, items: 'all', place: 'Hanoi', purpose: 'x', time: at(3_600_000) }, vn.key.signer);
    const ok = await evb('verify', inside, '--policy', policyFile, '--json');
    expect(ok.code).toBe(0);
    const late = await evb('verify', outside, '--policy', policyFile, '--json');
    expect(late.code).toBe(2);
    expect(codes(JSON.parse(late.out) as VerificationReport)).toEqual(['custody.time.future']);
  });
});
