import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SIZE = 4 * 1024 ** 3 + 1024 * 1024 + 5; // past 4 GiB, and past 0xFFFFFFFF by more than a chunk
const dir = mkdtempSync(join(tmpdir(), 'evb-zip64-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Writes and reads 4 GiB (the archive is not sparse): CI only.
describe.runIf(process.env.EVB_SLOW === '1')('an item over 4 GiB (EVB_SLOW=1)', () => {
  it('is written and read back streaming, ZIP64, memory flat; Python reads the ZIP64 records', { timeout: 900_000 }, () => {
    const sparse = join(dir, 'big.bin');
    writeFileSync(sparse, '');
    truncateSync(sparse, SIZE);
    const target = join(dir, 'big.zip');
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'zip64-child.ts'), sparse, target], { encoding: 'utf8' });
    const result = JSON.parse(out) as { entries: Array<[string, number]>; read: number; problems: unknown[]; rssGrowthKiB: number };
    expect(result.problems).toEqual([]);
    expect(result.entries).toEqual([['data/big.bin', SIZE], ['data/small.txt', 18]]);
    expect(result.read).toBe(SIZE);
    // Streaming: the peak grows by buffers, not by the 4 GiB that passed through (under 1.5% of it).
    expect(result.rssGrowthKiB).toBeLessThan(64 * 1024);
    const listed = execFileSync('python3', ['-c', 'import zipfile,sys,json; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps([[i.filename, i.file_size, i.header_offset > 0xFFFFFFFF] for i in z.infolist()]))', target], { encoding: 'utf8' });
    expect(JSON.parse(listed)).toEqual([['data/big.bin', SIZE, false], ['data/small.txt', 18, true]]);
  });
});
