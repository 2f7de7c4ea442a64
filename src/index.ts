// The isomorphic core of evidence-bundle: Web APIs and Uint8Array only, no `node:` imports.
// Explicit list of exports; nothing is re-exported wholesale.
export { EvidenceBundleError, isEvidenceBundleError } from './errors.js';
export { base64Encode, base64DecodeStrict } from './internal/bytes.js';
export type { ErrorCode } from './errors.js';
export type { Severity, Effect, FindingDefinition, FindingLocation } from './report/finding.js';
export type { Finding } from './report/finding-type.js';
export { FINDING_CODES } from './report/codes.js';
export type { FindingCode } from './report/codes.js';
export { checkBundlePath, assertBundlePath, assertWritablePath, checkPortablePath, findPathCollisions, pathCollisionKey } from './path/bundle-path.js';
export type { PathProblem, PortabilityProblem } from './path/bundle-path.js';

// Canonical JSON (RFC 8785) and strict parsing of signed JSON
export { canonicalize, canonicalizeToBytes, serializeNumber } from './encoding/jcs.js';
export type { CanonicalizeOptions } from './encoding/jcs.js';
export { parseJson, parseCanonicalJson, DEFAULT_MAX_JSON_BYTES } from './encoding/strict-json.js';
export type { ParseJsonOptions } from './encoding/strict-json.js';

// Deterministic CBOR (RFC 8949 section 4.2.1)
export { encodeDeterministicCbor } from './encoding/cbor/encode.js';
export { decodeDeterministicCbor } from './encoding/cbor/decode.js';
export { DEFAULT_MAX_CBOR_BYTES } from './encoding/cbor/cbor-value.js';
export type { CborValue, CborMap, CborLimits } from './encoding/cbor/cbor-value.js';

// Digests
export { DIGEST_ALGORITHMS, DIGEST_ALGORITHM_NAMES, isDigestAlgorithm, nobleBackend } from './digest/algorithms.js';
export type { DigestAlgorithm, DigestBackend, DigestSet, IncrementalHash } from './digest/algorithms.js';
export { createMultiDigest, normaliseAlgorithms } from './digest/multi-digest.js';
export type { MultiDigest } from './digest/multi-digest.js';
export { digestStream } from './digest/digest-stream.js';
export type { ByteSource, DigestStreamOptions } from './digest/digest-stream.js';

// The manifest model (zod) and its JSON Schemas
export { ManifestSchema, FORMAT_VERSION } from './model/manifest.js';
export type { Manifest } from './model/manifest.js';
export type { Item } from './model/item.js';
export type { Actor } from './model/actor.js';
export type { Authority } from './model/authority.js';
export type { LegalBasis } from './model/legal-basis.js';
export type { Handling } from './model/handling.js';
export type { CountryCode } from './model/iso3166.js';
export { parseManifest } from './model/parse-manifest.js';
export { checkManifest } from './model/check-manifest.js';
export { JSON_SCHEMA_SOURCES, JSON_SCHEMA_NAMES, toJsonSchema } from './schemas.js';
export type { JsonSchemaName } from './schemas.js';

// Signatures (detached JWS over the canonical manifest) and keys
export { SIGNATURE_ALGORITHMS, MIN_RSA_MODULUS_BITS, isSignatureAlgorithm } from './sign/algorithms.js';
export type { SignatureAlgorithm } from './sign/algorithms.js';
export type { Signer } from './sign/signer.js';
export { createJwkSigner } from './sign/jwk-signer.js';
export { createCryptoKeySigner } from './sign/crypto-key-signer.js';
export type { CryptoKeySignerKeys, CryptoKeySignerOptions } from './sign/crypto-key-signer.js';
export { generateSigningKey } from './sign/generate-signing-key.js';
export type { GeneratedSigningKey } from './sign/generate-signing-key.js';
export { signDetached, MANIFEST_JWS_TYP, SIGNATURE_ROLES, isSignatureRole } from './sign/sign-detached.js';
export type { SignDetachedOptions, SignatureRole } from './sign/sign-detached.js';
export { derToJoseSignature } from './sign/der-to-jose.js';
export { verifyDetached } from './sign/verify-detached.js';
export type { VerifyDetachedOptions, DetachedVerification } from './sign/verify-detached.js';
export { parseSignatureFile, serializeSignatureFile, addSignature } from './sign/signature-file.js';
export type { JwsSignature, SignatureFile } from './sign/signature-file.js';

// BagIt containers
export { validateBag, BAG_LIMITS } from './bagit/validate-bag.js';
export type { ValidateBagOptions } from './bagit/validate-bag.js';
export { sourceFindings } from './bagit/source-findings.js';
export type { BagSource, BagEntry, BagValidation, BagFileDigests, BagReadOptions, BagSourceProblem } from './bagit/bag-source.js';
export { createTagFiles, buildTagManifests } from './bundle/create-tag-files.js';
export type { CreateTagFilesOptions, PayloadFile, BagInfoFields } from './bundle/create-tag-files.js';

// Bundles
export { buildManifest } from './bundle/build-manifest.js';
export { itemIdsFromPaths } from './bundle/item-id.js';
export type { BundleMetadata, ItemDescription, BuiltItem } from './bundle/build-manifest.js';
export { MANIFEST_FILE, SIGNATURES_FILE, CUSTODY_FILE, PAYLOAD_DIR, TAG_DIR, LIMITS } from './model/layout.js';
export {
  encodeCborBundle,
  decodeCborBundle,
  detectBundleForm,
  CBOR_BUNDLE_FORMAT,
  CBOR_BUNDLE_VERSION,
  CBOR_BUNDLE_MAX_BYTES,
  CBOR_BUNDLE_MAGIC,
} from './bundle/cbor-bundle.js';
export type { CborBundleOptions, BundleFileForm } from './bundle/cbor-bundle.js';
export { filesSource } from './bundle/files-source.js';
export { bundleFiles } from './bundle/bundle-files.js';
export { memorySink } from './bundle/bag-sink.js';
export type { BagSink, BagData, MemorySink } from './bundle/bag-sink.js';
export { packBundleTo } from './bundle/pack-to.js';
export type { PackSourceItem, PackToOptions, WithheldItem } from './bundle/pack-to.js';
export { zipSink } from './zip/zip-sink.js';
export type { BundleFile, BundleFilesOptions } from './bundle/bundle-files.js';
export { openZipSource, ZIP_LIMITS } from './zip/open-zip-source.js';
export type { OpenZipOptions } from './zip/open-zip-source.js';
export { createZipWriter } from './zip/zip-writer.js';
export type { ZipSink, ZipWriter, ZipWriterOptions, ZipAddOptions } from './zip/zip-writer.js';
export { memoryReader } from './zip/random-access-reader.js';
export type { RandomAccessReader } from './zip/random-access-reader.js';

// Verification and reports
export { verifyBundle } from './verify/verify-bundle.js';
export type { VerifyOptions } from './verify/verify-bundle.js';
export { createVerifier } from './verify/create-verifier.js';
export type { Verifier } from './verify/create-verifier.js';
export { assertBundle } from './verify/assert-bundle.js';
export { inspectBundle } from './verify/inspect-bundle.js';
export { readTagFile } from './verify/read-tag-file.js';
export type { BundleInspection } from './verify/inspect-bundle.js';
export { VerificationReportSchema, OutcomeSchema } from './verify/report-schema.js';
export type { VerificationReport, Outcome, ItemResult, SignatureResult, BundleIdentity } from './verify/report-schema.js';
export { renderReportText } from './verify/render-text.js';
export { renderReportJUnit, type JUnitOptions } from './verify/render-junit.js';
export { renderInspectionText } from './verify/render-inspection.js';
export { decideOutcome } from './verify/outcome.js';
export { makeFinding } from './report/codes.js';
export { escapeForDisplay, escapeJsonForDisplay } from './report/display-text.js';
export type { DisplayTextOptions } from './report/display-text.js';

// Chain of custody
export { CustodyEventSchema, CUSTODY_EVENT_TYPES, CUSTODY_EVENT_TYP } from './custody/custody-event.js';
export type { CustodyEvent, CustodyEventType, CustodyActor, CustodyCounterparty, CustodySeal } from './custody/custody-event.js';
export { createCustodyEvent } from './custody/create-custody-event.js';
export { checkCustodyAppend, DEFAULT_CLOCK_SKEW_SECONDS } from './custody/check-custody-append.js';
export type { CheckCustodyAppendOptions } from './custody/check-custody-append.js';
export { custodyLink } from './custody/custody-link.js';
export { signCustodyEvent } from './custody/sign-custody-event.js';
export { parseCustodyLog } from './custody/parse-custody-log.js';
export type { CustodyLine, ParsedCustodyLog } from './custody/parse-custody-log.js';
export { verifyCustodyLog } from './custody/verify-custody-log.js';
export type { VerifyCustodyOptions, CustodyEventResult, CustodyCheck } from './custody/verify-custody-log.js';

// X.509 chains (x5c) and RFC 3161 timestamps
export { verifyCertificateChain, MAX_CHAIN_LENGTH } from './x509/verify-chain.js';
export { certificatesFromText } from './x509/der.js';
export type { VerifyChainOptions, ChainResult, KeyUsageName } from './x509/verify-chain.js';
export { createTimestampRequest } from './timestamp/create-timestamp-request.js';
export type { CreateTimestampRequestOptions, TimestampRequest } from './timestamp/create-timestamp-request.js';
export { requestTimestamp, MAX_TSA_RESPONSE_BYTES, DEFAULT_TSA_TIMEOUT_MS } from './timestamp/request-timestamp.js';
export type { RequestTimestampOptions } from './timestamp/request-timestamp.js';
export { verifyTimestampToken } from './timestamp/verify-timestamp-token.js';
export type { VerifyTimestampOptions, TimestampVerification } from './timestamp/verify-timestamp-token.js';

// Trust policy
export { TrustPolicySchema, TRUST_ROLES, MAX_CLOCK_SKEW_SECONDS } from './trust/trust-policy.js';
export type { TrustPolicy, TrustPolicyInput, TrustedAuthority, TrustRequirement, TimestampAuthority, TrustRole } from './trust/trust-policy.js';
export { parseTrustPolicy } from './trust/parse-trust-policy.js';
export { trustPolicyFromKeys } from './trust/trust-policy-from-keys.js';
export { evaluateSignatures } from './trust/evaluate-signatures.js';
export type { EvaluateSignaturesOptions, PolicySignatureResult, SignatureEvaluation } from './trust/evaluate-signatures.js';
