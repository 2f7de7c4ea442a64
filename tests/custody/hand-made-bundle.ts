import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../src/model/layout.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A minimal bundle written by hand: a BagIt 1.0 bag with one item `disk` and a manifest naming it, independent
 * of the packer (custody tests only need the bag and the manifest's bytes and item ids).
 */
export async function handMadeBundle(dir: string): Promise<string> {
  await fsp.mkdir(join(dir, 'data'), { recursive: true });
  await fsp.mkdir(join(dir, 'evidence'));
  const files = new Map<string, Uint8Array>([
    ['bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
    ['data/disk.img', Buffer.from('evidence bytes\n')],
    [MANIFEST_FILE, canonicalizeToBytes({ items: [{ id: 'disk', path: 'disk.img' }] })],
  ]);
  files.set('manifest-sha256.txt', Buffer.from(`${sha256Hex(files.get('data/disk.img')!)}  data/disk.img\n`));
  files.set('bag-info.txt', Buffer.from('Payload-Oxum: 15.1\n'));
  const tags = [...files.keys()].filter((f) => !f.startsWith('data/')).sort();
  files.set('tagmanifest-sha256.txt', Buffer.from(tags.map((f) => `${sha256Hex(files.get(f)!)}  ${f}\n`).join('')));
  for (const [path, bytes] of files) await fsp.writeFile(join(dir, path), bytes);
  return dir;
}
