import { sha256 } from '@noble/hashes/sha2.js';
import { compareCodePoints } from '../bagit/manifest.js';
import { toHex, utf8Encode } from '../internal/bytes.js';
import { punycodeEncode } from '../internal/punycode.js';

/** Longest item id (docs/format.md, "Value types": identifier). */
const MAX_ID = 128;
/** Hex digits of SHA-256 of the path that end an id cut to length. */
const HASH_DIGITS = 8;

/**
 * Item ids for item paths (docs/format.md, "Item ids from paths"), in the order of `paths`: unique, matching
 * the identifier pattern `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`, readable for any script, and deterministic (the
 * same paths give the same ids whatever their order). Path segments are joined by `-`; in ASCII the letters,
 * digits, `.`, `_` and `-` are kept and every other run becomes `-`; a segment with other characters becomes
 * its Punycode (RFC 3492) behind `xn--`, so Arabic, Chinese or emoji names stay distinct and decodable. An id
 * over 128 characters is cut and ends with `-` and 8 hex digits of SHA-256 of the path; a path with nothing
 * left is `item`. Ids still equal, or equal to one of `reserved` (ids given explicitly), get `-2`, `-3`, ... in
 * code-point order of their paths.
 * @throws TypeError when `paths` holds something other than strings, or the same path twice
 * @example
 * itemIdsFromPaths(['chat/export.json', 'رسالة.txt']); // ['chat-export.json', 'xn--.txt-...']
 */
export function itemIdsFromPaths(paths: readonly string[], reserved: Iterable<string> = []): string[] {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) throw new TypeError('paths must be an array of strings');
  const order = paths.map((_, i) => i).sort((a, b) => compareCodePoints(paths[a]!, paths[b]!));
  const taken = new Set(reserved);
  const nextSuffix = new Map<string, number>();
  const ids = new Array<string>(paths.length);
  for (const [rank, i] of order.entries()) {
    if (rank > 0 && paths[order[rank - 1]!] === paths[i]) throw new TypeError(`path ${JSON.stringify(paths[i])} is given twice`);
    const base = readableId(paths[i]!);
    let id = base;
    // One counter per base: 10,000 names that all become "item" must not cost 10,000 tries each.
    for (let n = nextSuffix.get(base) ?? 2; taken.has(id); n++) {
      const suffix = `-${n}`;
      id = base.slice(0, MAX_ID - suffix.length) + suffix;
      nextSuffix.set(base, n + 1);
    }
    taken.add(id);
    ids[i] = id;
  }
  return ids;
}

function readableId(path: string): string {
  const segments = path.split('/').map((segment) => {
    const ascii = segment.replace(/[\u0000-\u007f]+/g, (run) => run.replace(/[^A-Za-z0-9._-]+/g, '-'));
    return /[^\u0000-\u007f]/.test(ascii) ? `xn--${punycodeEncode(ascii)}` : ascii;
  });
  const id = segments.join('-').replace(/^[^A-Za-z0-9]+/, '');
  if (id === '') return 'item';
  if (id.length <= MAX_ID) return id;
  return `${id.slice(0, MAX_ID - HASH_DIGITS - 1)}-${toHex(sha256(utf8Encode(path))).slice(0, HASH_DIGITS)}`;
}
