import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { compareBytes, utf8Encode } from '../../src/internal/bytes.js';
import { isEvidenceBundleError } from '../../src/index.js';
import { encodeCborBundle } from '../../src/entries/cbor.js';
import { createZipWriter } from '../../src/entries/zip.js';

/** Every regular file of a directory tree by relative path, read with node:fs only (an oracle independent of the sources). */
export async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    files.set(abs.slice(dir.length + 1), new Uint8Array(await fsp.readFile(abs)));
  }
  return files;
}

/** Writes a directory bag as a ZIP of the profile with the core writer, straight from the tree (no convert). */
export async function zipTree(dir: string, out: string): Promise<void> {
  const files = await readTree(dir);
  const handle = await fsp.open(out, 'wx');
  const zip = createZipWriter({ write: async (b) => void (await handle.write(b)), close: () => handle.close() });
  for (const path of [...files.keys()].sort((a, b) => compareBytes(utf8Encode(a), utf8Encode(b)))) {
    const bytes = files.get(path)!;
    await zip.add(path, bytes, { size: bytes.length });
  }
  await zip.finish();
}

/** Writes a directory bag as a CBOR bundle, straight from the tree (no convert). */
export async function cborTree(dir: string, out: string): Promise<void> {
  await fsp.writeFile(out, encodeCborBundle(await readTree(dir)), { flag: 'wx' });
}

/** Whether Info-ZIP's `zip` is installed (.ci/run installs it; elsewhere its tests are skipped). */
export const HAS_INFO_ZIP = (() => {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The EvidenceBundleError code a promise rejects with, or 'no error'; any other error is rethrown. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isEvidenceBundleError(error)) return error.code;
    throw error;
  }
  return 'no error';
}
