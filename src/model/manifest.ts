import { z } from 'zod';
import { findPathCollisions } from '../path/bundle-path.js';
import { ActorSchema } from './actor.js';
import { AuthoritySchema } from './authority.js';
import { DateTime, MultilingualText, Text } from './common.js';
import { HandlingSchema } from './handling.js';
import { ItemSchema, type Item } from './item.js';
import { LegalBasisSchema } from './legal-basis.js';

/** The format version this library writes; readers accept any 1.x (minor versions only add optional fields). */
export const FORMAT_VERSION = '1.0';

const ManifestShape = z.strictObject({
  formatVersion: z
    .string()
    .regex(/^1\.\d+$/)
    .meta({ description: 'Format version; readers reject an unknown major version' }),
  bundleId: z.uuid().regex(/^[0-9a-f-]+$/).meta({ description: 'UUID of the bundle, lower case' }),
  createdAt: DateTime,
  creator: AuthoritySchema.meta({ description: 'The authority that created the bundle' }),
  case: z.strictObject({
    reference: Text.meta({ description: 'Case reference of the creating authority' }),
    title: Text.optional(),
    description: MultilingualText.optional(),
  }),
  legalBasis: LegalBasisSchema,
  handling: HandlingSchema,
  actors: z.array(ActorSchema),
  items: z.array(ItemSchema).max(1_000_000),
});

/**
 * Rules between fields, which JSON Schema cannot express (docs/format.md, "Cross-field rules"): unique ids and
 * paths, no case-fold collisions, references that resolve, no derivation cycles, present items with bytes.
 */
function crossFieldRules(m: z.infer<typeof ManifestShape>, ctx: z.RefinementCtx): void {
  const actorIds = new Set<string>();
  m.actors.forEach((a, i) => {
    if (actorIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['actors', i, 'id'], message: `duplicate actor id "${a.id}"` });
    actorIds.add(a.id);
  });
  const items = new Map<string, Item>();
  const paths = new Map<string, number>();
  m.items.forEach((item, i) => {
    if (items.has(item.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate item id "${item.id}"` });
    items.set(item.id, item);
    if (item.disclosure.status === 'present') {
      for (const field of ['path', 'size', 'digests'] as const) {
        if (item[field] === undefined) ctx.addIssue({ code: 'custom', path: ['items', i, field], message: `a present item needs ${field}` });
      }
    } else if (item.path !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['items', i, 'path'], message: 'a withheld item has no path (its bytes are not in the bag)' });
    }
    if (item.path !== undefined) {
      if (paths.has(item.path)) ctx.addIssue({ code: 'custom', path: ['items', i, 'path'], message: `duplicate path "${item.path}"` });
      paths.set(item.path, i);
    }
    if (item.acquisition !== undefined && !actorIds.has(item.acquisition.actor)) {
      ctx.addIssue({ code: 'custom', path: ['items', i, 'acquisition', 'actor'], message: `unknown actor "${item.acquisition.actor}"` });
    }
  });
  for (const [a, b] of findPathCollisions(paths.keys())) {
    ctx.addIssue({ code: 'custom', path: ['items', paths.get(b)!, 'path'], message: `path "${b}" collides with "${a}" after case folding` });
  }
  m.items.forEach((item, i) => {
    item.derivedFrom?.forEach((d, j) => {
      if (d.item === item.id) ctx.addIssue({ code: 'custom', path: ['items', i, 'derivedFrom', j, 'item'], message: 'an item cannot derive from itself' });
      else if (!items.has(d.item)) ctx.addIssue({ code: 'custom', path: ['items', i, 'derivedFrom', j, 'item'], message: `unknown item "${d.item}"` });
    });
  });
  // Derivation must be acyclic: depth-first search with colours, iterative so a long chain cannot overflow.
  const state = new Map<string, 1 | 2>();
  for (const start of items.keys()) {
    if (state.has(start)) continue;
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = items.get(top[0])?.derivedFrom ?? [];
      if (top[1] >= parents.length) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const next = parents[top[1]++]!.item;
      if (!items.has(next) || next === top[0]) continue;
      if (state.get(next) === 1) {
        ctx.addIssue({ code: 'custom', path: ['items'], message: `derivation cycle through "${next}"` });
        return;
      }
      if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
}

/** The evidence-bundle manifest (`evidence/manifest.json`), docs/format.md "Manifest". */
export const ManifestSchema = ManifestShape.superRefine(crossFieldRules).meta({
  title: 'evidence-bundle manifest',
  description: 'What an evidence bundle contains, why it was sent and how it must be handled. Stored as RFC 8785 canonical JSON.',
});

export type Manifest = z.infer<typeof ManifestSchema>;
