import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Flushes a directory entry table, so that a rename or a new file inside it survives a crash. */
export function fsyncDirectory(dir: string): Promise<void> {
  return flushOpened(dir, (handle) => handle.sync());
}

/** Flushes a written file's data and size to disk (fdatasync). */
export function fsyncFile(path: string): Promise<void> {
  return flushOpened(path, (handle) => handle.datasync());
}

async function flushOpened(path: string, flush: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await fsp.open(path, 'r');
  try {
    await flush(handle);
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

/**
 * Linux only: writes back everything dirty of the file system holding `path` and commits its journal, with one
 * syncfs(2) (GNU coreutils' `sync -f PATH`; Node has no binding of its own). A fast path before per-file flushes,
 * never instead of them: after it the files' fdatasync calls find nothing left to write and their journal
 * transactions committed, so 100,000 of them cost little more than the system calls, and they still report, file
 * by file, any write-back error of those files. Resolves false, never rejects, when it did not run or failed (not
 * Linux, no `sync`, an old one without `-f`, an error): the per-file flushes alone then do the work, as on any
 * other system. Internal.
 */
export function syncFileSystem(path: string): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('sync', ['-f', '--', path], { timeout: SYNCFS_TIMEOUT_MS }, (error) => resolve(error === null));
  });
}

/** Time given to `sync -f` before the per-file flushes go on without it (a wedged disk waits in them instead). */
const SYNCFS_TIMEOUT_MS = 10 * 60 * 1000;
