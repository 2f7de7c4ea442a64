// verifyBundleAt hashes on worker threads whether or not the caller gives a pool: without one it starts its own
// for the call and stops every worker of it before returning, on success and when the bundle cannot be opened.
// Workers are tracked by wrapping node:worker_threads' Worker.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const hooks = vi.hoisted(() => ({ workers: [] as Array<{ exited: boolean }> }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class Tracked extends real.Worker {
    constructor(source: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(source, options);
      const state = { exited: false };
      hooks.workers.push(state);
      this.once('exit', () => (state.exited = true));
    }
  }
  return { ...real, Worker: Tracked };
});

const { verifyBundleAt, createDigestPool } = await import('../../src/node/index.js');
const { flipByte, packDemo, tempDir, keyPair } = await import('../helpers/bundle-fixture.js');

let dir: string;
beforeAll(async () => {
  dir = await tempDir('evb-verify-at-pool-');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

// Exits are events: a terminated worker's 'exit' may come a turn after terminate() resolves.
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('verifyBundleAt', () => {
  it.each(['VALID', 'INVALID'] as const)('without a pool, hashes on workers of its own and stops them all before it returns (%s)', async (outcome) => {
    const key = await keyPair('EdDSA');
    const bundle = await packDemo(dir, { name: `own-${outcome}`, packager: key });
    if (outcome === 'INVALID') {
      const payload = (await fsp.readdir(join(bundle, 'data'), { recursive: true, withFileTypes: true })).find((e) => e.isFile())!;
      await flipByte(join(payload.parentPath, payload.name));
    }
    hooks.workers.length = 0;
    expect((await verifyBundleAt(bundle, { trustedKeys: [key.publicJwk] })).outcome).toBe(outcome);
    expect(hooks.workers.length).toBeGreaterThan(0);
    await settle();
    expect(hooks.workers.every((w) => w.exited)).toBe(true);
  });

  it('with a pool, uses it and leaves it running for the caller', async () => {
    const key = await keyPair('EdDSA');
    const bundle = await packDemo(dir, { name: 'c', packager: key });
    const pool = createDigestPool({ size: 1 });
    try {
      hooks.workers.length = 0;
      expect((await verifyBundleAt(bundle, { trustedKeys: [key.publicJwk], pool })).outcome).toBe('VALID');
      expect(hooks.workers.length).toBe(1);
      await settle();
      expect(hooks.workers[0]!.exited).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it("with a caller's own backend, starts no worker: that backend hashes every file", async () => {
    const key = await keyPair('EdDSA');
    const bundle = await packDemo(dir, { name: 'e', packager: key });
    const { nodeBackend } = await import('../../src/node/digest-backend.js');
    let calls = 0;
    const backend = { ...nodeBackend, create: (...args: Parameters<typeof nodeBackend.create>) => ((calls += 1), nodeBackend.create(...args)) };
    hooks.workers.length = 0;
    expect((await verifyBundleAt(bundle, { trustedKeys: [key.publicJwk], backend })).outcome).toBe('VALID');
    expect(hooks.workers.length).toBe(0);
    expect(calls).toBeGreaterThan(0);
  });
});
