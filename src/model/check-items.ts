// The item rules of ItemSchema, written out by hand: a manifest of a million items is checked without a zod
// parse (and a copy) per item. It only decides whether an item is valid; an item it refuses is handed to
// ItemSchema itself, so every message and path a reader sees still comes from the schema, the one source of
// the rules. tests/model/check-items.test.ts holds the two equal on the fixtures and on fuzzed variants.
import { checkBundlePath } from '../path/bundle-path.js';
import { DateTime, PATTERNS } from './common.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether every own key of `v` is one of `allowed` (a strict object). */
function onlyKeys(v: Json, allowed: ReadonlySet<string>): boolean {
  for (const key in v) if (Object.hasOwn(v, key) && !allowed.has(key)) return false;
  // A key the for-in loop skips (a symbol) is unknown to the schema too.
  return Object.getOwnPropertySymbols(v).length === 0;
}

function plainText(v: unknown, min: number, max: number): boolean {
  return typeof v === 'string' && v.length >= min && v.length <= max && PATTERNS.noControls.test(v) && PATTERNS.trimmed.test(v);
}
const text = (v: unknown): boolean => plainText(v, 1, 4096);
const longText = (v: unknown): boolean => plainText(v, 1, 65536);
const identifier = (v: unknown): boolean => typeof v === 'string' && PATTERNS.identifier.test(v);

function itemPath(v: unknown): boolean {
  return typeof v === 'string' && checkBundlePath(v) === undefined && PATTERNS.itemPath.test(v) && v.length <= 1024;
}

/** PATTERNS.hex32 (`length` 64) or hex64 (128) as a loop: the expression cost more than the rest of an item. */
function lowerHex(x: unknown, length: number): boolean {
  if (typeof x !== 'string' || x.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = x.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const DIGEST_KEYS = new Set(['sha256', 'sha512', 'sha3-256', 'blake3']);
function digests(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, DIGEST_KEYS)) return false;
  return (
    lowerHex(v['sha256'], 64) &&
    (v['sha512'] === undefined || lowerHex(v['sha512'], 128)) &&
    (v['sha3-256'] === undefined || lowerHex(v['sha3-256'], 64)) &&
    (v['blake3'] === undefined || lowerHex(v['blake3'], 64))
  );
}

function multilingualText(v: unknown): boolean {
  if (!isObject(v) || Object.getOwnPropertySymbols(v).length > 0) return false;
  let languages = 0;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    if (!PATTERNS.languageTag.test(key) || !longText(v[key])) return false;
    languages++;
  }
  return languages > 0;
}

const TOOL_KEYS = new Set(['name', 'version']);
const ACQUISITION_KEYS = new Set(['method', 'tool', 'source', 'time', 'actor', 'place']);
function acquisition(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, ACQUISITION_KEYS)) return false;
  const tool = v['tool'];
  return (
    text(v['method']) &&
    (tool === undefined || (isObject(tool) && onlyKeys(tool, TOOL_KEYS) && text(tool['name']) && text(tool['version']))) &&
    (v['source'] === undefined || text(v['source'])) &&
    // RFC 3339 with its calendar rules: zod's own check of that one string, rarer than the rest.
    DateTime.safeParse(v['time']).success &&
    identifier(v['actor']) &&
    (v['place'] === undefined || text(v['place']))
  );
}

const DERIVATION_KEYS = new Set(['item', 'method']);
function derivedFrom(v: unknown): boolean {
  if (!Array.isArray(v) || v.length < 1 || v.length > 1000) return false;
  for (const d of v) if (!isObject(d) || !onlyKeys(d, DERIVATION_KEYS) || !identifier(d['item']) || !text(d['method'])) return false;
  return true;
}

const PRESENT_KEYS = new Set(['status']);
const WITHHELD_KEYS = new Set(['status', 'reason', 'legalBasis']);
function disclosure(v: unknown): 'present' | 'withheld' | undefined {
  if (!isObject(v)) return undefined;
  if (v['status'] === 'present') return onlyKeys(v, PRESENT_KEYS) ? 'present' : undefined;
  if (v['status'] === 'withheld' && onlyKeys(v, WITHHELD_KEYS) && longText(v['reason']) && (v['legalBasis'] === undefined || text(v['legalBasis']))) {
    return 'withheld';
  }
  return undefined;
}

const ITEM_KEYS = new Set(['id', 'path', 'size', 'mediaType', 'digests', 'description', 'acquisition', 'derivedFrom', 'disclosure']);

/**
 * Whether `item` is an item ItemSchema accepts (docs/format.md, "Items"): the shape, every value type, and the
 * presence rule (a present item has path, size and digests; a withheld one no path). Allocates nothing.
 */
export function isValidItem(item: unknown): boolean {
  if (!isObject(item) || !onlyKeys(item, ITEM_KEYS)) return false;
  const { path, size, mediaType } = item;
  const status = disclosure(item['disclosure']);
  if (status === undefined || !identifier(item['id'])) return false;
  if (path !== undefined && !itemPath(path)) return false;
  if (size !== undefined && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) return false;
  if (!(typeof mediaType === 'string' && mediaType.length <= 255 && PATTERNS.mediaType.test(mediaType))) return false;
  if (item['digests'] !== undefined && !digests(item['digests'])) return false;
  if (item['description'] !== undefined && !multilingualText(item['description'])) return false;
  if (item['acquisition'] !== undefined && !acquisition(item['acquisition'])) return false;
  if (item['derivedFrom'] !== undefined && !derivedFrom(item['derivedFrom'])) return false;
  return status === 'present' ? path !== undefined && size !== undefined && item['digests'] !== undefined : path === undefined;
}
