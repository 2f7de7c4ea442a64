import { createFindingCap } from '../report/cap-findings.js';
import { MANIFEST_FILE } from './layout.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { splitIssues } from './issue-pointer.js';
import { type Manifest, ManifestSchema } from './manifest.js';

/**
 * Validates a manifest and reports each member at fault as one `manifest.schema.invalid` finding (the first
 * problem found there) instead of throwing. A finding's `path` is `evidence/manifest.json#<JSON Pointer>` (RFC 6901 section 6, URI fragment form) of the
 * member at fault, and its `item` the id of the item concerned, when there is one. At most 100 are listed
 * (MAX_FINDINGS_PER_CODE), then one `verify.findings.omitted` with the count of the rest.
 * @example
 * const { manifest, findings } = checkManifest(value);
 */
export function checkManifest(value: unknown): { manifest?: Manifest; findings: Finding[] } {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return { manifest: result.data, findings: [] };
  const items = (value as { items?: unknown } | null | undefined)?.items;
  const findings = createFindingCap();
  const seen = new Set<string>();
  for (const problem of splitIssues(result.error.issues)) {
    // A member can break several checks at once ("" is both too short and untrimmed): one finding is enough.
    if (seen.has(problem.pointer)) continue;
    seen.add(problem.pointer);
    const itemId = problem.path[0] === 'items' && typeof problem.path[1] === 'number' && Array.isArray(items)
      ? (items[problem.path[1]] as { id?: unknown } | undefined)?.id
      : undefined;
    findings.push(
      makeFinding('manifest.schema.invalid', `${problem.pointer || '/'}: ${problem.message}`, {
        path: `${MANIFEST_FILE}#${fragment(problem.pointer)}`,
        ...(typeof itemId === 'string' ? { item: itemId } : {}),
      }, { pointer: problem.pointer || '/', detail: problem.message }),
    );
  }
  return { findings: findings.done() };
}

/** A JSON Pointer as a URI fragment (RFC 6901 section 6): characters outside RFC 3986 `fragment` percent-encoded. */
function fragment(pointer: string): string {
  return pointer
    .replace(/[\uD800-\uDFFF]/gu, '\uFFFD')
    .replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) => encodeURIComponent(c));
}
