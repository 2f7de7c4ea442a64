import { createTagFiles } from '../../src/bundle/create-tag-files.js';
import type { DigestAlgorithm } from '../../src/digest/algorithms.js';
import { createMultiDigest } from '../../src/digest/multi-digest.js';
import { utf8Encode } from '../../src/internal/bytes.js';

export const BUNDLE_ID = '0192b8a4-7c1e-7a53-9f4e-2d6c8b1a0e37';

export const SAMPLE_PAYLOAD: Record<string, string> = {
  'data/chat/export.json': '{"messages":[]}\n',
  'data/logs/access.log': '203.0.113.7 - - [06/Oct/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512\n',
  'data/empty.bin': '',
};

/** A complete, valid BagIt 1.0 bag as the packer writes it: payload, evidence/manifest.json and tag files. */
export function buildBag(
  payload: Record<string, string | Uint8Array> = SAMPLE_PAYLOAD,
  options: { algorithms?: DigestAlgorithm[]; tagFiles?: Record<string, string> } = {},
): Record<string, Uint8Array> {
  const algorithms = options.algorithms ?? ['sha256'];
  const files: Record<string, Uint8Array> = {};
  const packed = Object.entries(payload).map(([path, value]) => {
    const bytes = typeof value === 'string' ? utf8Encode(value) : value;
    files[path] = bytes;
    const multi = createMultiDigest(algorithms);
    multi.update(bytes);
    return { path, size: bytes.length, digests: multi.digest() };
  });
  const tagFiles = Object.entries(options.tagFiles ?? { 'evidence/manifest.json': '{"bundleId":"x"}' }).map(
    ([path, text]): [string, Uint8Array] => [path, utf8Encode(text)],
  );
  for (const [path, bytes] of createTagFiles({
    payload: packed,
    algorithms,
    tagFiles,
    bagInfo: { bundleId: BUNDLE_ID, sourceOrganization: 'Supreme People\'s Procuracy of Viet Nam', baggingDate: '2026-10-06' },
  })) {
    files[path] = bytes;
  }
  return files;
}

/** Text of one file of a bag built by {@link buildBag}. */
export function text(files: Record<string, Uint8Array>, path: string): string {
  return new TextDecoder().decode(files[path]);
}
