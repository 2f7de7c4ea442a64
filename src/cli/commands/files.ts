import { promises as fsp } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { EvidenceBundleError } from '../../errors.js';
import { parseJson } from '../../encoding/strict-json.js';
import { ioError } from '../../node/io-error.js';
import { readRegularFile } from '../../node/read-regular-file.js';

/** Writes a file that must not exist yet (keys and reports are never overwritten silently). */
export async function writeNewFile(path: string, text: string, mode = 0o644): Promise<void> {
  try {
    await fsp.writeFile(path, text, { flag: 'wx', mode });
  } catch (cause) {
    throw ioError(cause, path);
  }
}

/**
 * Reads an input file the user names, mapping a missing file to `ERR_SOURCE_NOT_FOUND` (exit 66) and a file
 * over `maxBytes` to `ERR_LIMIT_EXCEEDED`. A link is followed (the user's own choice), but a FIFO or device is
 * refused without blocking, and the size is judged before reading.
 */
export async function readInputFile(path: string, maxBytes: number): Promise<Uint8Array> {
  const bytes = await readRegularFile(path, maxBytes, { followLinks: true });
  if (bytes === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${path}: larger than ${maxBytes} bytes`);
  return bytes;
}

/** Reads and strictly parses a JSON input file (duplicate keys rejected), mapping a missing file to exit 66. */
export async function readJsonFile(path: string, maxBytes = 16 * 1024 * 1024): Promise<unknown> {
  const bytes = await readRegularFile(path, maxBytes, { followLinks: true });
  if (bytes === 'too-large') throw new EvidenceBundleError('ERR_JSON_TOO_LARGE', `${path}: JSON input is larger than ${maxBytes} bytes`);
  try {
    return parseJson(bytes, { maxBytes });
  } catch (error) {
    if (error instanceof EvidenceBundleError) {
      throw new EvidenceBundleError(error.code, `${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Replaces a file atomically: a temporary file in the same directory, flushed, then one rename. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temp = resolve(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const mode = (await fsp.stat(path)).mode & 0o777;
    const handle = await fsp.open(temp, 'wx', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, path);
    const dir = await fsp.open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch (cause) {
    await fsp.rm(temp, { force: true });
    throw ioError(cause, path);
  }
}
