// evidence-bundle/node: Node.js adapters (file-system containers, native hashing, worker pool).
// Explicit list of exports; nothing is re-exported wholesale.

// Hashing
export { nodeBackend } from './digest-backend.js';
export { digestFile } from './digest-file.js';
export type { DigestFileOptions } from './digest-file.js';
export { createDigestPool } from './digest-pool.js';
export type { DigestPool, DigestPoolOptions, FileDigests, RangeDigest, RangeDigests } from './digest-pool.js';

// Bundle directories
export { packBundle } from './pack-bundle.js';
export type { PackItem, PackOptions, WithheldItem } from './pack-bundle.js';
export { openBundleDirectory } from './open-bundle-directory.js';
export { openBundle } from './open-bundle.js';
export type { BundleForm, OpenBundleOptions, OpenedBundle } from './open-bundle.js';
export { verifyBundleAt } from './verify-bundle-at.js';
export { convertBundle, formFromName, writeBundle } from './write-bundle.js';
export type { ConvertBundleOptions } from './write-bundle.js';
export { verifyBundleDirectory } from './verify-bundle-directory.js';
export { signBundleDirectory } from './sign-bundle-directory.js';
export { recoverInterruptedCommit } from './commit-tag-files.js';
export { appendCustodyEvent } from './append-custody-event.js';
export type { CustodyEventInput } from './append-custody-event.js';
export { timestampBundleDirectory } from './timestamp-bundle-directory.js';
export type { TimestampBundleOptions } from './timestamp-bundle-directory.js';
export { archiveTimestampBundle } from './archive-timestamp-bundle.js';
export type { ArchiveTimestampOptions } from './archive-timestamp-bundle.js';
export { addValidationData } from './add-validation-data.js';
export { openDirectorySource } from './directory-source.js';
export type { DirectorySourceOptions } from './directory-source.js';
export { ioError } from './io-error.js';
export { readRegularFile } from './read-regular-file.js';
export { fileReader } from './file-reader.js';

// Keys in PKCS#11 tokens (HSMs, smart cards)
export { createPkcs11Signer } from './pkcs11-signer.js';
export type { Pkcs11Signer, Pkcs11SignerOptions } from './pkcs11-signer.js';
export { parsePkcs11Uri } from './pkcs11-uri.js';
export type { Pkcs11Uri } from './pkcs11-uri.js';
export { redactBundle } from './redact-bundle.js';
export type { RedactBundleOptions } from './redact-bundle.js';
export { packBundleInPlace, recoverInPlace } from './pack-in-place.js';
export type { PackInPlaceOptions } from './pack-in-place.js';
