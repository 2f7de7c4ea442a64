// One measured run of our hashing, in its own process so that bench/hash.ts sees the peak RSS of this run alone.
// Prints one JSON line: { seconds, bytes, files, sha256, maxRssBytes }. Time is measured here, around the work
// only, so the start-up of Node and tsx is not counted against us (openssl's own start-up is a few ms).
// Usage: tsx bench/hash-worker.ts file <path> <noble|node> <alg,alg,...>
//        tsx bench/hash-worker.ts pool <checklist>       (lines as written by sha256sum: "<hex>  <path>")
//        tsx bench/hash-worker.ts baseline -               (loads everything, hashes nothing: RSS floor)
import { readFileSync } from 'node:fs';
import { nobleBackend } from '../src/digest/algorithms.js';
import { nodeBackend } from '../src/node/digest-backend.js';
import { digestFile } from '../src/node/digest-file.js';
import { createDigestPool } from '../src/node/digest-pool.js';

const [mode, target, backendName, algs] = process.argv.slice(2);
if (target === undefined) throw new Error('usage: hash-worker.ts file <path> <noble|node> <algs> | pool <checklist>');

const started = performance.now();
let result: { bytes: number; files: number; sha256: string };
if (mode === 'file') {
  const { digests, size } = await digestFile(target, {
    backend: backendName === 'noble' ? nobleBackend : nodeBackend,
    algorithms: (algs ?? 'sha256').split(','),
  });
  result = { bytes: size, files: 1, sha256: digests.sha256 };
} else if (mode === 'baseline') {
  result = { bytes: 0, files: 0, sha256: '' };
} else if (mode === 'pool') {
  const entries = readFileSync(target, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => ({ hex: line.slice(0, 64), path: line.slice(66) }));
  const pool = createDigestPool();
  let bytes = 0;
  await Promise.all(
    entries.map(async ({ hex, path }) => {
      const { digests, size } = await pool.digestFile(path);
      if (digests.sha256 !== hex) throw new Error(`${path}: digest mismatch`);
      bytes += size;
    }),
  );
  await pool.close();
  result = { bytes, files: entries.length, sha256: '' };
} else {
  throw new Error(`unknown mode ${mode}`);
}
const seconds = (performance.now() - started) / 1000;
// maxRSS is in KiB. Worker threads share the process, so the pool's workers are counted too.
console.log(JSON.stringify({ seconds, ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
