import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../src/report/codes.js';
import { REPO_ROOT } from './helpers/vectors.js';

// The specification names finding codes in prose; a renamed or removed code must not linger there.
describe('documentation', () => {
  it('docs/format.md names only finding codes that exist', () => {
    const text = readFileSync(join(REPO_ROOT, 'docs', 'format.md'), 'utf8');
    const named = text.match(/`(?:bag|bundle|manifest|item|signature|custody|policy|verify)\.[a-z0-9.-]+`/g) ?? [];
    const codes = named.map((s) => s.slice(1, -1)).filter((s) => !/\.(jsonl?|txt)$/.test(s));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !Object.hasOwn(FINDING_CODES, c))).toEqual([]);
  });
});
