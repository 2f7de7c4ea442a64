// Array helpers for the isomorphic core.

/**
 * Appends every element of `source` to `target`. `target.push(...source)` passes each element as a call
 * argument, and an engine's stack holds only about 100,000 of them: hostile input (a log of 100,000 bad lines)
 * would end in "Maximum call stack size exceeded" instead of a report.
 */
export function pushAll<T>(target: { push(element: T): unknown }, source: Iterable<T>): void {
  for (const element of source) target.push(element);
}
