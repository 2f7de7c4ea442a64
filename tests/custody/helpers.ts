import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { base64urlEncode, concatBytes, utf8Encode } from '../../src/internal/bytes.js';
import type { CustodyActor, CustodyEvent } from '../../src/custody/custody-event.js';
import { custodyLink } from '../../src/custody/custody-link.js';

export const MANIFEST = utf8Encode('{"bundleId":"test","items":[{"id":"disk"},{"id":"phone"}]}');
export const ITEMS = new Set(['disk', 'phone']);
export const LF = new Uint8Array([0x0a]);

export function actor(name: string, kid: string, role = 'investigator'): CustodyActor {
  return { name, role, organisation: `${name} agency`, country: 'FR', kid };
}

/** A kid-shaped string (43 base64url characters) for tests that do not sign. */
export function fakeKid(seed: string): string {
  return (seed + 'x'.repeat(43)).slice(0, 43).replace(/[^A-Za-z0-9_-]/g, '_');
}

export type EventDraft = Omit<CustodyEvent, 'seq' | 'prev'> & { seq?: number; prev?: string };

/** An event without seq and prev: a test fills them in as a correct writer would. */
export function draft(type: CustodyEvent['type'], extra: Record<string, unknown> = {}, minute = 0): EventDraft {
  return {
    type,
    time: `2026-10-06T09:${String(minute).padStart(2, '0')}:00+02:00`,
    actor: actor('Alice', fakeKid('alice')),
    items: 'all',
    place: 'Lyon',
    purpose: 'investigation',
    ...extra,
  } as EventDraft;
}

/** A line with a placeholder signature (for the chain and rule checks, which do not look at signatures). */
export function unsignedLine(event: CustodyEvent): Uint8Array {
  return canonicalizeToBytes({ payload: base64urlEncode(canonicalizeToBytes(event)), protected: 'e30', signature: 'AAAA' });
}

/** Builds a correct chain of lines (without LF) from drafts, numbering and linking as a writer would. */
export function chain(drafts: readonly EventDraft[], line: (e: CustodyEvent) => Uint8Array = unsignedLine, manifest = MANIFEST): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let prev = custodyLink(manifest);
  drafts.forEach((d, i) => {
    const event = { seq: i + 1, prev, ...d } as CustodyEvent;
    const bytes = line(event);
    lines.push(bytes);
    prev = custodyLink(bytes);
  });
  return lines;
}

export function joinLines(lines: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...lines.flatMap((l) => [l, LF]));
}
