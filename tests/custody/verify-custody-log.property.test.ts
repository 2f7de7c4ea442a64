import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCustodyLog } from '../../src/custody/parse-custody-log.js';
import { verifyCustodyLog } from '../../src/custody/verify-custody-log.js';
import { ITEMS, joinLines, MANIFEST } from './helpers.js';
import { party, signedLog, type Party, type Step } from './signed-log.js';

let parties: [Party, Party];
beforeAll(async () => {
  parties = [await party('Alice', 'investigator', 'FR'), await party('Bob', 'central-authority', 'DE')];
});

const steps = fc.array(fc.constantFrom<Step>('accessed', 'analysed', 'copied', 'sealed', 'handover'), { minLength: 1, maxLength: 5 });
const verify = async (lines: readonly Uint8Array[] | Uint8Array) =>
  verifyCustodyLog(lines instanceof Uint8Array ? lines : joinLines(lines), {
    manifestBytes: MANIFEST,
    itemIds: ITEMS,
    trustedKeys: parties.map((p) => p.publicJwk),
  });
const codes = (check: Awaited<ReturnType<typeof verify>>) => [...new Set(check.findings.map((f) => f.code))].sort();
const runs = { numRuns: Number(process.env['EVB_FC_RUNS'] ?? 25) };

describe('verifyCustodyLog on random valid logs', () => {
  it('accepts every valid log', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (s) => {
        const check = await verify(await signedLog(parties, s));
        expect(check.findings).toEqual([]);
        expect(check.events.every((e) => e.status === 'valid')).toBe(true);
      }),
      runs,
    );
  });

  it('detects the removal of any event but the last as a removal', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.nat(), async (s, n) => {
        const lines = await signedLog(parties, s);
        const k = n % (lines.length - 1);
        const check = await verify(lines.filter((_, i) => i !== k));
        const removed = check.findings.filter((f) => f.code === 'custody.sequence.removed');
        expect(removed.map((f) => f.custody)).toEqual([k + 2]);
        // Removing a transfer leaves its receipt unmatched, removing a receipt leaves its transfer (just before
        // it) unanswered and makes the receiver's next handover one by a non-custodian, removing a sealing
        // makes a later receipt's seals differ from those the items left under: true consequences, reported as
        // such, never anything else.
        const type = parseCustodyLog(joinLines([lines[k]!])).lines[0]!.signed!.event.type;
        const others = check.findings.filter((f) => f.code !== 'custody.sequence.removed');
        const consequences: Record<string, string[]> = {
          transferred: ['custody.receive.unmatched', 'custody.handover.not-custodian'],
          received: ['custody.transfer.unanswered', 'custody.handover.not-custodian'],
          sealed: ['custody.seal.mismatch'],
        };
        const from = (code: string) => (code === 'custody.transfer.unanswered' ? k : k + 2);
        expect(others.every((f) => (consequences[type] ?? []).includes(f.code) && f.custody! >= from(f.code))).toBe(true);
      }),
      runs,
    );
  });

  it('detects any swap of two events as a reorder', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.nat(), fc.nat(), async (s, a, b) => {
        const lines = await signedLog(parties, s);
        const i = a % lines.length;
        const j = b % lines.length;
        fc.pre(i !== j);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        expect(codes(await verify(lines))).toEqual(['custody.sequence.reordered']);
      }),
      runs,
    );
  });

  it('detects any duplicated event, wherever the copy is put', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.nat(), fc.nat(), async (s, a, b) => {
        const lines = await signedLog(parties, s);
        const k = a % lines.length;
        lines.splice(b % (lines.length + 1), 0, lines[k]!);
        expect(codes(await verify(lines))).toEqual(['custody.sequence.duplicate']);
      }),
      runs,
    );
  });

  it('detects a flipped bit anywhere in any event at that event: malformed, bad signature, or not its actor\'s', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (s, a, b, bit) => {
        const lines = await signedLog(parties, s);
        const k = a % lines.length;
        const log = joinLines(lines);
        const start = lines.slice(0, k).reduce((n, l) => n + l.length + 1, 0);
        const offset = start + (b % (lines[k]!.length + 1));
        log[offset] = log[offset]! ^ (1 << bit);
        const check = await verify(log);
        const atLine = check.findings.filter((f) => f.line === k + 1).map((f) => f.code);
        // A flip in the protected header can leave a verifiable header that names another kid or role.
        expect(atLine.some((c) => c === 'custody.malformed' || c === 'custody.signature.invalid' || c === 'custody.signer.not-actor')).toBe(true);
        expect(check.events.find((e) => e.seq === k + 1)?.status ?? 'malformed').not.toBe('valid');
      }),
      runs,
    );
  });
});
