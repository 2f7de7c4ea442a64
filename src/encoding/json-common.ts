// Limits and helpers shared by the strict parser and the canonicaliser.

/** Default deepest nesting of arrays and objects (a top-level array is depth 1). */
export const DEFAULT_MAX_DEPTH = 64;

/** Both walkers recurse once per level, so the ceiling keeps them far below any engine's stack limit. */
const MAX_DEPTH_CEILING = 1024;

/** Validates a `maxDepth` option. */
export function checkMaxDepth(maxDepth: number): number {
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_CEILING) {
    throw new RangeError(`maxDepth must be an integer from 1 to ${MAX_DEPTH_CEILING}`);
  }
  return maxDepth;
}

// With the `u` flag a well-formed pair is one astral code point, so only unpaired surrogates match.
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Renders a path as a quoted RFC 6901 JSON Pointer, for error messages ("" is the whole document). */
export function jsonPointer(segments: readonly (string | number)[]): string {
  const pointer = segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  return JSON.stringify(pointer);
}

/**
 * The number of JSON values in a value, counted as the strict parser counts them (every string, number,
 * literal, array and object, at any depth): what a writer checks against a reader's `maxValues`. Iterative, so
 * depth costs no stack.
 */
export function countJsonValues(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    count++;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push(child);
  }
  return count;
}
