import { createZipWriter, type ZipWriterOptions } from '../../src/zip/zip-writer.js';
import { compareBytes, joinChunks, utf8Encode } from '../../src/internal/bytes.js';

/** Writes files (in UTF-8 byte order of their paths, as the writer requires) into an archive in memory. */
export async function zipFiles(files: Record<string, Uint8Array | string>, options: ZipWriterOptions = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const writer = createZipWriter({ write: async (b) => void chunks.push(b.slice()), close: async () => undefined }, options);
  const entries = Object.entries(files).sort(([a], [b]) => compareBytes(utf8Encode(a), utf8Encode(b)));
  for (const [path, value] of entries) {
    const bytes = typeof value === 'string' ? utf8Encode(value) : value;
    await writer.add(path, bytes, { size: bytes.length });
  }
  await writer.finish();
  return joinChunks(chunks);
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
export const get16 = (b: Uint8Array, at: number): number => view(b).getUint16(at, true);
export const get32 = (b: Uint8Array, at: number): number => view(b).getUint32(at, true);
export const set16 = (b: Uint8Array, at: number, v: number): void => view(b).setUint16(at, v, true);
export const set32 = (b: Uint8Array, at: number, v: number): void => view(b).setUint32(at, v >>> 0, true);
export const set64 = (b: Uint8Array, at: number, v: number): void => view(b).setBigUint64(at, BigInt(v), true);

/** Where the records of an archive lie, found independently of the reader under test (no comment, no ZIP64 lies). */
export interface Layout {
  eocd: number;
  zip64Eocd?: number;
  locator?: number;
  cdOffset: number;
  /** Each entry: its central record's offset, its local header's offset, its name. */
  entries: Array<{ central: number; local: number; name: string; nameLength: number; extraLength: number }>;
}

export function layout(zip: Uint8Array): Layout {
  const eocd = zip.length - 22;
  if (get32(zip, eocd) !== 0x06054b50) throw new Error('no EOCD at the end');
  const zip64 = get32(zip, eocd - 20) === 0x07064b50;
  const zip64Eocd = zip64 ? eocd - 20 - 56 : undefined;
  const cdOffset = zip64 ? Number(view(zip).getBigUint64(zip64Eocd! + 48, true)) : get32(zip, eocd + 16);
  const entries: Layout['entries'] = [];
  for (let p = cdOffset; get32(zip, p) === 0x02014b50; ) {
    const nameLength = get16(zip, p + 28);
    const extraLength = get16(zip, p + 30);
    let local = get32(zip, p + 42);
    if (local === 0xffffffff) local = Number(view(zip).getBigUint64(p + 46 + nameLength + 20, true));
    entries.push({ central: p, local, name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLength)), nameLength, extraLength });
    p += 46 + nameLength + extraLength + get16(zip, p + 32);
  }
  return { eocd, cdOffset, entries, ...(zip64 ? { zip64Eocd, locator: eocd - 20 } : {}) };
}

/** Replaces an entry's name in its local header and central record (same byte length). */
export function renameEntry(zip: Uint8Array, index: number, name: Uint8Array | string): Uint8Array {
  const out = zip.slice();
  const entry = layout(zip).entries[index]!;
  const bytes = typeof name === 'string' ? utf8Encode(name) : name;
  if (bytes.length !== entry.nameLength) throw new Error('rename needs a name of the same byte length');
  out.set(bytes, entry.local + 30);
  out.set(bytes, entry.central + 46);
  return out;
}

/** Inserts bytes at a position, shifting every offset after it (central records, end records). */
export function insertBytes(zip: Uint8Array, at: number, inserted: Uint8Array): Uint8Array {
  const l = layout(zip);
  const out = joinChunks([zip.subarray(0, at), inserted, zip.subarray(at)]);
  const moved = (p: number): number => (p >= at ? p + inserted.length : p);
  for (const e of l.entries) {
    if (e.local >= at) {
      if (get32(zip, e.central + 42) === 0xffffffff) set64(out, moved(e.central) + 46 + e.nameLength + 20, e.local + inserted.length);
      else set32(out, moved(e.central) + 42, e.local + inserted.length);
    }
  }
  if (l.cdOffset >= at) {
    if (l.zip64Eocd !== undefined) set64(out, moved(l.zip64Eocd) + 48, l.cdOffset + inserted.length);
    else set32(out, moved(l.eocd) + 16, l.cdOffset + inserted.length);
  }
  if (l.zip64Eocd !== undefined && l.zip64Eocd >= at) set64(out, moved(l.locator!) + 8, l.zip64Eocd + inserted.length);
  return out;
}
