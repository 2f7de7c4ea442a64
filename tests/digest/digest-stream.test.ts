import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DIGEST_ALGORITHM_NAMES, nobleBackend } from '../../src/digest/algorithms.js';
import { digestStream } from '../../src/digest/digest-stream.js';
import { nodeBackend } from '../../src/node/digest-backend.js';
import { digestFile } from '../../src/node/digest-file.js';

const dir = mkdtempSync(join(tmpdir(), 'evb-digest-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

function webStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]!);
      else controller.close();
    },
  });
}

async function* asyncIterable(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    await Promise.resolve();
    yield p;
  }
}

describe('digestStream', () => {
  it('agrees with digestFile over a Web ReadableStream, an async iterable and an array', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 20_000 }), fc.integer({ min: 1, max: 5000 }), async (bytes, size) => {
        const file = join(dir, `f${n++}`);
        writeFileSync(file, bytes);
        const expected = await digestFile(file, { algorithms: DIGEST_ALGORITHM_NAMES, chunkSize: 4096 });
        expect(expected.size).toBe(bytes.length);
        const parts = chunks(bytes, size);
        const options = { algorithms: DIGEST_ALGORITHM_NAMES };
        expect(await digestStream(webStream(parts), options)).toEqual(expected);
        expect(await digestStream(asyncIterable(parts), { ...options, backend: nodeBackend })).toEqual(expected);
        expect(await digestStream(parts, { ...options, backend: nobleBackend })).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('reports progress after each chunk', async () => {
    const seen: number[] = [];
    await digestStream([new Uint8Array(3), new Uint8Array(0), new Uint8Array(5)], { onProgress: (b) => seen.push(b) });
    expect(seen).toEqual([3, 3, 8]);
  });

  it('refuses a chunk that is not a Uint8Array', async () => {
    await expect(digestStream(['abc' as unknown as Uint8Array])).rejects.toBeInstanceOf(TypeError);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const parts = [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)];
    const run = digestStream(parts, { onProgress: () => controller.abort(new Error('stop')), signal: controller.signal });
    await expect(run).rejects.toThrow('stop');
  });

  it('refuses an unsupported algorithm before reading anything', async () => {
    let pulled = false;
    const source = (function* () {
      pulled = true;
      yield new Uint8Array(1);
    })();
    await expect(digestStream(source, { algorithms: ['md5'] })).rejects.toMatchObject({ code: 'ERR_DIGEST_UNSUPPORTED_ALGORITHM' });
    expect(pulled).toBe(false);
  });
});
