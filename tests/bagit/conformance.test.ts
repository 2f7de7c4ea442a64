import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BagEntry, BagSource } from '../../src/bagit/bag-source.js';
import { validateBag } from '../../src/bagit/validate-bag.js';
import type { FindingCode } from '../../src/report/codes.js';
import { openDirectorySource } from '../../src/node/directory-source.js';
import { vectorsDir } from '../helpers/vectors.js';

// The Library of Congress BagIt conformance suite (../shared/vectors/bagit-conformance-suite): for v1.0 and
// v0.97, valid/ must validate, invalid/ and linux-only/ must fail, warning/ must validate with at least one
// warning. windows-only/ tests Windows path handling and is skipped; v0.96 is kept upstream for reference only.
// Each failing or warning bag must also give the finding that is the point of the case, so a bag never passes
// for an unrelated reason.
const dir = vectorsDir('bagit-conformance-suite');
const VERSIONS = ['v1.0', 'v0.97'] as const;
const FOLDERS = ['valid', 'invalid', 'linux-only', 'warning'] as const;

/** The finding each invalid/ (error) or warning/ (warning) case is about, by `<version>/<folder>/<bag>`. */
const EXPECTED: Record<string, FindingCode> = {
  'v1.0/invalid/bagit-with-invalid-whitespace': 'bag.declaration.malformed',
  'v1.0/invalid/notAllManifestsListAllFiles': 'bag.payload.undeclared',
  'v1.0/invalid/same-filename-listed-twice-with-different-hashes': 'bag.manifest.duplicate-entry',
  // BagIt 1.0 forbids listing a path twice even with the same digest; 0.97 only warns (below).
  'v1.0/invalid/same-filename-listed-twice-with-the-same-hash': 'bag.manifest.duplicate-entry',
  'v0.97/invalid/baginfo-missing-encoding': 'bag.declaration.malformed',
  'v0.97/invalid/bom-in-bagit.txt': 'bag.declaration.malformed',
  'v0.97/invalid/corrupt-data-file': 'bag.payload.digest-mismatch',
  'v0.97/invalid/corrupt-tag-file': 'bag.tagmanifest.digest-mismatch',
  'v0.97/invalid/extra-file-in-bag': 'bag.payload.undeclared',
  'v0.97/invalid/invalid-version-number': 'bag.declaration.malformed',
  'v0.97/invalid/missing-baginfo': 'bag.tagfile.missing',
  'v0.97/invalid/missing-bagit.txt': 'bag.declaration.missing',
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation': 'bag.path.unsafe',
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch': 'bag.path.unsafe',
  'v0.97/invalid/same-filename-listed-twice-with-different-hashes': 'bag.manifest.duplicate-entry',
  'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path': 'bag.path.unsafe',
  'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch': 'bag.path.unsafe',
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut': 'bag.manifest.outside-payload',
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch': 'bag.fetch.outside-payload',
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username': 'bag.manifest.outside-payload',
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch': 'bag.fetch.outside-payload',
  'v0.97/warning/duplicate-file-with-different-case': 'bag.path.alias',
  'v0.97/warning/made-with-md5sum-tools': 'bag.manifest.binary-marker',
  'v0.97/warning/relative-path': 'bag.manifest.dot-slash',
  'v0.97/warning/same-filename-listed-twice-with-different-normalization': 'bag.path.not-nfc',
  'v0.97/warning/same-filename-listed-twice-with-the-same-hash': 'bag.manifest.repeated-entry',
  'v0.97/warning/special-system-files': 'bag.payload.system-file',
};

/**
 * Files the upstream repository lost: git never stored them (the author's ignore rules dropped `.DS_Store`),
 * although the bag's manifest and Payload-Oxum count them. They are put back, empty as the manifest's digest
 * says, so the case tests what it was written for. The test first checks that the file is still absent and
 * that the manifest records the digest of the empty file, so the repair cannot hide anything else.
 */
const RESTORED: Record<string, { path: string; manifest: string; emptyDigest: string }> = {
  'v0.97/warning/special-system-files': {
    path: 'data/.DS_Store',
    manifest: 'manifest-sha512.txt',
    emptyDigest:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
};

/** Cases that cannot pass, with the reason. Kept empty; a case listed here is reported, never silently passed. */
const EXCEPTIONS: Record<string, string> = {};

function bags(version: string, folder: string): string[] {
  if (dir === undefined) return [];
  const root = join(dir, version, folder);
  try {
    return readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();
  } catch {
    return [];
  }
}

async function readText(source: BagSource, path: string): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of source.read(path)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** The directory as a bag source, with the file upstream lost put back as an empty regular file. */
async function withRestored(source: BagSource, restore: (typeof RESTORED)[string]): Promise<BagSource> {
  const listed: BagEntry[] = [];
  for await (const entry of source.list()) listed.push(entry);
  expect(listed.map((e) => e.path), 'the lost file is back upstream: remove it from RESTORED').not.toContain(restore.path);
  expect(await readText(source, restore.manifest)).toContain(`${restore.emptyDigest}  ${restore.path}\n`);
  return {
    async *list() {
      yield* listed;
      yield { path: restore.path, kind: 'file', size: 0 };
    },
    read: (path) => (path === restore.path ? (async function* () {})() : source.read(path)),
  };
}

const counts = new Map<string, { passed: number; total: number }>();
afterAll(() => {
  if (counts.size === 0) return;
  const lines = [...counts].map(([key, c]) => `  ${key}: ${c.passed}/${c.total}`);
  console.log(`BagIt conformance suite, bags passed:\n${lines.join('\n')}`);
});

describe.skipIf(!dir)('BagIt conformance suite', () => {
  it('has no stale expectation or exception', () => {
    const present = new Set(VERSIONS.flatMap((v) => FOLDERS.flatMap((f) => bags(v, f).map((b) => `${v}/${f}/${b}`))));
    for (const key of [...Object.keys(EXPECTED), ...Object.keys(RESTORED), ...Object.keys(EXCEPTIONS)]) {
      expect(present, `${key} is not in the suite`).toContain(key);
    }
  });

  for (const version of VERSIONS) {
    describe(version, () => {
      it('has bags to run', () => {
        expect(bags(version, 'valid').length).toBeGreaterThan(0);
        expect(bags(version, 'invalid').length).toBeGreaterThan(0);
      });
      for (const folder of FOLDERS) {
        const names = bags(version, folder);
        if (names.length === 0) continue;
        describe(folder, () => {
          it.each(names)('%s', async (name) => {
            const key = `${version}/${folder}/${name}`;
            const count = counts.get(`${version}/${folder}`) ?? { passed: 0, total: 0 };
            counts.set(`${version}/${folder}`, count);
            count.total += 1;
            if (EXCEPTIONS[key] !== undefined) {
              console.warn(`[conformance] ${key} not checked: ${EXCEPTIONS[key]}`);
              return;
            }
            let source = openDirectorySource(join(dir!, version, folder, name));
            const restore = RESTORED[key];
            if (restore !== undefined) source = await withRestored(source, restore);
            const result = await validateBag(source);
            const seen = result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.code} ${f.path ?? ''}`);
            const why = seen.join('\n');
            const expected = EXPECTED[key];
            if (folder === 'valid') {
              expect(result.valid, why).toBe(true);
            } else if (folder === 'warning') {
              expect(result.valid, why).toBe(true);
              expect(expected, `${key} needs an entry in EXPECTED`).toBeDefined();
              expect(result.findings, why).toContainEqual(expect.objectContaining({ code: expected, severity: 'warning' }));
            } else {
              expect(result.valid, why).toBe(false);
              expect(expected, `${key} needs an entry in EXPECTED`).toBeDefined();
              expect(result.findings, why).toContainEqual(expect.objectContaining({ code: expected, severity: 'error' }));
            }
            count.passed += 1;
          });
        });
      }
    });
  }
});
