// Decoding of tag files in their declared Tag-File-Character-Encoding (RFC 8493 section 2.1.1) and line
// splitting (lines end with LF, CR or CRLF, RFC 8493 section 2.1.1 and following). Internal to src/bagit.
import { LONE_SURROGATE } from '../encoding/json-common.js';

/** The text of a tag file, or why it could not be decoded. */
export type DecodedTagText =
  | { ok: true; text: string; /** A UTF-8 byte-order mark was removed. */ bom: boolean }
  | { ok: false; reason: 'unsupported-encoding' | 'invalid' };

/** Decodes tag-file bytes strictly: invalid bytes are a failure, never replaced. */
export function decodeTagText(bytes: Uint8Array, encoding: string): DecodedTagText {
  const label = encoding.trim().toLowerCase();
  if (label === 'utf-8' || label === 'utf8') {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return strict('utf-8', bom ? bytes.subarray(3) : bytes, bom);
  }
  if (label === 'iso-8859-1' || label === 'latin1' || label === 'iso8859-1' || label === 'us-ascii') {
    // WHATWG maps these labels to windows-1252, which differs from ISO-8859-1 in 0x80-0x9F: decode by hand.
    let text = '';
    for (let i = 0; i < bytes.length; i++) {
      if (label === 'us-ascii' && bytes[i]! > 0x7f) return { ok: false, reason: 'invalid' };
      text += String.fromCharCode(bytes[i]!);
    }
    return { ok: true, text, bom: false };
  }
  if (label === 'utf-16' || label === 'utf-16be' || label === 'utf-16le') return decodeUtf16(bytes, label);
  return { ok: false, reason: 'unsupported-encoding' };
}

function strict(label: string, bytes: Uint8Array, bom: boolean): DecodedTagText {
  try {
    return { ok: true, text: new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes), bom };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

// UTF-16 by hand: TextDecoder has no big-endian decoder in every runtime. Without a BOM, "UTF-16" is
// big-endian (RFC 2781 section 4.3).
function decodeUtf16(bytes: Uint8Array, label: string): DecodedTagText {
  let bigEndian = label !== 'utf-16le';
  let start = 0;
  if (label === 'utf-16' && bytes.length >= 2) {
    if (bytes[0] === 0xfe && bytes[1] === 0xff) start = 2;
    else if (bytes[0] === 0xff && bytes[1] === 0xfe) [start, bigEndian] = [2, false];
  }
  if ((bytes.length - start) % 2 !== 0) return { ok: false, reason: 'invalid' };
  const units: number[] = [];
  for (let i = start; i < bytes.length; i += 2) {
    units.push(bigEndian ? (bytes[i]! << 8) | bytes[i + 1]! : bytes[i]! | (bytes[i + 1]! << 8));
  }
  let text = '';
  for (let i = 0; i < units.length; i += 0x2000) text += String.fromCharCode(...units.slice(i, i + 0x2000));
  if (LONE_SURROGATE.test(text)) return { ok: false, reason: 'invalid' };
  // A UTF-16 BOM is part of that encoding, not a finding: `bom` only reports a UTF-8 one.
  return { ok: true, text, bom: false };
}

/**
 * The lines of a text, ending in LF, CR or CRLF, one at a time; a final terminator does not open an empty last
 * line. A generator, not an array: a 64 MiB tag file of two-byte lines holds 32 million of them.
 */
export function* eachLine(text: string): Generator<string> {
  // What /\r\n?|\n/g splits, by the next CR and the next LF, each searched again only once passed: no match
  // object per line (a manifest has a line per file).
  let cr = text.indexOf('\r');
  let lf = text.indexOf('\n');
  let start = 0;
  while (start < text.length) {
    if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    if (cr === -1 && lf === -1) break;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      yield text.slice(start, cr);
      start = lf === cr + 1 ? cr + 2 : cr + 1;
    } else {
      yield text.slice(start, lf);
      start = lf + 1;
    }
  }
  if (start < text.length) yield text.slice(start);
}
