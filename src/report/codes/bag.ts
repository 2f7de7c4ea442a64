import type { FindingDefinition } from '../finding.js';

/**
 * Findings of the BagIt layer (RFC 8493): declaration, bag-info, manifests, payload and tag files.
 * Errors make the bag invalid; warnings and infos leave it valid. A few rules are looser for bags that declare a
 * version before 1.0 (0.96, 0.97), as those drafts and the BagIt conformance suite have them: there a path
 * listed twice with the same digest (`bag.manifest.repeated-entry`), a path that is not NFC (`bag.path.not-nfc`)
 * and a second spelling of an existing file (`bag.path.alias`) are warnings; in BagIt 1.0 they are
 * `bag.manifest.duplicate-entry`, `bag.path.unsafe` and `bag.payload.missing` or `bag.path.collision`.
 */
export const BAG_FINDINGS = {
  'bag.declaration.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag has no bagit.txt at its root (RFC 8493 section 2.1.1).',
  },
  'bag.declaration.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bagit.txt is not exactly the two lines "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENC" in UTF-8 without a byte-order mark.',
  },
  'bag.declaration.unknown-version': {
    severity: 'warning',
    effect: 'none',
    summary: 'bagit.txt declares a BagIt 1.x version later than 1.0; BagIt 1.0 rules were applied.',
  },
  'bag.declaration.unsupported-version': {
    severity: 'error',
    effect: 'invalid',
    summary: 'bagit.txt declares a BagIt version whose rules this validator does not know (neither 0.96, 0.97 nor 1.x).',
  },
  'bag.encoding.unsupported': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The declared Tag-File-Character-Encoding is not supported, so tag files cannot be read.',
  },
  'bag.encoding.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag file is not valid text in the declared Tag-File-Character-Encoding.',
  },
  'bag.tagfile.bom': {
    severity: 'warning',
    effect: 'none',
    summary: 'A UTF-8 tag file starts with a byte-order mark, which was ignored.',
  },
  'bag.tagfile.too-large': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag file is larger than the limit the validator reads it with (judged by its size before reading); it was not read.',
  },
  'bag.tagfile.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag manifest lists a tag file that is not in the bag.',
  },
  'bag.tagfile.unlisted': {
    severity: 'warning',
    effect: 'none',
    summary: 'A tag file is not covered by any tag manifest, so its integrity is not protected by the bag.',
  },
  'bag.tagmanifest.absent': {
    severity: 'info',
    effect: 'none',
    summary: 'The bag has no tag manifest: its tag files are not covered by digests.',
  },
  'bag.tagmanifest.digest-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag file does not have the digest its tag manifest records.',
  },
  'bag.tagmanifest.payload-entry': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A tag manifest lists a payload file, which only payload manifests may list (RFC 8493 section 2.2.1).',
  },
  'bag.info.malformed-line': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A line of bag-info.txt is neither "Label: value" nor a continuation line (RFC 8493 section 2.2.2).',
  },
  'bag.info.label-whitespace': {
    severity: 'warning',
    effect: 'none',
    summary: 'A bag-info.txt label starts or ends with whitespace (RFC 8493 section 2.2.2); it was trimmed.',
  },
  'bag.journal.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary:
      'The commit journal .evb-commit is not a regular file of at most 64 KiB holding exactly {"files": [...]}, a non-empty list of distinct replaceable tag files reached through real directories; it was not acted on.',
  },
  'bag.journal.special-file': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A file of the commit protocol (.evb-commit.tmp, or a *.evb-new outside data/) is a symbolic link, directory, FIFO, socket or device; it was neither followed nor read.',
  },
  'bag.oxum.malformed': {
    severity: 'warning',
    effect: 'none',
    summary: 'Payload-Oxum is not "<octets>.<streams>"; it was not used.',
  },
  'bag.oxum.mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Payload-Oxum does not match the size and number of the payload files (RFC 8493 section 2.2.2).',
  },
  'bag.manifest.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag has no payload manifest (RFC 8493 section 2.1.3).',
  },
  'bag.manifest.malformed-line': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A manifest line is not "<hex digest> <whitespace> <path>" with a digest of the algorithm\'s length.',
  },
  'bag.manifest.unsupported-algorithm': {
    severity: 'warning',
    effect: 'none',
    summary: 'A manifest uses an algorithm this validator does not implement; another manifest was used instead.',
  },
  'bag.manifest.no-usable-algorithm': {
    severity: 'error',
    effect: 'invalid',
    summary: 'No payload manifest uses an algorithm this validator implements, so no payload digest can be checked.',
  },
  'bag.manifest.weak-algorithm': {
    severity: 'info',
    effect: 'none',
    summary: 'A manifest uses MD5 or SHA-1, which do not resist deliberate collisions.',
  },
  'bag.manifest.duplicate-entry': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A manifest lists the same path twice (with different digests, or at all in BagIt 1.0).',
  },
  'bag.manifest.repeated-entry': {
    severity: 'warning',
    effect: 'none',
    summary: 'A manifest of a bag before BagIt 1.0 lists the same path twice with the same digest.',
  },
  'bag.manifest.dot-slash': {
    severity: 'warning',
    effect: 'none',
    summary: 'A manifest path starts with "./"; the prefix was removed.',
  },
  'bag.manifest.binary-marker': {
    severity: 'warning',
    effect: 'none',
    summary: 'A manifest line uses the md5sum binary-mode marker "<digest> *<path>"; the "*" was removed.',
  },
  'bag.manifest.outside-payload': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A payload manifest lists a path outside data/.',
  },
  'bag.manifest.incomplete': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A payload file is listed in some payload manifests but not in every one (RFC 8493 section 3).',
  },
  'bag.payload.no-directory': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag has no data/ directory.',
  },
  'bag.payload.missing': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A payload manifest lists a file that is not in data/.',
  },
  'bag.payload.undeclared': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A file in data/ is not listed in any payload manifest (something was added).',
  },
  'bag.payload.digest-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A payload file does not have the digest its payload manifest records: it was altered.',
  },
  'bag.payload.system-file': {
    severity: 'warning',
    effect: 'none',
    summary: 'The payload lists an operating-system metadata file (.DS_Store, Thumbs.db, desktop.ini, ._*).',
  },
  'bag.fetch.present': {
    severity: 'info',
    effect: 'none',
    summary: 'The bag has a fetch.txt; nothing is fetched, every listed file must already be present.',
  },
  'bag.fetch.malformed-line': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A fetch.txt line is not "<url> <length or -> <path>" (RFC 8493 section 2.2.3).',
  },
  'bag.fetch.outside-payload': {
    severity: 'error',
    effect: 'invalid',
    summary: 'fetch.txt names a path outside data/.',
  },
  'bag.fetch.unlisted': {
    severity: 'error',
    effect: 'invalid',
    summary: 'fetch.txt names a file that no payload manifest lists (RFC 8493 section 2.2.3).',
  },
  'bag.fetch.unfetched': {
    severity: 'error',
    effect: 'invalid',
    summary: 'fetch.txt lists a file that is not in the bag: the bag is incomplete (this validator never fetches).',
  },
  'bag.path.unsafe': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A path in the bag or in a manifest is absolute, climbs out with "..", holds a backslash, NUL or control character, is not NFC, is not valid UTF-8 or is too long.',
  },
  'bag.path.bare-percent': {
    severity: 'warning',
    effect: 'none',
    summary: 'A BagIt 1.0 manifest or fetch.txt path holds a "%" that does not start %25, %0A or %0D; it was read as written.',
  },
  'bag.path.not-nfc': {
    severity: 'warning',
    effect: 'none',
    summary: 'A bag before BagIt 1.0 names a path that is not in Unicode NFC.',
  },
  'bag.path.collision': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Two paths are equal after case folding and Unicode normalisation (or a path appears twice), so they cannot both exist on every file system.',
  },
  'bag.path.alias': {
    severity: 'warning',
    effect: 'none',
    summary: 'A bag before BagIt 1.0 names one file under two spellings that differ only in case or normalisation.',
  },
  'bag.entry.symlink': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag holds a symbolic link; links are never followed and never allowed.',
  },
  'bag.entry.special': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag holds a FIFO, socket, device or other non-regular file.',
  },
  'bag.entry.unreadable': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A file or directory of the bag could not be read.',
  },
  'bag.limit.entries': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The bag holds more entries than the configured limit; validation stopped.',
  },
} as const satisfies Record<string, FindingDefinition>;
