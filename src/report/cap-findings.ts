import { makeFinding, type FindingCode } from './codes.js';
import type { Finding } from './finding-type.js';

/**
 * Findings of one code listed at most (docs/format.md, "Limits"); the rest are counted in one
 * `verify.findings.omitted` finding. A hostile file of a million bad lines gives a report of a few hundred
 * findings, and the outcome is the same: the first findings of every code are kept.
 */
export const MAX_FINDINGS_PER_CODE = 100;

const OMITTED: FindingCode = 'verify.findings.omitted';

/** Where a checker puts its findings: an array, or a {@link FindingCap}. */
export interface FindingSink {
  push(finding: Finding): void;
}

/** Collects findings, keeping at most `max` of each code, so that memory stays bounded while they are made. */
export interface FindingCap extends FindingSink {
  /** The findings kept, in the order given, then one `verify.findings.omitted` per code that had more. */
  done(): Finding[];
}

/**
 * A collector that keeps the first `max` findings of each code and counts the others. Summary findings
 * (`verify.findings.omitted`) are always kept: there is at most one per capped code and collector.
 * @throws RangeError when `max` is not a non-negative integer
 */
export function createFindingCap(max: number = MAX_FINDINGS_PER_CODE): FindingCap {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError('max must be a non-negative integer');
  const kept: Finding[] = [];
  // Per code: how many, and the file they are all in (undefined once two differ).
  const seen = new Map<FindingCode, { count: number; file: string | undefined; sameFile: boolean }>();
  return {
    push(finding) {
      if (finding.code === OMITTED) {
        kept.push(finding);
        return;
      }
      const entry = seen.get(finding.code);
      const file = fileOf(finding.path);
      if (entry === undefined) {
        seen.set(finding.code, { count: 1, file, sameFile: true });
      } else {
        entry.count++;
        if (entry.file !== file) entry.sameFile = false;
      }
      if ((entry?.count ?? 1) <= max) kept.push(finding);
    },
    done() {
      const out = kept.slice();
      for (const [code, { count, file, sameFile }] of seen) {
        if (count <= max) continue;
        const omitted = count - max;
        // Said where the omitted findings are, when they are all in one file.
        const where = sameFile && file !== undefined ? { path: file } : {};
        out.push(makeFinding(OMITTED, `${omitted} more ${code} finding${omitted === 1 ? '' : 's'} not listed`, where, { count: omitted, omittedCode: code }));
      }
      return out;
    },
  };
}

/**
 * {@link createFindingCap} over a list already made: the first `max` findings of each code, in order, then one
 * `verify.findings.omitted` per code that had more.
 * @throws RangeError when `max` is not a non-negative integer
 * @example capFindings(findings).length // at most 100 per code, plus the summaries
 */
export function capFindings(findings: Iterable<Finding>, max: number = MAX_FINDINGS_PER_CODE): Finding[] {
  const cap = createFindingCap(max);
  for (const finding of findings) cap.push(finding);
  return cap.done();
}

/** The file a finding's path names: `evidence/manifest.json#/items/3` is in `evidence/manifest.json`. */
function fileOf(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const hash = path.indexOf('#');
  return hash < 0 ? path : path.slice(0, hash);
}
