import { sha1 } from '@noble/hashes/legacy.js';
import { toHex, utf8Encode } from '../internal/bytes.js';

/** Namespace of the node IRIs of a CASE export (docs/format.md, "CASE/UCO export"). */
export const CASE_KB = 'https://evidence-bundle.org/kb/';

/**
 * A node IRI of the export of one bundle: `kb:<Kind>-<uuid>`, the UUID an RFC 9562 version 5 UUID of `name`
 * in the namespace of the bundle id. Deterministic on purpose: exporting the same bundle twice gives the same
 * graph, so two exports (or an export and a later one with more custody) merge node for node, and nothing
 * random makes a signed bundle's export differ between runs. SHA-1 here only derives names, as RFC 9562 asks;
 * it protects nothing.
 */
export function caseIri(bundleId: string, kind: string, name: string): string {
  const namespace = hexToBytes(bundleId.replaceAll('-', ''));
  const input = new Uint8Array(namespace.length + utf8Encode(name).length);
  input.set(namespace, 0);
  input.set(utf8Encode(name), namespace.length);
  const hash = sha1(input).slice(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = toHex(hash);
  return `kb:${kind}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
