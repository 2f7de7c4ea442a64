// Verifies a 10,000-event custody log in memory and prints events per second (goal: at least 5,000/s).
// Run: npx tsx bench/custody.ts [events]
import { createJwkSigner, generateSigningKey } from '../src/index.js';
import type { CustodyEvent } from '../src/custody/custody-event.js';
import { custodyLink } from '../src/custody/custody-link.js';
import { signCustodyEvent } from '../src/custody/sign-custody-event.js';
import { verifyCustodyLog } from '../src/custody/verify-custody-log.js';
import { concatBytes, utf8Encode } from '../src/internal/bytes.js';

const count = Number(process.argv[2] ?? 10_000);
const manifestBytes = utf8Encode('{"items":[{"id":"disk"},{"id":"phone"}]}');
const itemIds = new Set(['disk', 'phone']);

const parties = await Promise.all(
  ['Alice', 'Bob'].map(async (name, i) => {
    const key = await generateSigningKey('EdDSA');
    const signer = await createJwkSigner(key.privateJwk);
    const actor = { name, role: i === 0 ? 'investigator' : 'central-authority', organisation: `${name} agency`, country: i === 0 ? ('FR' as const) : ('DE' as const), kid: signer.kid };
    return { signer, actor, publicJwk: key.publicJwk };
  }),
);

const started = performance.now();
const lines: Uint8Array[] = [];
let prev = custodyLink(manifestBytes);
let holder = 0;
const base = Date.parse('2026-10-06T07:00:00Z');
for (let seq = 1; seq <= count; seq++) {
  const me = parties[holder]!;
  const other = parties[1 - holder]!;
  const time = new Date(base + seq * 1000).toISOString();
  const common = { seq, prev, time, actor: me.actor, items: 'all' as const, place: 'Lyon', purpose: 'benchmark' };
  // A repeating pattern: acquired, accessed..., a transfer and its receipt, which moves custody to the other party.
  let event: CustodyEvent;
  if (seq === 1) event = { ...common, type: 'acquired' };
  else if (seq % 10 === 8) event = { ...common, type: 'transferred', counterparty: { name: other.actor.name, organisation: other.actor.organisation, country: other.actor.country, kid: other.actor.kid } };
  else if (seq % 10 === 9) {
    const sender = parties[holder]!;
    holder = 1 - holder;
    event = { ...common, actor: parties[holder]!.actor, type: 'received', answers: seq - 1, counterparty: { name: sender.actor.name, organisation: sender.actor.organisation, country: sender.actor.country, kid: sender.actor.kid } };
  } else event = { ...common, type: 'accessed' };
  const signer = parties.find((p) => p.actor.kid === event.actor.kid)!.signer;
  const line = await signCustodyEvent(event, signer);
  lines.push(line);
  prev = custodyLink(line.subarray(0, line.length - 1));
}
const log = concatBytes(...lines);
console.log(`built ${count} events (${(log.length / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - started) / 1000).toFixed(2)} s`);

const runs: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const check = await verifyCustodyLog(log, { manifestBytes, itemIds, trustedKeys: parties.map((p) => p.publicJwk) });
  const seconds = (performance.now() - t0) / 1000;
  if (check.findings.length > 0 || check.events.some((e) => e.status !== 'valid')) {
    throw new Error(`benchmark log does not verify: ${JSON.stringify(check.findings.slice(0, 3))}`);
  }
  runs.push(seconds);
}
const best = Math.min(...runs);
console.log(`verifyCustodyLog: ${count} events in ${best.toFixed(3)} s (best of 3) = ${Math.round(count / best)} events/s (goal >= 5000)`);
