// evidence-bundle: the facade a tool needs (pack, open, verify, sign, custody, policy, render) and its types.
// The isomorphic core: Web APIs and Uint8Array only, no `node:` imports. Explicit list of exports.
// Primitives live behind named subpaths, one file each under src/entries/ (README, "Library entry points"):
// evidence-bundle/jws, /custody, /x509, /timestamp, /trust, /cbor, /zip, /bagit, /encoding, /digest, /report,
// /i18n (reports in the reader's language), /case (CASE/UCO export),
// and the Node adapters at evidence-bundle/node.

// Errors and findings
export { EvidenceBundleError, isEvidenceBundleError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { Severity, Effect, FindingLocation } from './report/finding.js';
export type { Finding } from './report/finding-type.js';
export { FINDING_CODES } from './report/codes.js';
export type { FindingCode } from './report/codes.js';

// The manifest model (zod) and its JSON Schemas
export { ManifestSchema, FORMAT_VERSION, BUNDLE_RELATIONS, formatVersionFor } from './model/manifest.js';
export type { Manifest, RelatedBundle } from './model/manifest.js';
export type { Item } from './model/item.js';
export type { Actor } from './model/actor.js';
export type { Authority } from './model/authority.js';
export type { LegalBasis } from './model/legal-basis.js';
export { REQUEST_ID_SCHEMES } from './model/legal-basis.js';
export type { RequestIdentifier } from './model/legal-basis.js';
export type { Handling } from './model/handling.js';
export type { CountryCode } from './model/iso3166.js';
export { parseManifest } from './model/parse-manifest.js';
export { checkManifest, checkManifestAsync } from './model/check-manifest.js';
export type { ManifestCheck } from './model/check-manifest.js';
export { JSON_SCHEMA_NAMES, toJsonSchema } from './schemas.js';
export type { JsonSchemaName } from './schemas.js';

// Signers and keys (the JWS primitives: evidence-bundle/jws)
export { SIGNATURE_ALGORITHMS } from './sign/algorithms.js';
export type { SignatureAlgorithm } from './sign/algorithms.js';
export type { Signer } from './sign/signer.js';
export { createJwkSigner } from './sign/jwk-signer.js';
export { createCryptoKeySigner } from './sign/crypto-key-signer.js';
export type { CryptoKeySignerKeys, CryptoKeySignerOptions } from './sign/crypto-key-signer.js';
export { generateSigningKey } from './sign/generate-signing-key.js';
export type { GeneratedSigningKey } from './sign/generate-signing-key.js';
export { SIGNATURE_ROLES } from './sign/sign-detached.js';
export type { SignatureRole } from './sign/sign-detached.js';
export { derToJoseSignature } from './sign/der-to-jose.js';

// What verifyBundle reads: implement BagSource for a container of your own (BagIt primitives: evidence-bundle/bagit)
export type { BagSource, BagEntry } from './bagit/bag-source.js';

// Pack and open (in memory, ZIP, CBOR; files on disk: evidence-bundle/node)
export { buildManifest } from './bundle/build-manifest.js';
export { itemIdsFromPaths } from './bundle/item-id.js';
export type { BundleMetadata, ItemDescription, BuiltItem } from './bundle/build-manifest.js';
export { decodeCborBundle } from './bundle/cbor-bundle.js';
export { detectBundleForm } from './bundle/bundle-form.js';
export type { BundleFileForm } from './bundle/bundle-form.js';
export { filesSource } from './bundle/files-source.js';
export { memorySink } from './bundle/bag-sink.js';
export type { BagSink, BagData, MemorySink } from './bundle/bag-sink.js';
export { packBundleTo } from './bundle/pack-to.js';
export type { PackSourceItem, PackToOptions, WithheldItem } from './bundle/pack-to.js';
export { openZipSource } from './zip/open-zip-source.js';
export type { OpenZipOptions } from './zip/open-zip-source.js';
export { memoryReader } from './zip/random-access-reader.js';
export type { RandomAccessReader } from './zip/random-access-reader.js';

// Verify and render
export { verifyBundle } from './verify/verify-bundle.js';
export type { VerifyOptions } from './verify/verify-bundle.js';
export { createVerifier } from './verify/create-verifier.js';
export type { Verifier } from './verify/create-verifier.js';
export { assertBundle } from './verify/assert-bundle.js';
export { inspectBundle } from './verify/inspect-bundle.js';
export type { BundleInspection } from './verify/inspect-bundle.js';
export { relatedBundle } from './verify/related-bundle.js';
export type {
  VerificationReport,
  Outcome,
  ItemResult,
  SignatureResult,
  BundleIdentity,
} from './verify/report-schema.js';
export { renderReportText } from './verify/render-text.js';
export type { RenderTextOptions } from './verify/render-text.js';
export { renderReportJUnit, type JUnitOptions } from './verify/render-junit.js';
export { renderInspectionText } from './verify/render-inspection.js';
export { escapeForDisplay } from './report/display-text.js';
export type { DisplayTextOptions } from './report/display-text.js';

// Chain of custody (primitives: evidence-bundle/custody)
export { CUSTODY_EVENT_TYPES } from './custody/custody-event.js';
export type {
  CustodyEvent,
  CustodyEventType,
  CustodyActor,
  CustodyCounterparty,
  CustodySeal,
} from './custody/custody-event.js';
export { createCustodyEvent } from './custody/create-custody-event.js';

// Trust policy (evaluation: evidence-bundle/trust)
export { TRUST_ROLES } from './trust/trust-policy.js';
export type {
  TrustPolicy,
  TrustPolicyInput,
  TrustedAuthority,
  TrustRequirement,
  TimestampAuthority,
  TrustRole,
  RevocationPolicy,
} from './trust/trust-policy.js';
export type { LegalRules } from './trust/legal-rules.js';
export type { RevocationDataInput } from './trust/check-revocation.js';
export { parseTrustPolicy } from './trust/parse-trust-policy.js';
export { trustPolicyFromKeys } from './trust/trust-policy-from-keys.js';
