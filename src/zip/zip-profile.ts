// The fixed values of the evidence-bundle ZIP profile (docs/format.md, "ZIP form") and little-endian field
// access, shared by the reader and the writer so that the two cannot drift apart.
import { LIMITS } from '../model/layout.js';

/** Record signatures (APPNOTE 4.3): local header, central record, data descriptor, end records. */
export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_DESCRIPTOR = 0x08074b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

/** Fixed sizes of the records, without their names, extra fields and comments. */
export const LOCAL_HEADER_BYTES = 30;
export const CENTRAL_HEADER_BYTES = 46;
export const EOCD_BYTES = 22;
export const ZIP64_EOCD_BYTES = 56;
export const ZIP64_LOCATOR_BYTES = 20;
export const MAX_COMMENT_BYTES = 0xffff;

/** A 32-bit size or offset field holding this value is in the ZIP64 extra field (APPNOTE 4.4.8). */
export const U32_SENTINEL = 0xffffffff;
export const U16_SENTINEL = 0xffff;
export const ZIP64_EXTRA_ID = 0x0001;
/** The profile's ZIP64 extra field: id, length, then uncompressed size, compressed size and offset. */
export const ZIP64_EXTRA_BYTES = 4 + 24;

/**
 * Default limits of `openZipSource` (docs/format.md, "ZIP form"), which `createZipWriter` keeps to as well, so
 * that it never writes an archive the reader refuses.
 */
export const ZIP_LIMITS = {
  /** Entries in the central directory: a bundle's files and directories, `LIMITS.bagEntries` (1,100,000). */
  entries: LIMITS.bagEntries,
  /**
   * Bytes of the central directory, which is read whole: a record per entry, each with its ZIP64 extra field
   * and a name of `LIMITS.entryPathBytes` (about 211 MiB).
   */
  centralDirectoryBytes: LIMITS.bagEntries * (CENTRAL_HEADER_BYTES + ZIP64_EXTRA_BYTES + LIMITS.entryPathBytes),
} as const;

/** General purpose flags: bit 3 (sizes and CRC-32 in a data descriptor), bit 11 (the name is UTF-8). */
export const FLAG_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;
export const METHOD_STORED = 0;
/** 1980-01-01 00:00:00 in MS-DOS form: the earliest date ZIP can hold, so no clock shows through. */
export const DOS_TIME = 0x0000;
export const DOS_DATE = 0x0021;
/** Version made by: upper byte 3 (Unix, so the external attributes carry a mode), lower byte 45 (4.5). */
export const VERSION_MADE_BY = 0x032d;
export const VERSION_NEEDED = 20;
export const VERSION_NEEDED_ZIP64 = 45;
/** Unix mode of every entry: a regular file, read-only (0444), as the directory form writes payload files. */
export const FILE_MODE = 0o100444;
export const EXTERNAL_ATTRIBUTES = (FILE_MODE << 16) >>> 0;

/** A 16-bit little-endian field. */
export function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** A 32-bit little-endian field, unsigned. */
export function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A 64-bit field; values past 2^53 - 1 come back as NaN, which no check accepts. */
export function u64(b: Uint8Array, at: number): number {
  const high = u32(b, at + 4);
  return high >= 0x200000 ? Number.NaN : high * 0x100000000 + u32(b, at);
}

/** Writes little-endian fields into a fresh array: `[value, width]` pairs, then raw byte arrays as they are. */
export function fields(...parts: Array<[number, 2 | 4 | 8] | Uint8Array>): Uint8Array {
  let length = 0;
  for (const p of parts) length += p instanceof Uint8Array ? p.length : p[1];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    if (p instanceof Uint8Array) {
      out.set(p, at);
      at += p.length;
      continue;
    }
    const [value, width] = p;
    let low = width === 8 ? value % 0x100000000 : value;
    for (let i = 0; i < Math.min(width, 4); i++) {
      out[at + i] = low & 0xff;
      low = Math.floor(low / 256);
    }
    if (width === 8) {
      let high = Math.floor(value / 0x100000000);
      for (let i = 4; i < 8; i++) {
        out[at + i] = high & 0xff;
        high = Math.floor(high / 256);
      }
    }
    at += width;
  }
  return out;
}
