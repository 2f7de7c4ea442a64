import type { FindingDefinition } from '../finding.js';

/**
 * Findings of the ZIP form (docs/format.md, "ZIP form"): what `openZipSource` finds in the archive itself, beyond
 * the bag it holds. An entry with an entry-level error is still listed when its name can be, but cannot be read
 * (the validator adds `bag.entry.unreadable` for it); an archive-level error that hides the central directory
 * leaves nothing listed.
 */
export const ZIP_FINDINGS = {
  'zip.archive.comment': {
    severity: 'warning',
    effect: 'none',
    summary: 'The archive has a comment, which the profile does not write; it was ignored.',
  },
  'zip.archive.directory-malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The central directory does not match its end record (size, entry count, a record signature or length, disk numbers): nothing in it can be trusted, nothing was listed.',
  },
  'zip.archive.gap': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Bytes between two entries, or between the last entry and the central directory, belong to no entry: hidden data.',
  },
  'zip.archive.prefix-data': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Bytes before the first entry belong to no entry (a self-extractor stub, or hidden data).',
  },
  'zip.archive.trailing-data': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Bytes follow the end of central directory record (and its comment).',
  },
  'zip.archive.truncated': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The archive ends early: no end record, or a record or entry reaches past the end of the file.',
  },
  'zip.entry.compressed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry uses a compression method other than STORED (0): the profile never re-encodes evidence; it was not read.',
  },
  'zip.entry.crc-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The CRC-32 of an entry\'s bytes is not the one its central directory record holds: the bytes were altered or damaged after the archive was written. Their digests are still compared with the manifests.',
  },
  'zip.entry.duplicate': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Two entries have exactly the same name: which one is meant is ambiguous, neither was read.',
  },
  'zip.entry.header-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry\'s local header (or data descriptor) disagrees with its central directory record: offset, signature, name, flags, method, sizes or CRC-32; it was not read.',
  },
  'zip.entry.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry\'s extra fields do not parse, or a directory entry (name ending in "/") holds data; it was not read.',
  },
  'zip.entry.name-encoding': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry name is not valid UTF-8, or is not ASCII without the UTF-8 flag (bit 11) and so has no certain reading; it was not listed.',
  },
  'zip.entry.overlap': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry\'s bytes overlap another entry or the central directory; neither overlapping entry was read.',
  },
  'zip.entry.unsupported': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An entry sets a general-purpose flag outside the profile (encryption, patched data, masked headers...); it was not read.',
  },
  'zip.limit.central-directory': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The central directory is larger than the reader\'s limit; it was not read, nothing was listed.',
  },
  'zip.limit.entries': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The archive declares more entries than the reader\'s limit; nothing was listed.',
  },
  'zip.zip64.inconsistent': {
    severity: 'error',
    effect: 'invalid',
    summary: 'ZIP64 records lie: a 0xFFFF/0xFFFFFFFF field without its ZIP64 value, a ZIP64 value disagreeing with a 32-bit one, a locator or record out of place, a value past 2^53 - 1.',
  },
} as const satisfies Record<string, FindingDefinition>;
