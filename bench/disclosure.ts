// Selective disclosure (format 1.2, issue 11): the cost of committing to N items (a fresh salt, the RFC 8785
// committed value and its leaf hash per item, then the RFC 9162 root) against SHA-256 hashing of payload bytes
// measured in the same run, and the time to verify one item's inclusion (median of many).
// Then verifyBundle of a format 1.2 bundle against the same items packed as format 1.1, runs alternating.
// Run: npm run bench:disclosure [-- ITEMS [VERIFY_ITEMS]]   (defaults 1,000,000 and 100,000; smaller while developing)
import { createHash, hash } from 'node:crypto';
import { loadavg } from 'node:os';
import { sha256 } from '@noble/hashes/sha2.js';
import { itemLeafHasher } from '../src/disclosure/commitment.js';
import { commitItems, createSaltSource, itemCommitment, merkleInclusionProof, merkleRoot, merkleRootFromProof, newSalt } from '../src/entries/disclosure.js';
import type { Manifest } from '../src/model/manifest.js';
import { nodeBackend } from '../src/node/index.js';
import { createItemProof, verifyItemProof } from '../src/entries/disclosure.js';
import { filesSource, generateSigningKey, createJwkSigner, memorySink, packBundleTo, verifyBundle } from '../src/index.js';
import { toHex, utf8Encode } from '../src/internal/bytes.js';
import type { Item } from '../src/model/item.js';
import { printTable } from './lib/table.js';

const count = Number(process.argv[2] ?? 1_000_000);
const verifyCount = Number(process.argv[3] ?? 100_000);
const runs = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`selective disclosure bench: ${count.toLocaleString('en')} items, median of ${runs} runs; load average before: ${load()}`);

// Items as a 1.1 manifest would list them (what each commitment covers).
const items: Item[] = Array.from({ length: count }, (_, i) => ({
  id: `item-${i}`,
  path: `evidence/folder-${i % 1000}/file-${i}.bin`,
  size: 4096 + (i % 997),
  mediaType: 'application/octet-stream',
  digests: { sha256: toHex(sha256(utf8Encode(String(i)))) },
  description: { en: `file ${i} of the seized disk` },
  disclosure: { status: 'present' },
}));

// The commitments, the tree and the disclosures file, as commitItems computes them for evb pack (one pass), with
// node:crypto for the leaves, as in Node, and with the core's default (no backend: the built-in SHA-256, as in
// browsers). The reference, in the same run and alternating with them: SHA-256 (node:crypto) of a payload of the
// same number of files, as pure throughput (512 MiB in 1 MiB pieces, scaled) and as one call per file (a million
// 4 KiB files, and a sample of 100,000 files of 1 to 16 KiB, as the small-file fixture of bench/forms.ts, scaled).
const manifest = { formatVersion: '1.1', items } as unknown as Manifest;
const chunk = new Uint8Array(1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
const refMiB = 512;
const smallSample = Math.min(count, 100_000);
const smallSize = (i: number) => 1024 + ((i * 7919) % (15 * 1024 + 1));
let smallBytes = 0;
for (let i = 0; i < smallSample; i++) smallBytes += smallSize(i);
const times = { node: [] as number[], core: [] as number[], bulk: [] as number[], files4k: [] as number[], small: [] as number[] };
const timed = (f: () => void) => {
  const started = performance.now();
  f();
  return (performance.now() - started) / 1000;
};
let disclosuresBytes = 0;
for (let r = 0; r < runs; r++) {
  const steps: Array<[keyof typeof times, () => void]> = [
    ['node', () => void (disclosuresBytes = commitItems(manifest, { backend: nodeBackend }).disclosuresBytes.length)],
    ['core', () => void commitItems(manifest)],
    ['bulk', () => {
      const h = createHash('sha256');
      for (let i = 0; i < refMiB; i++) h.update(chunk);
      h.digest();
    }],
    ['files4k', () => {
      for (let i = 0; i < count; i++) hash('sha256', chunk.subarray((i & 255) * 4096, (i & 255) * 4096 + 4096), 'buffer');
    }],
    ['small', () => {
      for (let i = 0; i < smallSample; i++) hash('sha256', chunk.subarray(0, smallSize(i)), 'buffer');
    }],
  ];
  for (const [name, f] of r % 2 === 0 ? steps : steps.reverse()) times[name].push(timed(f));
}
const commitSeconds = median(times.node);
const nodeBps = (refMiB * 1024 * 1024) / median(times.bulk);
const files4k = median(times.files4k);
const small = (median(times.small) * count) / smallSample;
const perItemBytes = (commitSeconds / count) * nodeBps;
const leafOf = itemLeafHasher(nodeBackend);
const salt0 = createSaltSource();
const leaves = items.map((item) => leafOf(item, salt0()));

console.log('');
printTable(
  ['what (median of runs, alternating)', 'seconds', 'ratio'],
  [
    [`commitments + tree + disclosures file, ${count.toLocaleString('en')} items (leaves by node:crypto)`, commitSeconds.toFixed(2), '1'],
    [`the same, the core's default (no backend, as in browsers)`, median(times.core).toFixed(2), `${(median(times.core) / commitSeconds).toFixed(2)} x`],
    [`SHA-256 (node:crypto), ${count.toLocaleString('en')} x 4 KiB, one call per file`, files4k.toFixed(2), `${(files4k / commitSeconds).toFixed(2)} x the commitments`],
    [`SHA-256 (node:crypto), ${count.toLocaleString('en')} files of 1-16 KiB, one call per file (${smallSample.toLocaleString('en')} measured)`, small.toFixed(2), `${(small / commitSeconds).toFixed(2)} x the commitments`],
    ...[4096, 16384, 65536].map((size) => {
      const seconds = (count * size) / nodeBps;
      return [`SHA-256 (node:crypto) throughput only, ${count.toLocaleString('en')} x ${size / 1024} KiB`, seconds.toFixed(2), `${(seconds / commitSeconds).toFixed(2)} x the commitments`];
    }),
  ],
);
console.log(`SHA-256 throughput, same run: node:crypto ${(nodeBps / 1e9).toFixed(2)} GB/s; disclosures file ${(disclosuresBytes / 1e6).toFixed(0)} MB`);
console.log(`one commitment costs as much as SHA-256 (node:crypto) of ${Math.round(perItemBytes)} bytes of payload; load average now: ${load()}`);

// Verifying one inclusion: the leaf from the disclosure, then the path (log2 n siblings) up to the root.
const index = Math.floor(count / 3);
const salt = newSalt();
const tree = leaves;
tree[index] = itemCommitment(items[index]!, salt);
const root = toHex(merkleRoot(tree));
const path = merkleInclusionProof(tree, index);
const inclusion: number[] = [];
for (let r = 0; r < 2000; r++) {
  const started = performance.now();
  const got = merkleRootFromProof(index, count, itemCommitment(items[index]!, salt), path);
  if (got === undefined || toHex(got) !== root) throw new Error('bench: the inclusion proof does not verify');
  inclusion.push(performance.now() - started);
}

// A whole proof file of a small signed bundle (manifest check, EdDSA signature, inclusion, content digest).
const key = await generateSigningKey('EdDSA');
const sink = memorySink();
const metadata = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../examples/demo/case.json', import.meta.url), 'utf8')).metadata;
const payload = utf8Encode('{"messages":["hello"]}');
await packBundleTo(sink, {
  metadata,
  items: Array.from({ length: 64 }, (_, i) => ({ id: `i${i}`, path: `f${i}.json`, mediaType: 'application/json', size: payload.length, data: [payload] })),
  signers: [{ signer: await createJwkSigner(key.privateJwk), role: 'packager' }],
  selectiveDisclosure: true,
});
const { bytes: proof } = await createItemProof(filesSource(sink.files), 'i17');
const full: number[] = [];
for (let r = 0; r < 200; r++) {
  const started = performance.now();
  const report = await verifyItemProof(proof, { trustedKeys: [key.publicJwk] });
  if (report.outcome !== 'VALID') throw new Error('bench: the proof does not verify');
  full.push(performance.now() - started);
}
console.log('');
printTable(
  ['proof verification', 'median ms', 'p90 ms'],
  [
    [`inclusion (commitment + ${path.length}-step path), tree of ${count.toLocaleString('en')}`, median(inclusion).toFixed(4), inclusion.sort((a, b) => a - b)[Math.floor(inclusion.length * 0.9)]!.toFixed(4)],
    ['verifyItemProof, whole proof file (manifest, EdDSA signature, inclusion, digest), 64 items', median(full).toFixed(3), full.sort((a, b) => a - b)[Math.floor(full.length * 0.9)]!.toFixed(3)],
  ],
);

// verifyBundle (node:crypto, as evb verify) of the same small items packed as format 1.1 and as format 1.2.
const vPayload = utf8Encode('x');
const vItems = Array.from({ length: verifyCount }, (_, i) => ({ id: `v${i}`, path: `d${i % 100}/f${i}.txt`, mediaType: 'text/plain', size: vPayload.length, data: [vPayload] }));
const packed = async (selectiveDisclosure: boolean) => {
  const out = memorySink();
  await packBundleTo(out, { metadata, items: vItems, signers: [{ signer: await createJwkSigner(key.privateJwk), role: 'packager' }], backend: nodeBackend, ...(selectiveDisclosure ? { selectiveDisclosure } : {}) });
  return out.files;
};
const files11 = await packed(false);
const files12 = await packed(true);
const verifyTimes = { v11: [] as number[], v12: [] as number[] };
for (let r = 0; r < runs; r++) {
  for (const [name, files] of (r % 2 === 0 ? [['v11', files11], ['v12', files12]] : [['v12', files12], ['v11', files11]]) as Array<['v11' | 'v12', typeof files11]>) {
    const started = performance.now();
    const report = await verifyBundle(filesSource(files), { trustedKeys: [key.publicJwk], backend: nodeBackend });
    if (report.outcome !== 'VALID') throw new Error(`bench: the ${name} bundle does not verify: ${report.findings.map((f) => f.code).join(', ')}`);
    verifyTimes[name].push((performance.now() - started) / 1000);
  }
}
console.log('');
printTable(
  [`verifyBundle, ${verifyCount.toLocaleString('en')} items of 1 byte (node:crypto), runs alternating`, 'median s', 'ratio'],
  [
    ['format 1.1 (items in the signed manifest)', median(verifyTimes.v11).toFixed(2), '1'],
    ['format 1.2 (commitments; disclosures checked against the root)', median(verifyTimes.v12).toFixed(2), `${(median(verifyTimes.v12) / median(verifyTimes.v11)).toFixed(2)} x`],
  ],
);
console.log(`load average after: ${load()}`);
