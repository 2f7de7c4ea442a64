import type { FindingDefinition } from '../finding.js';

/** Findings about the evidence-bundle profile of the bag (`bundle.*`) and the bundle's manifest document. */
export const BUNDLE_FINDINGS = {
  'bundle.archive-timestamps.malformed': {
    severity: 'warning',
    effect: 'none',
    summary: 'evidence/archive-timestamps.json is not strict JSON or does not match its schema: the archive-timestamp chain proves nothing, and the bundle is judged without it.',
  },
  'bundle.bag-info.date-mismatch': {
    severity: 'warning',
    effect: 'none',
    summary: 'bag-info.txt\'s Bagging-Date is not the UTC date of the manifest\'s createdAt (a SHOULD: bag-info.txt is not signed, the signed createdAt is what counts).',
  },
  'bundle.bag-info.identifier-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bag-info.txt\'s External-Identifier is not the manifest\'s bundleId: the bag and the manifest do not belong together.',
  },
  'bundle.bag-info.label-missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bag-info.txt lacks a label the evidence-bundle profile requires (Bagging-Date, Payload-Oxum, External-Identifier, spelled exactly so), or the file itself is absent.',
  },
  'bundle.bag-info.label-repeated': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bag-info.txt gives a required label (Bagging-Date, Payload-Oxum, External-Identifier) more than once, so its value is ambiguous.',
  },
  'bundle.bag-info.value-malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A required bag-info.txt value has the wrong form: Bagging-Date is not an RFC 3339 full-date, or Payload-Oxum is not "<octets>.<streams>".',
  },
  'bundle.bag.repaired': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag holds something BagIt tolerates by repairing it, with a warning (a "./" path prefix, md5sum\'s "*" marker, a bare "%", a bag-info label with surrounding white space, a byte-order mark in a tag file): a reader of evidence repairs nothing, so the bundle is not accepted.',
  },
  'bundle.cbor.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The file starts as a CBOR bundle but does not decode as one: malformed or non-deterministic CBOR, another document (members, format, version), or a file path that is unsafe or collides. Nothing in it was listed.',
  },
  'bundle.cbor.too-large': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The CBOR bundle is larger than a reader takes (64 MiB; the form is read whole): it was not read, nothing was listed.',
  },
  'bundle.declaration.not-profile': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bagit.txt is not exactly "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8" with LF line ends, as an evidence bundle requires.',
  },
  'bundle.protocol-file': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bundle, read as a ZIP or CBOR file, holds a file of the directory form\'s update protocol (.evb-commit, .evb-commit.tmp, a .evb-new version): it is never part of a bag, and extracted it would change what the bundle says.',
  },
  'bundle.path.not-portable': {
    severity: 'warning',
    effect: 'none',
    summary: 'A path cannot be created on Windows (a device name such as CON or COM1, a segment ending in a dot or space, or one of <>:"|?*): the bytes are intact, but the bundle cannot be extracted there.',
  },
  'bundle.payload-manifest.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag has no manifest-sha256.txt: an evidence bundle always lists its payload with SHA-256.',
  },
  'bundle.tag-manifest.incomplete': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag manifest does not list a tag file of the bag: every tag manifest must cover every tag file except the tag manifests.',
  },
  'bundle.tag-manifest.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag lacks a tag manifest the profile requires: tagmanifest-sha256.txt, and one tagmanifest-<alg>.txt for each payload manifest-<alg>.txt.',
  },
  'bundle.validation-data.malformed': {
    severity: 'warning',
    effect: 'none',
    summary: 'evidence/validation-data.json is not strict JSON, does not match its schema or exceeds its size limit: its CRLs and OCSP responses are not used.',
  },
  'manifest.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'evidence/manifest.json is absent: the bag is not an evidence bundle.',
  },
  'manifest.malformed-json': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest is not strict JSON (syntax, duplicate key, lone surrogate, invalid UTF-8, too deep or too large).',
  },
  'manifest.not-canonical': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest bytes are not their own RFC 8785 canonical form, so what was signed is ambiguous.',
  },
  'manifest.schema.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The manifest breaks a schema or cross-field rule; the path names the member at fault by JSON Pointer, e.g. evidence/manifest.json#/items/0/size.',
  },
} as const satisfies Record<string, FindingDefinition>;
