import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Flushes a directory entry table, so that a rename or a new file inside it survives a crash. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a file and flushes it to disk before returning (new files only: fails if it exists). */
export async function writeFileDurable(path: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  const handle = await fsp.open(path, 'wx', mode);
  try {
    await writeAll(handle, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes every byte at the handle's position: one write may take only part of them. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += (await handle.write(bytes, offset, bytes.length - offset, null)).bytesWritten;
}

/** Flushes every directory of a new tree, so that the rename publishing it publishes only durable content. */
export async function fsyncTree(root: string): Promise<void> {
  const entries = await fsp.readdir(root, { withFileTypes: true, recursive: true });
  const dirs = new Set<string>([root]);
  for (const e of entries) if (e.isDirectory()) dirs.add(join(e.parentPath, e.name));
  for (const dir of dirs) await fsyncDirectory(dir);
}
