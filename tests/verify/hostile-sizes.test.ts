// Hostile sizes at and past the documented limits (docs/format.md, "Limits"): each gives a report with its
// precise finding, bounded in length, and never verify.internal-error. bench/hostile-sizes.ts measures the
// time and memory of the same inputs at full size.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BAG_LIMITS } from '../../src/bagit/validate-bag.js';
import { bagManifestBytes, BUNDLE_FILE_LIMITS, CUSTODY_FILE, LIMITS, MANIFEST_FILE } from '../../src/model/layout.js';
import { MAX_FINDINGS_PER_CODE } from '../../src/report/cap-findings.js';
import type { FindingCode } from '../../src/report/codes.js';
import { verifyBundle, type VerificationReport } from '../../src/index.js';
import { memorySource } from '../bagit/memory-source.js';
import { keyPair, packDemo, tempDir, type KeyPair } from '../helpers/bundle-fixture.js';

// Large inputs on a shared machine: generous time, never a ratio or a duration asserted here.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 });

let dir: string;
let packager: KeyPair;
const pristine = new Map<string, Uint8Array>();

beforeAll(async () => {
  dir = await tempDir();
  packager = await keyPair('EdDSA');
  const bundle = await packDemo(dir, { packager });
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fsp.readdir(join(bundle, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else pristine.set(p, new Uint8Array(await fsp.readFile(join(bundle, p))));
    }
  };
  await walk('');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const encoder = new TextEncoder();

/** The demo bundle with some files replaced, verified from memory (large chunks: the files are large). */
async function verifyWith(files: Record<string, string | Uint8Array>): Promise<VerificationReport> {
  const all: Record<string, Uint8Array> = Object.fromEntries(pristine);
  for (const [path, value] of Object.entries(files)) all[path] = typeof value === 'string' ? encoder.encode(value) : value;
  return verifyBundle(memorySource(all, { chunkSize: 1 << 20 }), { trustedKeys: [packager.publicJwk] });
}

/** Lines joined by LF, without building one array of every line. */
function lines(count: number, line: (i: number) => string): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `${line(i)}\n`;
  return out;
}

const text = (path: string): string => new TextDecoder().decode(pristine.get(path)!);
const codes = (report: VerificationReport, code: FindingCode) => report.findings.filter((f) => f.code === code);

/** The report lists the cap of `code` and counts the rest, and no more than a few hundred findings in all. */
function expectCapped(report: VerificationReport, code: FindingCode, total: number): void {
  expect(codes(report, 'verify.internal-error')).toEqual([]);
  expect(codes(report, code)).toHaveLength(MAX_FINDINGS_PER_CODE);
  const omitted = codes(report, 'verify.findings.omitted').filter((f) => f.message.includes(` ${code} `));
  expect(omitted).toHaveLength(1);
  expect(omitted[0]!.message).toMatch(new RegExp(`^${total - MAX_FINDINGS_PER_CODE} more `));
  expect(report.findings.length).toBeLessThan(500);
  expect(report.outcome).toBe('INVALID');
}

describe('hostile sizes within the limits give precise, bounded findings', () => {
  it(`a custody log of LIMITS.custodyEvents (${LIMITS.custodyEvents}) unreadable lines: custody.malformed, capped`, async () => {
    // Every way a line can fail to be an event: not JSON, not an object, not canonical, not a JWS, bad base64url,
    // a payload that is no event, an empty line.
    const bad = ['x', '[]', '{"a": 1}', '{}', '{"payload":"!","protected":"e30","signature":"AA"}', '{"payload":"e30","protected":"e30","signature":"AA"}', ''];
    const report = await verifyWith({ [CUSTODY_FILE]: lines(LIMITS.custodyEvents, (i) => bad[i % bad.length]!) });
    expectCapped(report, 'custody.malformed', LIMITS.custodyEvents);
    expect(codes(report, 'custody.malformed').every((f) => f.path === CUSTODY_FILE && f.line !== undefined)).toBe(true);
  });

  it('an 800,000-line tag manifest naming tag files that are not there: bag.tagfile.missing, capped', async () => {
    const own = text('tagmanifest-sha256.txt');
    const report = await verifyWith({ 'tagmanifest-sha256.txt': own + lines(800_000, (i) => `${'0'.repeat(64)}  e/${i.toString(36)}`) });
    expectCapped(report, 'bag.tagfile.missing', 800_000);
  });

  it('an 800,000-line payload manifest naming files that are not there: bag.payload.missing, capped', async () => {
    const own = text('manifest-sha256.txt');
    const report = await verifyWith({ 'manifest-sha256.txt': own + lines(800_000, (i) => `${'0'.repeat(64)}  data/${i.toString(36)}`) });
    expectCapped(report, 'bag.payload.missing', 800_000);
  });

  // The tag file limit of two-byte lines (32 million) is bench/hostile-sizes.ts's case; 2 million show the cap.
  it('a tag manifest of two million two-byte lines: bag.manifest.malformed-line, capped as it is parsed', async () => {
    const count = 2_000_000;
    const report = await verifyWith({ 'tagmanifest-sha256.txt': 'x\n'.repeat(count) });
    expectCapped(report, 'bag.manifest.malformed-line', count);
  });

  it('bag-info.txt at its limit of malformed lines: bag.info.malformed-line, capped', async () => {
    const count = Math.floor((BAG_LIMITS.listFileBytes - pristine.get('bag-info.txt')!.length) / 9);
    const report = await verifyWith({ 'bag-info.txt': `${text('bag-info.txt')}${'no colon\n'.repeat(count)}` });
    expectCapped(report, 'bag.info.malformed-line', count);
  });

  it('a manifest whose schema problems are many: the first 100 members and a count', async () => {
    const manifest = JSON.parse(text(MANIFEST_FILE)) as Record<string, unknown>;
    const extra = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`x${String(i).padStart(5, '0')}`, 0]));
    const { canonicalize } = await import('../../src/encoding/jcs.js');
    const report = await verifyWith({ [MANIFEST_FILE]: canonicalize({ ...manifest, ...extra }) });
    expectCapped(report, 'manifest.schema.invalid', 4000);
  });
});

describe('past the limits: the too-large finding, nothing parsed', () => {
  it('a manifest of one byte more than LIMITS.manifestBytes: manifest.malformed-json', async () => {
    const report = await verifyWith({ [MANIFEST_FILE]: new Uint8Array(LIMITS.manifestBytes + 1).fill(0x20) });
    expect(codes(report, 'manifest.malformed-json')).toHaveLength(1);
    expect(codes(report, 'verify.internal-error')).toEqual([]);
  });

  it('a manifest within the bytes but one value past LIMITS.manifestValues: manifest.malformed-json, for any kind of value', async () => {
    for (const unit of ['0', '{}', '""', '[]']) {
      const count = LIMITS.manifestValues; // the top-level object and its member make two more
      const report = await verifyWith({ [MANIFEST_FILE]: `{"z":[${`${unit},`.repeat(count - 1)}${unit}]}` });
      const found = codes(report, 'manifest.malformed-json');
      expect(found, unit).toHaveLength(1);
      expect(found[0]!.message).toMatch(/^ERR_JSON_TOO_LARGE/);
    }
  });

  it('a custody log of LIMITS.custodyEvents + 1 lines, or of one byte more than LIMITS.custodyBytes: custody.too-large', async () => {
    for (const log of ['\n'.repeat(LIMITS.custodyEvents + 1), 'x'.repeat(LIMITS.custodyBytes + 1)]) {
      const report = await verifyWith({ [CUSTODY_FILE]: log });
      expect(codes(report, 'custody.too-large')).toHaveLength(1);
      expect(codes(report, 'custody.malformed')).toEqual([]);
    }
  });

  it(`a bundle of more than LIMITS.bagEntries (${LIMITS.bagEntries}) files and directories: bag.limit.entries, though a generic bag may hold more`, async () => {
    // Counted, not built: the listing yields the demo's entries, then empty files made as they are listed, one
    // past the limit in all. The check refuses the listing before any payload file is read.
    const all: Record<string, Uint8Array> = Object.fromEntries(pristine);
    let own = 0;
    for await (const _ of memorySource(all).list()) own++;
    const past = LIMITS.bagEntries + 1 - own;
    function* extra() {
      for (let i = 0; i < past; i++) yield { path: `data/extra/${i}`, kind: 'file' as const, size: 0 };
    }
    const reads: string[] = [];
    const report = await verifyBundle(memorySource(all, { extra: extra(), reads }), { trustedKeys: [packager.publicJwk] });
    expect(reads.filter((p) => p.startsWith('data/'))).toEqual([]);
    const found = codes(report, 'bag.limit.entries');
    expect(found).toHaveLength(1);
    expect(found[0]!.params).toMatchObject({ limit: LIMITS.bagEntries });
    expect(codes(report, 'verify.internal-error')).toEqual([]);
    expect(report.outcome).toBe('INVALID');
    expect(LIMITS.bagEntries).toBeLessThan(BAG_LIMITS.entries);
  });

  it('bag-info.txt or fetch.txt of one byte more than BAG_LIMITS.listFileBytes: bag.tagfile.too-large, nothing kept', async () => {
    for (const file of ['bag-info.txt', 'fetch.txt']) {
      const report = await verifyWith({ [file]: 'A: b\n'.repeat(BAG_LIMITS.listFileBytes / 5 + 1) });
      expect(codes(report, 'bag.tagfile.too-large').map((f) => f.path)).toEqual([file]);
      expect(codes(report, 'bag.info.malformed-line')).toEqual([]);
    }
  });

  it('a tag manifest of one byte more than its limit (a line per bundle entry, bagManifestBytes): bag.tagfile.too-large', async () => {
    const limit = bagManifestBytes(64);
    expect(BUNDLE_FILE_LIMITS.get('tagmanifest-sha256.txt')).toBe(limit);
    expect(limit).toBe(LIMITS.bagEntries * (64 + 3 + LIMITS.entryPathBytes));
    const report = await verifyWith({ 'tagmanifest-sha256.txt': new Uint8Array(limit + 1).fill(0x0a) });
    expect(codes(report, 'bag.tagfile.too-large').map((f) => f.params)).toEqual([{ path: 'tagmanifest-sha256.txt', limit }]);
    expect(codes(report, 'verify.internal-error')).toEqual([]);
  });
});

describe('an object of more members than LIMITS.manifestMembers in the manifest', () => {
  it('manifest.malformed-json, the object never built whole', async () => {
    const members = Array.from({ length: LIMITS.manifestMembers + 1 }, (_, i) => `"${String(i).padStart(6, '0')}":0`).join(',');
    const report = await verifyWith({ [MANIFEST_FILE]: `{"s":{${members}}}` });
    expect(report.findings.filter((f) => f.code === 'manifest.malformed-json')).toHaveLength(1);
    expect(report.findings.filter((f) => f.code === 'verify.internal-error')).toEqual([]);
    expect(report.outcome).toBe('INVALID');
  });
});
