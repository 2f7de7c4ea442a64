import type { z } from 'zod';

/** RFC 6901 JSON Pointer of a zod issue: the member at fault, or for an unknown key, that key. */
function issuePointer(issue: z.core.$ZodIssue, key?: string): string {
  const path = key === undefined ? issue.path : [...issue.path, key];
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The zod issues one by one, with an unknown-keys issue split into one issue per key, so each names exactly the
 * member at fault.
 */
export function* splitIssues(issues: readonly z.core.$ZodIssue[]): Generator<{ pointer: string; message: string; path: readonly PropertyKey[] }> {
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        yield { pointer: issuePointer(issue, key), message: `unknown member "${key}"`, path: [...issue.path, key] };
      }
    } else {
      yield { pointer: issuePointer(issue), message: issue.message, path: issue.path };
    }
  }
}
