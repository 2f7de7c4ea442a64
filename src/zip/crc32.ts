// CRC-32 of ZIP (ISO 3309, reflected polynomial 0xEDB88320), as APPNOTE 4.4.7 names it. Ten lines of table:
// not worth a dependency.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/**
 * Continues a CRC-32 over more bytes: start with `crc32(bytes)`, then `crc32(next, previous)`.
 * @returns the CRC-32 as an unsigned 32-bit integer
 * @example crc32(new TextEncoder().encode('123456789')) === 0xcbf43926
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
