import type { z } from 'zod';
import { createFindingCap } from '../report/cap-findings.js';
import { LIMITS, MANIFEST_FILE } from './layout.js';
import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { isValidItem } from './check-items.js';
import { splitIssues } from './issue-pointer.js';
import { ItemSchema } from './item.js';
import { crossFieldRules, type Manifest, ManifestSchema, ManifestShape } from './manifest.js';

/** What {@link checkManifest} and {@link checkManifestAsync} return. */
export interface ManifestCheck {
  /** The manifest, when it is valid: the checked value itself (no copy), typed. */
  manifest?: Manifest;
  /** One `manifest.schema.invalid` per member at fault (at most 100, then one `verify.findings.omitted`). */
  findings: Finding[];
}

/**
 * Validates a manifest and reports each member at fault as one `manifest.schema.invalid` finding (the first
 * problem found there) instead of throwing. A finding's `path` is `evidence/manifest.json#<JSON Pointer>` (RFC 6901 section 6, URI fragment form) of the
 * member at fault, and its `item` the id of the item concerned, when there is one. At most 100 are listed
 * (MAX_FINDINGS_PER_CODE), then one `verify.findings.omitted` with the count of the rest.
 * Every rule of {@link ManifestSchema} holds, with the same findings; the items are checked one by one without
 * a schema parse each, and a valid manifest is returned as it was given (no copy), so a manifest of a million
 * items is held once.
 * @example
 * const { manifest, findings } = checkManifest(value);
 */
export function checkManifest(value: unknown): ManifestCheck {
  const steps = manifestIssues(value);
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return toCheck(value, step.value);
}

/**
 * {@link checkManifest} in slices: it gives the event loop a turn every few thousand items, so that a caller's
 * other work (hashing the payload, answering workers) goes on while a large manifest is checked. Same result.
 * @example
 * const [bag, checked] = await Promise.all([validateBag(source), checkManifestAsync(value)]);
 */
export async function checkManifestAsync(value: unknown): Promise<ManifestCheck> {
  const steps = manifestIssues(value);
  let step = steps.next();
  while (step.done !== true) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    step = steps.next();
  }
  return toCheck(value, step.value);
}

function toCheck(value: unknown, issues: readonly z.core.$ZodIssue[]): ManifestCheck {
  if (issues.length === 0) return { manifest: value as Manifest, findings: [] };
  const items = (value as { items?: unknown } | null | undefined)?.items;
  const findings = createFindingCap();
  const seen = new Set<string>();
  for (const problem of splitIssues(issues)) {
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

/** Items checked between two yields of {@link manifestIssues}: some milliseconds of work. */
const ITEMS_PER_SLICE = 4096;

// The members ManifestShape checks before `items`, in its order: their issues come first, as zod orders them.
const BEFORE_ITEMS = new Set(Object.keys(ManifestShape.shape).slice(0, Object.keys(ManifestShape.shape).indexOf('items')));

/**
 * The issues ManifestSchema would give for `value`, in its order, yielding between slices of items. The members
 * other than the items go through the schema (on a shallow copy without items, cheap); each item through
 * {@link isValidItem}, and only an item found invalid through ItemSchema, for its issues. As in the schema, the
 * cross-field rules then run unless an issue so far stops them (zod's "abort": a wrong type, a value outside an
 * enum or union; an unknown key or a failed check or refinement does not).
 */
function* manifestIssues(value: unknown): Generator<void, z.core.$ZodIssue[]> {
  const items = (value as { items?: unknown } | null | undefined)?.items;
  // Anything but an object with an array of items within the limit: the schema's own answer.
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Array.isArray(items) || items.length > LIMITS.items) {
    return issuesOf(ManifestSchema.safeParse(value));
  }
  const headCheck = probe(HeadProbe, { ...(value as Record<string, unknown>), items: [] });
  let aborted = headCheck.aborted;
  const issues = headCheck.issues.filter((i) => BEFORE_ITEMS.has(i.path[0] as string));
  for (let i = 0; i < items.length; i++) {
    if (i % ITEMS_PER_SLICE === ITEMS_PER_SLICE - 1) yield;
    if (isValidItem(items[i])) continue;
    const itemCheck = probe(ItemProbe, items[i]);
    aborted ||= itemCheck.aborted;
    for (const issue of itemCheck.issues) issues.push({ ...issue, path: ['items', i, ...issue.path] });
  }
  for (const issue of headCheck.issues) if (!BEFORE_ITEMS.has(issue.path[0] as string)) issues.push(issue);
  if (aborted) return issues;
  yield;
  crossFieldRules(value as Manifest, {
    addIssue: (issue) => {
      if (typeof issue === 'string') throw new TypeError('cross-field rules give issues as objects');
      issues.push({ ...issue, path: issue.path ?? [], message: issue.message ?? '' } as z.core.$ZodIssue);
    },
  });
  return issues;
}

// Whether a schema's issues stop the refinements after it: zod drops that mark from the issues it returns, so
// a last refinement tells, by running or not.
let probeRan = false;
const mark = (): void => {
  probeRan = true;
};
const HeadProbe = ManifestShape.superRefine(mark);
const ItemProbe = ItemSchema.superRefine(mark);

function probe(schema: z.ZodType, value: unknown): { issues: z.core.$ZodIssue[]; aborted: boolean } {
  probeRan = false;
  const issues = issuesOf(schema.safeParse(value));
  return { issues, aborted: !probeRan };
}

function issuesOf(result: { success: true } | { success: false; error: { issues: z.core.$ZodIssue[] } }): z.core.$ZodIssue[] {
  return result.success ? [] : result.error.issues;
}

/** A JSON Pointer as a URI fragment (RFC 6901 section 6): characters outside RFC 3986 `fragment` percent-encoded. */
function fragment(pointer: string): string {
  return pointer
    .replace(/[\uD800-\uDFFF]/gu, '\uFFFD')
    .replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) => encodeURIComponent(c));
}
