import { z } from 'zod';
import { LIMITS } from './layout.js';
import { findPathCollisions } from '../path/bundle-path.js';
import { ActorSchema } from './actor.js';
import { AuthoritySchema } from './authority.js';
import { DateTime, MultilingualText, Text } from './common.js';
import { HandlingSchema } from './handling.js';
import { ItemSchema } from './item.js';
import { LegalBasisSchema } from './legal-basis.js';

/** The format version this library writes. Readers accept any 1.x: minor versions only add optional members. */
export const FORMAT_VERSION = '1.0';

const ManifestShape = z.strictObject({
  formatVersion: z
    .string()
    .regex(/^1\.(0|[1-9][0-9]{0,5})$/, 'unsupported format version: this reader reads 1.x')
    .meta({ description: 'Format version <major>.<minor>; "1.0" for this version. Readers reject a major version they do not know' }),
  bundleId: z
    .string()
    // RFC 9562 layout, lower case, versions 1 to 8; the nil and max UUIDs cannot identify anything.
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a lower-case RFC 9562 UUID')
    .meta({ description: 'Identity of the bundle: a lower-case RFC 9562 UUID (version 4 or 7 recommended)', format: 'uuid' }),
  createdAt: DateTime.meta({ description: 'When the bundle was created, RFC 3339 with offset' }),
  creator: AuthoritySchema.meta({ description: 'The authority that created the bundle' }),
  case: z
    .strictObject({
      reference: Text.meta({ description: 'Case reference of the creating authority' }),
      title: Text.optional().meta({ description: 'Short title of the case' }),
      description: MultilingualText.optional().meta({ description: 'Description of the case, in one or more languages' }),
    })
    .meta({ description: 'The case the evidence belongs to' }),
  legalBasis: LegalBasisSchema,
  handling: HandlingSchema,
  actors: z.array(ActorSchema).max(10_000).meta({ description: 'People and offices that acted on the evidence; ids unique; may be empty' }),
  items: z.array(ItemSchema).max(LIMITS.items).meta({ description: 'The evidence items; ids unique, paths unique even after case folding' }),
});

type Shape = z.infer<typeof ManifestShape>;

/**
 * Rules between fields, which JSON Schema cannot express (docs/format.md, "Cross-field rules"): unique ids and
 * paths, no case-fold collisions, references that resolve, no self-derivation, no derivation cycle.
 */
function crossFieldRules(m: Shape, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });

  const actorIds = new Set<string>();
  m.actors.forEach((a, i) => {
    if (actorIds.has(a.id)) issue(['actors', i, 'id'], `duplicate actor id "${a.id}"`);
    actorIds.add(a.id);
  });

  const itemIndex = new Map<string, number>();
  const pathIndex = new Map<string, number>();
  m.items.forEach((item, i) => {
    if (itemIndex.has(item.id)) issue(['items', i, 'id'], `duplicate item id "${item.id}"`);
    else itemIndex.set(item.id, i);
    if (item.path !== undefined) {
      if (pathIndex.has(item.path)) issue(['items', i, 'path'], `duplicate path "${item.path}"`);
      else pathIndex.set(item.path, i);
    }
    if (item.acquisition !== undefined && !actorIds.has(item.acquisition.actor)) {
      issue(['items', i, 'acquisition', 'actor'], `unknown actor "${item.acquisition.actor}"`);
    }
  });
  // Exact duplicates are reported above; this catches "A.txt" and "a.txt", which one file system would merge.
  for (const [first, later] of findPathCollisions(pathIndex.keys())) {
    issue(['items', pathIndex.get(later)!, 'path'], `path "${later}" collides with "${first}" after case folding`);
  }

  m.items.forEach((item, i) => {
    item.derivedFrom?.forEach((d, j) => {
      if (d.item === item.id) issue(['items', i, 'derivedFrom', j, 'item'], 'an item cannot derive from itself');
      else if (!itemIndex.has(d.item)) issue(['items', i, 'derivedFrom', j, 'item'], `unknown item "${d.item}"`);
    });
  });
  const cycle = findDerivationCycle(m.items, itemIndex);
  if (cycle !== undefined) {
    issue(['items', cycle.index, 'derivedFrom', cycle.edge, 'item'], `derivation cycle through "${m.items[cycle.index]!.derivedFrom![cycle.edge]!.item}"`);
  }
}

/**
 * Finds one edge that closes a derivation cycle (self-derivation and unknown items are reported elsewhere).
 * Iterative depth-first search with colours, so a chain of a million items cannot overflow the stack.
 */
function findDerivationCycle(items: Shape['items'], itemIndex: ReadonlyMap<string, number>): { index: number; edge: number } | undefined {
  const ON_PATH = 1;
  const DONE = 2;
  const colour = new Uint8Array(items.length);
  for (let start = 0; start < items.length; start++) {
    if (colour[start] !== 0) continue;
    colour[start] = ON_PATH;
    const stack: Array<{ index: number; edge: number }> = [{ index: start, edge: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const parents = items[top.index]!.derivedFrom ?? [];
      if (top.edge >= parents.length) {
        colour[top.index] = DONE;
        stack.pop();
        continue;
      }
      const next = itemIndex.get(parents[top.edge]!.item);
      if (next !== undefined && next !== top.index) {
        if (colour[next] === ON_PATH) return { index: top.index, edge: top.edge };
        if (colour[next] === 0) {
          colour[next] = ON_PATH;
          top.edge++;
          stack.push({ index: next, edge: 0 });
          continue;
        }
      }
      top.edge++;
    }
  }
  return undefined;
}

/**
 * The evidence-bundle manifest (`evidence/manifest.json`), docs/format.md "Manifest": strict objects (an
 * unknown member is an error, never dropped), then the cross-field rules.
 */
export const ManifestSchema = ManifestShape.superRefine(crossFieldRules).meta({
  title: 'evidence-bundle manifest',
  description:
    'What an evidence bundle contains, why it was sent and how it must be handled; stored as RFC 8785 canonical JSON in evidence/manifest.json. ' +
    'Rules JSON Schema cannot express, which readers must also check: item ids and actor ids unique; item paths unique, also after Unicode NFC and case folding; ' +
    'every path in Unicode NFC and at most 1,024 UTF-8 bytes (segments 255); acquisition.actor names an actor; derivedFrom.item names another item; no derivation cycle.',
});

/** A validated manifest. */
export interface Manifest extends z.infer<typeof ManifestSchema> {}
