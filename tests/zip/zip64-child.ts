// Child process of zip64-large.test.ts: writes a ZIP holding a sparse file over 4 GiB, streaming, then reads
// it back in place; prints what it saw and how much its peak RSS grew, so that the test can judge memory alone.
import { createReadStream, promises as fsp } from 'node:fs';
import { fileReader } from '../../src/node/file-reader.js';
import { openZipSource } from '../../src/zip/open-zip-source.js';
import { createZipWriter } from '../../src/zip/zip-writer.js';

const [source, target] = process.argv.slice(2) as [string, string];
const before = process.resourceUsage().maxRSS;
const size = (await fsp.stat(source)).size;
const out = await fsp.open(target, 'wx');
const writer = createZipWriter({ write: async (b) => void (await out.write(b)), close: () => out.close() });
await writer.add('data/big.bin', createReadStream(source, { highWaterMark: 1024 * 1024 }), { size });
// After the big entry: an offset past 4 GiB, so its central record needs ZIP64 too.
const small = new TextEncoder().encode('after the big one\n');
await writer.add('data/small.txt', small, { size: small.length });
await writer.finish();

const reader = await fileReader(target);
const zip = await openZipSource(reader);
const entries: Array<[string, number]> = [];
for await (const e of zip.list()) entries.push([e.path, e.size]);
let read = 0;
for await (const chunk of zip.read('data/big.bin')) read += chunk.length;
await reader.close();
console.log(JSON.stringify({ entries, read, problems: await zip.problems!(), rssGrowthKiB: process.resourceUsage().maxRSS - before }));
