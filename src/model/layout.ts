import { DIGEST_ALGORITHM_NAMES, DIGEST_ALGORITHMS } from '../digest/algorithms.js';

/**
 * Where things live inside a bundle (docs/format.md, "Container layout"). A bundle directory is a BagIt 1.0 bag
 * (RFC 8493): evidence bytes under `data/`, the bundle's own documents in the tag directory `evidence/`.
 */
export const PAYLOAD_DIR = 'data';
/** The tag directory holding the bundle's own documents (manifest, signatures, custody log). */
export const TAG_DIR = 'evidence';
/** The manifest, stored as its RFC 8785 canonical bytes; the signatures sign exactly these bytes. */
export const MANIFEST_FILE = 'evidence/manifest.json';
/** Detached JWS, General JSON Serialization (RFC 7515 section 7.2.1), one entry per signer. */
export const SIGNATURES_FILE = 'evidence/signatures.json';
/** The custody log: one signed event per line. */
export const CUSTODY_FILE = 'evidence/custody.jsonl';
/** CRLs and OCSP responses captured for the signatures' certificates (docs/format.md, "Validation data"). */
export const VALIDATION_DATA_FILE = 'evidence/validation-data.json';
/** The archive-timestamp chain (docs/format.md, "Archive timestamps"). */
export const ARCHIVE_TIMESTAMPS_FILE = 'evidence/archive-timestamps.json';
/** The disclosures of a format 1.2 bundle: salt and metadata of each disclosed item (docs/format.md, "Selective disclosure"). */
export const DISCLOSURES_FILE = 'evidence/disclosures.json';

/**
 * Largest manifest, signature file and custody log the reader accepts (bounded resources). Chosen so that
 * verifying any input within them takes bounded memory, at most 2 GiB (docs/format.md, "Limits";
 * bench/hostile-sizes.ts measures it: 1.8 GiB for a manifest of LIMITS.items items, under tsx). A manifest is
 * held as its bytes (signed) and its text (which the parsed strings keep alive), with the parsed tree; items are
 * checked in place (no schema copy), and each has one small entry in the report.
 */
export const LIMITS = {
  // About 190 bytes per item at the least: room for LIMITS.items items with their SHA-256 digests.
  manifestBytes: 256 * 1024 * 1024,
  // JSON values in the manifest: a short value costs far more memory than its text (a 2-byte `{}` is a 56-byte
  // object), so bytes alone do not bound the parsed tree. An item takes 9 values at the least (id, path, size,
  // media type, SHA-256, disclosure and their objects), about 20 with a description and an acquisition: the
  // most items fit in their smallest form, fewer richer ones.
  manifestValues: 10_000_000,
  // Members of one object of the manifest: its objects are small (an item has 9 members at most, a text a few
  // languages), and an object of millions of keys would cost a hash table of several hundred MB.
  manifestMembers: 4096,
  signatureFileBytes: 4 * 1024 * 1024,
  signatures: 64,
  custodyBytes: 64 * 1024 * 1024,
  custodyEvents: 100_000,
  validationDataBytes: 32 * 1024 * 1024,
  archiveTimestampsBytes: 1024 * 1024,
  archiveTimestamps: 64,
  // The disclosures of a 1.2 bundle hold what a 1.1 manifest holds in items, plus a salt per item (about 60
  // bytes with its member name): the manifest's limit and 64 MiB of salts for LIMITS.items items.
  disclosuresBytes: 320 * 1024 * 1024,
  // Productions of a million small files (mailboxes, chat exports, logs): the items are checked one by one
  // without a schema copy, and the text report counts the intact ones instead of listing them.
  items: 1_000_000,
  // Files and directories of a bundle: every item's file, the directories above them and the tag files, with
  // room to spare (above the generic BagIt validator's default of 1,000,000, which verifyBundle overrides).
  bagEntries: 1_100_000,
  // The average bag path (data/ included) that limits sized by a count of entries leave room for: the lines of a
  // payload or tag manifest, the records of a ZIP's central directory. A production of a million files has short
  // paths (a manifest of LIMITS.items items at LIMITS.manifestBytes averages about 80 bytes a path); a longer
  // path fits, only not every path of a bundle at the limit can be that long.
  entryPathBytes: 128,
} as const;

/** Bytes of a manifest line besides its digest and path: the separating spaces and the line feed. */
const MANIFEST_LINE_OVERHEAD = 3;

/**
 * Largest payload or tag manifest (`manifest-<alg>.txt`, `tagmanifest-<alg>.txt`) a reader accepts for an
 * algorithm of `hexLength`-character digests: `lines` lines (LIMITS.bagEntries, every file of a bundle at the
 * limit) of that digest, two spaces, a path of LIMITS.entryPathBytes and a line feed. 1.1 million lines give
 * 214 MB for SHA-256, 285 MB for SHA-512.
 */
export function bagManifestBytes(hexLength: number, lines: number = LIMITS.bagEntries): number {
  return lines * (hexLength + MANIFEST_LINE_OVERHEAD + LIMITS.entryPathBytes);
}

/**
 * The size limit of each of the bundle's own tag files, by bag path, for whoever reads or hashes it whole (the
 * bag check, writers rehashing tag files): the documents of evidence/ and the payload and tag manifests of
 * every registry algorithm ({@link bagManifestBytes}); every other tag file has the bag check's
 * `BAG_LIMITS.tagFileBytes`.
 */
export const BUNDLE_FILE_LIMITS: ReadonlyMap<string, number> = new Map([
  ...DIGEST_ALGORITHM_NAMES.flatMap((alg): Array<[string, number]> => {
    const { bagitName, outputBytes } = DIGEST_ALGORITHMS[alg];
    const bytes = bagManifestBytes(outputBytes * 2);
    return [[`manifest-${bagitName}.txt`, bytes], [`tagmanifest-${bagitName}.txt`, bytes]];
  }),
  [MANIFEST_FILE, LIMITS.manifestBytes],
  [SIGNATURES_FILE, LIMITS.signatureFileBytes],
  [CUSTODY_FILE, LIMITS.custodyBytes],
  [VALIDATION_DATA_FILE, LIMITS.validationDataBytes],
  [ARCHIVE_TIMESTAMPS_FILE, LIMITS.archiveTimestampsBytes],
  [DISCLOSURES_FILE, LIMITS.disclosuresBytes],
]);

/** Bag path of an item's bytes: items name paths relative to `data/`. */
export function payloadPath(itemPath: string): string {
  return `${PAYLOAD_DIR}/${itemPath}`;
}

/** The commit journal of the directory form's atomic updates (docs/format.md, "Atomic updates"). */
export const COMMIT_JOURNAL = '.evb-commit';
/** The journal's temporary name, before the rename that commits. */
export const JOURNAL_TMP = `${COMMIT_JOURNAL}.tmp`;
/** Suffix of a tag file's next version while a commit is under way. */
export const PENDING_SUFFIX = '.evb-new';

/**
 * Whether `path` is a file of the directory form's update protocol (the journal, its temporary file, a pending
 * `.evb-new` version outside data/): never part of the bag. A directory reader hides them; any other form has no
 * business holding one, since extracted it would change what the bundle says.
 */
export function isCommitProtocolPath(path: string): boolean {
  return !path.startsWith(`${PAYLOAD_DIR}/`) && (path === COMMIT_JOURNAL || path === JOURNAL_TMP || path.endsWith(PENDING_SUFFIX));
}
