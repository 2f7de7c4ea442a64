import { makeFinding } from '../report/codes.js';
import type { Finding } from '../report/finding-type.js';
import { MANIFEST_FILE } from '../bundle/layout.js';
import { type Manifest, ManifestSchema } from './manifest.js';

/** RFC 6901 JSON Pointer of a zod issue path. */
function pointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Validates a manifest and reports each problem as a finding (`manifest.schema.invalid`, located by JSON
 * Pointer in the message and `item` where an item is concerned) instead of throwing.
 */
export function checkManifest(value: unknown): { manifest?: Manifest; findings: Finding[] } {
  const result = ManifestSchema.safeParse(value);
  if (result.success) return { manifest: result.data, findings: [] };
  const items = (value as { items?: Array<{ id?: unknown }> } | null)?.items;
  const findings = result.error.issues.slice(0, 100).map((issue) => {
    const at = pointer(issue.path);
    const itemIndex = issue.path[0] === 'items' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    const itemId = itemIndex !== undefined && Array.isArray(items) ? items[itemIndex]?.id : undefined;
    return makeFinding('manifest.schema.invalid', `${at || '/'}: ${issue.message}`, {
      path: MANIFEST_FILE,
      ...(typeof itemId === 'string' ? { item: itemId } : {}),
    });
  });
  return { findings };
}
