import type { BagSource } from '../bagit/bag-source.js';
import { parseBagInfo, serializeBagInfo } from '../bagit/bag-info.js';
import { compareCodePoints, parseManifest as parseBagManifest, serializeManifest } from '../bagit/manifest.js';
import { formatPayloadOxum, payloadOxumOf } from '../bagit/payload-oxum.js';
import { readBounded } from '../bagit/read-bounded.js';
import { checkCustodyAppend } from '../custody/check-custody-append.js';
import { createCustodyEvent } from '../custody/create-custody-event.js';
import type { CustodyActor, CustodyEvent } from '../custody/custody-event.js';
import { custodyTail } from '../custody/custody-tail.js';
import { signCustodyEvent } from '../custody/sign-custody-event.js';
import type { DigestBackend } from '../digest/algorithms.js';
import { isDisclosedLeaf, leafItemId, serializeDisclosuresFile } from '../disclosure/disclosures-file.js';
import { readDisclosedBundle } from '../disclosure/read-disclosed-bundle.js';
import { EvidenceBundleError, isEvidenceBundleError } from '../errors.js';
import { compareBytes, concatBytes, toHex, utf8DecodeStrict, utf8Encode } from '../internal/bytes.js';
import { ARCHIVE_TIMESTAMPS_FILE, bagManifestBytes, BUNDLE_FILE_LIMITS, CUSTODY_FILE, DISCLOSURES_FILE, LIMITS, payloadPath } from '../model/layout.js';
import type { Signer } from '../sign/signer.js';
import type { BagSink } from './bag-sink.js';
import { bundleFiles } from './bundle-files.js';
import { tagFileChanges } from './tag-file-changes.js';

/** What {@link redactBundleTo} withholds, why, and who records it. */
export interface RedactOptions {
  /** Ids of the items to withhold: disclosed items of the bundle, at least one. */
  withhold: readonly string[];
  /** Why they are withheld (recorded in the signed redaction event and shown to the receiver). */
  reason: string;
  /** The provision that allows or requires withholding. */
  legalBasis?: string;
  /** Signs the redaction event: the key of the items' current custodian (custody rules). */
  signer: Signer;
  /** The actor recording the redaction; its `kid` is the signer's. */
  actor: Omit<CustodyActor, 'kid'>;
  /** Where the redaction is made. */
  place: string;
  /** Why the derived bundle is made (default: a sentence naming the redaction). */
  purpose?: string;
  /** RFC 3339 time of the event; now by default. */
  time?: string;
  /** Hash implementation; @noble/hashes by default. */
  backend?: DigestBackend;
}

/**
 * Derives from a format 1.2 bundle a bundle without the withheld items' bytes and disclosures (docs/format.md,
 * "Redaction"): the signed manifest and its signatures are copied unchanged and still verify, each withheld leaf
 * keeps only its id and leaf hash, the payload manifests and Payload-Oxum lose the withheld files, and a signed
 * `redacted` custody event records who withheld what, when and why. Works from any source form to any sink form.
 * The source bag is validated first and its disclosures checked against the signed root; the event must pass
 * the custody rules (only the items' custodian may redact) before anything is written. On failure the sink is
 * aborted.
 * @returns the withheld ids and the seq of the redaction event
 * @throws EvidenceBundleError `ERR_DISCLOSURE_INVALID` (not format 1.2, an id that is not a disclosed item,
 *   disclosures that do not match the root, archive timestamps present, no payload file left), `ERR_CUSTODY_RULE` (the signer does not
 *   hold the items), `ERR_CUSTODY_INVALID`, `ERR_BAG_INVALID`, `ERR_JWS_KEY_MISMATCH`, `ERR_SIGNER_OUTPUT`, what
 *   the source and sink throw; TypeError for an empty `withhold`
 * @example
 * await redactBundleTo(source, sink, { withhold: ['third-party'], reason: 'data of a third party', signer, actor, place: 'Hanoi' });
 */
export async function redactBundleTo(source: BagSource, sink: BagSink, options: RedactOptions): Promise<{ withheld: string[]; seq: number }> {
  try {
    if (options.withhold.length === 0) throw new TypeError('withhold: name at least one item');
    const files = await bundleFiles(source, options.backend ? { backend: options.backend } : {});
    const names = new Set(files.map((f) => f.path));
    // The archive-timestamp chain covers the files as they were: it cannot survive the removal of any.
    if (names.has(ARCHIVE_TIMESTAMPS_FILE)) {
      throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `${ARCHIVE_TIMESTAMPS_FILE} covers every file of the bundle: redact before adding archive timestamps`);
    }
    const bundle = await readDisclosedBundle(source);
    const index = new Map(bundle.disclosures.leaves.map((leaf, i) => [leafItemId(leaf), i]));
    const ids = [...new Set(options.withhold)];
    const withheldPaths = new Set<string>();
    const leaves = [...bundle.disclosures.leaves];
    for (const id of ids) {
      const i = index.get(id);
      const leaf = i === undefined ? undefined : leaves[i];
      if (leaf === undefined) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `no item ${JSON.stringify(id)} in the bundle`);
      if (!isDisclosedLeaf(leaf)) throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', `item ${JSON.stringify(id)} is already withheld`);
      if (leaf.item.path !== undefined) withheldPaths.add(payloadPath(leaf.item.path));
      leaves[i!] = { withheld: { id, leaf: toHex(bundle.leaves[i!]!) } };
    }

    const old = names.has(CUSTODY_FILE) ? await readSmall(source, CUSTODY_FILE, LIMITS.custodyBytes) : new Uint8Array(0);
    const tail = custodyTail(old, bundle.manifestBytes);
    const event = createCustodyEvent({
      type: 'redacted',
      ...tail,
      time: options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      actor: { ...options.actor, kid: options.signer.kid },
      items: ids,
      leaves: ids.map((id) => toHex(bundle.leaves[index.get(id)!]!)),
      reason: options.reason,
      ...(options.legalBasis !== undefined ? { legalBasis: options.legalBasis } : {}),
      place: options.place,
      purpose: options.purpose ?? `withhold ${ids.length} item(s) from the bundle before it is sent`,
    } as CustodyEvent);
    checkCustodyAppend(old, event, { manifestBytes: bundle.manifestBytes, itemIds: new Set(index.keys()) });
    const line = await signCustodyEvent(event, options.signer);

    const kept = files.filter((f) => !withheldPaths.has(f.path));
    // A bag without a payload file has no data/ in the ZIP and CBOR forms, which BagIt readers refuse.
    if (!kept.some((f) => f.path.startsWith('data/'))) {
      throw new EvidenceBundleError('ERR_DISCLOSURE_INVALID', 'withholding these items leaves no bytes in the bundle: keep at least one item, or send nothing');
    }
    const changes = new Map<string, Uint8Array>([
      [DISCLOSURES_FILE, serializeDisclosuresFile({ leaves })],
      [CUSTODY_FILE, concatBytes(old, line)],
    ]);
    for (const f of files) {
      if (/^manifest-[a-z0-9]+\.txt$/.test(f.path)) changes.set(f.path, await withoutLines(source, f.path, withheldPaths));
    }
    changes.set('bag-info.txt', await withOxum(source, kept.filter((f) => f.path.startsWith('data/')).map((f) => f.size)));
    const tagFiles = await tagFileChanges(source, changes, options.backend ? { backend: options.backend } : {});

    const out: Array<{ path: string; key: Uint8Array; size: number; data: Uint8Array | AsyncIterable<Uint8Array> }> = [];
    for (const f of kept) if (!tagFiles.has(f.path)) out.push({ path: f.path, key: utf8Encode(f.path), size: f.size, data: f.read() });
    for (const [path, bytes] of tagFiles) out.push({ path, key: utf8Encode(path), size: bytes.length, data: bytes });
    out.sort((a, b) => compareBytes(a.key, b.key));
    for (const f of out) await sink.add(f.path, f.data, f.size);
    await sink.commit();
    return { withheld: ids, seq: event.seq };
  } catch (error) {
    await sink.abort().catch(() => undefined);
    throw error;
  }
}

async function readSmall(source: BagSource, path: string, limit: number): Promise<Uint8Array> {
  const bytes = await readBounded(source, path, limit);
  if (bytes === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path} is larger than ${limit} bytes`);
  return bytes;
}

// SHA-512's: the longest digest of any algorithm a payload manifest may use (a legacy one included).
const LONGEST_HEX_DIGEST = 128;

/** A payload manifest without the lines of the withheld files (the bag was validated: every line is sound). */
async function withoutLines(source: BagSource, path: string, withheld: ReadonlySet<string>): Promise<Uint8Array> {
  const text = utf8DecodeStrict(await readSmall(source, path, BUNDLE_FILE_LIMITS.get(path) ?? bagManifestBytes(LONGEST_HEX_DIGEST)));
  const { entries } = parseBagManifest(text, { file: path });
  const keptEntries = entries.filter((e) => !withheld.has(e.path)).sort((a, b) => compareCodePoints(a.path, b.path));
  return utf8Encode(serializeManifest(keptEntries));
}

/** bag-info.txt with the Payload-Oxum of the files kept, every other line as it was. */
async function withOxum(source: BagSource, sizes: readonly number[]): Promise<Uint8Array> {
  let text: string;
  try {
    text = utf8DecodeStrict(await readSmall(source, 'bag-info.txt', 1024 * 1024));
  } catch (error) {
    if (isEvidenceBundleError(error, 'ERR_SOURCE_NOT_FOUND')) throw new EvidenceBundleError('ERR_BAG_INVALID', 'bag-info.txt is missing');
    throw error;
  }
  const oxum = formatPayloadOxum(payloadOxumOf(sizes));
  const entries = parseBagInfo(text).entries.map(([label, value]) => [label, label === 'Payload-Oxum' ? oxum : value] as const);
  return utf8Encode(serializeBagInfo(entries));
}
