import { filesSource, memorySink, packBundleTo, type PackSourceItem } from '../../src/index.js';
import { redactBundleTo, type RedactOptions } from '../../src/entries/disclosure.js';
import { createCustodyEvent } from '../../src/custody/create-custody-event.js';
import { custodyTail } from '../../src/custody/custody-tail.js';
import { signCustodyEvent } from '../../src/custody/sign-custody-event.js';
import type { CustodyEvent } from '../../src/custody/custody-event.js';
import { tagFileChanges } from '../../src/bundle/tag-file-changes.js';
import { concatBytes, utf8Encode } from '../../src/internal/bytes.js';
import { demoCase, keyPair, type KeyPair } from '../helpers/bundle-fixture.js';

export const ACTOR = { name: 'Nguyen Van A', role: 'custodian', organisation: 'Institute of Forensic Science', country: 'VN' } as const;

export const DEFAULT_ITEMS: Array<[string, string, string]> = [
  ['chat', 'chat/export.json', '{"messages":["hello"]}'],
  ['third-party', 'chat/third-party.json', '{"name":"Nguyen Van B","phone":"+84 90 555 0199"}'],
  ['subscriber', 'subscriber.csv', 'msisdn,name\n84905550100,Tran Thi A\n'],
];

/** A small 1.2 bundle in memory, signed by `packager`; with `custodian`, an `acquired` event of all items by it. */
export async function packSelective(options: {
  packager: KeyPair;
  custodian?: KeyPair;
  items?: Array<[string, string, string]>;
  salts?: (i: number) => string;
  bundleId?: string;
}): Promise<Map<string, Uint8Array>> {
  const { metadata } = await demoCase();
  const list = options.items ?? DEFAULT_ITEMS;
  const items: PackSourceItem[] = list.map(([id, path, text]) => {
    const bytes = utf8Encode(text);
    return { id, path, mediaType: 'text/plain', size: bytes.length, data: [bytes], description: { en: `description of ${id}` } };
  });
  const sink = memorySink();
  await packBundleTo(sink, {
    metadata,
    items,
    signers: [{ signer: options.packager.signer, role: 'packager' }],
    createdAt: new Date('2026-10-06T09:00:00Z'),
    ...(options.bundleId ? { bundleId: options.bundleId } : {}),
    selectiveDisclosure: options.salts ? { salt: options.salts } : true,
  });
  let files = sink.files;
  if (options.custodian) files = await appendEvent(files, options.custodian, { type: 'acquired', items: 'all', place: 'Hanoi', purpose: 'production order' });
  return files;
}

/** Appends a signed custody event to an in-memory bundle, tag manifests recomputed. */
export async function appendEvent(files: Map<string, Uint8Array>, key: KeyPair, fields: Record<string, unknown>): Promise<Map<string, Uint8Array>> {
  const manifestBytes = files.get('evidence/manifest.json')!;
  const old = files.get('evidence/custody.jsonl') ?? new Uint8Array(0);
  const event = createCustodyEvent({ ...custodyTail(old, manifestBytes), time: '2026-10-06T10:00:00Z', actor: { ...ACTOR, kid: key.kid }, ...fields } as CustodyEvent);
  const line = await signCustodyEvent(event, key.signer);
  return withChanges(files, new Map([['evidence/custody.jsonl', concatBytes(old, line)]]));
}

/** The bundle with some tag files replaced and its tag manifests recomputed (what a forger would do). */
export async function withChanges(files: Map<string, Uint8Array>, changes: Map<string, Uint8Array>): Promise<Map<string, Uint8Array>> {
  const all = await tagFileChanges(filesSource(files), changes);
  const out = new Map(files);
  for (const [path, bytes] of all) out.set(path, bytes);
  return out;
}

/** Redacts an in-memory bundle into memory. */
export async function redactInMemory(files: Map<string, Uint8Array>, key: KeyPair, withhold: string[], extra: Partial<RedactOptions> = {}): Promise<Map<string, Uint8Array>> {
  const sink = memorySink();
  await redactBundleTo(filesSource(files), sink, {
    withhold,
    reason: 'personal data of a third party, not covered by the request',
    legalBasis: 'Law on Mutual Legal Assistance, Article 21',
    signer: key.signer,
    actor: ACTOR,
    place: 'Hanoi',
    time: '2026-10-06T11:00:00Z',
    ...extra,
  });
  return sink.files;
}

export { filesSource, keyPair };
