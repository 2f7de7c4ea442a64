import { CUSTODY_FILE, DISCLOSURES_FILE, LIMITS, MANIFEST_FILE } from '../model/layout.js';
import type { BagSource } from '../bagit/bag-source.js';
import { leafItemId, parseDisclosuresFile } from '../disclosure/disclosures-file.js';
import type { CustodyActor, CustodyEvent } from '../custody/custody-event.js';
import { createCustodyEvent } from '../custody/create-custody-event.js';
import { checkCustodyAppend } from '../custody/check-custody-append.js';
import { custodyTail } from '../custody/custody-tail.js';
import { signCustodyEvent } from '../custody/sign-custody-event.js';
import { parseCanonicalJson } from '../encoding/strict-json.js';
import { EvidenceBundleError } from '../errors.js';
import { concatBytes } from '../internal/bytes.js';
import type { Signer } from '../sign/signer.js';
import { readTagFileForUpdate } from './read-tag-file-for-update.js';
import { updateBundle } from './update-bundle.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What the caller says about a new custody event; `seq` and `prev` come from the log, the actor's `kid` from
 * the signer, `time` defaults to now (UTC).
 */
export type CustodyEventInput = DistributiveOmit<CustodyEvent, 'seq' | 'prev' | 'time' | 'actor'> & {
  time?: string;
  actor: Omit<CustodyActor, 'kid'>;
};

/**
 * Appends one signed event to the custody log of a bundle of any form (a directory, a ZIP or CBOR file,
 * recognised by content; docs/format.md, "Custody log", "Appending"): the new log is the old log's bytes
 * followed by the new line, committed with the tag manifests in one atomic step ({@link updateBundle}), so a
 * crash leaves the old log or the new one, never a broken one. In a directory evidence bytes are not read and
 * the bundle's integrity is not checked first (`verifyBundle` does that); a single file is rewritten whole, its
 * bag validated first (`ERR_BAG_INVALID`).
 * An event that the verifier's custody rules would flag is refused before it is signed (`checkCustodyAppend`:
 * a transfer, return or destruction by someone who is not the custodian, a receipt that answers nothing, an
 * unknown item, an event after return or destruction, time going backwards), and so is a signature or an `x5c`
 * chain the verifier would reject (`signDetached`): an append-only log cannot take a wrong event back.
 * Concurrent appends to one bundle are not serialised: run them one after the other.
 * @returns the sequence number of the new event.
 * @throws EvidenceBundleError `ERR_CUSTODY_RULE` (the event breaks a custody rule; the finding code is in the
 *   message, the findings in `cause`), `ERR_CUSTODY_INVALID` (bad event fields, unreadable last event),
 *   `ERR_MANIFEST_INVALID` (the manifest is not a JSON object with an items array), `ERR_SIGNER_OUTPUT`,
 *   `ERR_X509_KEY_MISMATCH`, `ERR_X509_CHAIN_INVALID`,
 *   `ERR_LIMIT_EXCEEDED` (the log is full, the manifest too large), `ERR_BAG_INVALID` (no manifest, the manifest or log is not a regular file, or a commit journal or another file of the update protocol is refused: nothing is changed), `ERR_JWS_KEY_MISMATCH`,
 *   `ERR_SOURCE_NOT_FOUND`, `ERR_IO`
 * @example
 * await appendCustodyEvent('case-42', { type: 'accessed', actor, items: ['disk'], place: 'Lyon lab',
 *   purpose: 'verify the image before analysis' }, signer);
 */
export async function appendCustodyEvent(path: string, input: CustodyEventInput, signer: Signer): Promise<{ seq: number }> {
  return updateBundle(path, async (source) => {
    const manifestBytes = await readTagFileForUpdate(source, MANIFEST_FILE, LIMITS.manifestBytes);
    if (manifestBytes === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${MANIFEST_FILE} is missing`);
    const old = (await readTagFileForUpdate(source, CUSTODY_FILE, LIMITS.custodyBytes)) ?? new Uint8Array(0);
    const { seq, prev } = custodyTail(old, manifestBytes);
    const event = createCustodyEvent({
      ...input,
      seq,
      prev,
      time: input.time ?? new Date().toISOString(),
      actor: { ...input.actor, kid: signer.kid },
    } as CustodyEvent);
    checkCustodyAppend(old, event, { manifestBytes, itemIds: await itemIdsOf(source, manifestBytes) });
    const line = await signCustodyEvent(event, signer);
    return { changes: new Map([[CUSTODY_FILE, concatBytes(old, line)]]), result: { seq } };
  });
}

// Format 1.2 lists no items in the manifest: the ids are those of the leaves, disclosed or withheld.
async function itemIdsOf(source: BagSource, manifestBytes: Uint8Array): Promise<Set<string>> {
  const ids = manifestItemIds(manifestBytes);
  const bytes = await readTagFileForUpdate(source, DISCLOSURES_FILE, LIMITS.disclosuresBytes);
  if (ids.size > 0 || bytes === undefined) return ids;
  let file;
  try {
    file = parseDisclosuresFile(bytes);
  } catch (cause) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${DISCLOSURES_FILE} cannot be read`, { cause });
  }
  return new Set(file.leaves.map(leafItemId));
}

// The ids the verifier checks custody events against; the manifest's full validation is the verifier's.
function manifestItemIds(manifestBytes: Uint8Array): Set<string> {
  let items: unknown;
  try {
    items = (parseCanonicalJson(manifestBytes, { maxBytes: LIMITS.manifestBytes }) as { items?: unknown } | null)?.items;
  } catch (cause) {
    throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} cannot be read`, { cause });
  }
  if (!Array.isArray(items)) throw new EvidenceBundleError('ERR_MANIFEST_INVALID', `${MANIFEST_FILE} has no items array`);
  return new Set(items.flatMap((i: { id?: unknown } | null) => (typeof i?.id === 'string' ? [i.id] : [])));
}
