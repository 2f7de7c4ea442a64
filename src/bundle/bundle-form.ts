// Which form a bundle file is in, by its first bytes, and how large a CBOR bundle may be: no CBOR or ZIP code is
// needed for either, so that opening or writing a bundle loads only the code of its own form.

/**
 * Tag 55799, self-described CBOR (RFC 8949 section 3.4.6), whose head starts every CBOR bundle: the magic bytes
 * by which the form is recognised by content.
 */
export const CBOR_BUNDLE_MAGIC: Uint8Array = Uint8Array.of(0xd9, 0xd9, 0xf7);

/**
 * Largest CBOR bundle written or read by default: 64 MiB. The form is read whole, so this is the memory a reader
 * commits to; larger productions travel as ZIP or as a directory.
 */
export const CBOR_BUNDLE_MAX_BYTES = 64 * 1024 * 1024;

/** The single-file forms, as {@link detectBundleForm} names them. */
export type BundleFileForm = 'zip' | 'cbor';

/**
 * Recognises a single-file bundle by its first bytes, not its name: `'zip'` for a local file header
 * (`PK\x03\x04`) or the end record of an empty archive (`PK\x05\x06`), `'cbor'` for tag 55799 (`d9 d9 f7`).
 * Four bytes are enough; fewer may not be. A directory is not bytes: callers check for one first.
 * @returns the form, or `undefined` when the bytes start neither form
 * @example detectBundleForm(firstBytes) === 'zip'
 */
export function detectBundleForm(firstBytes: Uint8Array): BundleFileForm | undefined {
  const b = firstBytes;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) {
    return 'zip';
  }
  return hasMagic(b) ? 'cbor' : undefined;
}

function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= CBOR_BUNDLE_MAGIC.length && CBOR_BUNDLE_MAGIC.every((b, i) => bytes[i] === b);
}
