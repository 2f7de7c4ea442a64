// The script of the page's hashing worker (built by scripts/build-page.ts into the page as inert text, started
// from a blob: URL): compiles the page's SHA-256 module in the worker and serves it (hash-worker.ts).
import { serveSha256, type HashPort } from './hash-worker.js';
import { createSha256Wasm } from './sha256-wasm.js';

const port = globalThis as unknown as HashPort;
createSha256Wasm().then(
  (make) => serveSha256(port, make),
  (error: unknown) => serveSha256(port, error instanceof Error ? error : new Error(String(error))),
);
