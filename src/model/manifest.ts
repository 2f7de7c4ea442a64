import { z } from 'zod';
import { LIMITS } from './layout.js';
import { findPathCollisions } from '../path/bundle-path.js';
import { ActorSchema } from './actor.js';
import { AuthoritySchema } from './authority.js';
import { DateTime, MultilingualText, Text } from './common.js';
import { HandlingSchema } from './handling.js';
import { ItemSchema } from './item.js';
import { LegalBasisSchema } from './legal-basis.js';

/**
 * The newest format version this library writes. A writer writes the lowest version whose members it uses
 * ({@link formatVersionFor}); readers accept any 1.x: minor versions only add optional members.
 */
export const FORMAT_VERSION = '1.2';

// RFC 9562 layout, lower case, versions 1 to 8; the nil and max UUIDs cannot identify anything.
const BundleId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a lower-case RFC 9562 UUID');

/** How a bundle relates to another one it links to (format 1.1). */
export const BUNDLE_RELATIONS = ['supplements', 'follows-preservation'] as const;

/** A link to another bundle: by its id and the digest of its manifest, so the link names one exact bundle. */
export const RelatedBundleSchema = z
  .strictObject({
    relation: z.enum(BUNDLE_RELATIONS).meta({
      description:
        'supplements: this bundle adds to the linked one (same request, more items or a correction); follows-preservation: this bundle produces data whose preservation the linked bundle answered',
    }),
    bundleId: BundleId.meta({ description: 'bundleId of the linked bundle', format: 'uuid' }),
    manifestDigest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'sha256: and 64 lower-case hex digits')
      .meta({ description: 'sha256: and the SHA-256 of the linked bundle\'s evidence/manifest.json (its canonical bytes, as signed)' }),
  })
  .meta({ description: 'A link to a related bundle (format 1.1)' });

/** A link to a related bundle. */
export type RelatedBundle = z.infer<typeof RelatedBundleSchema>;

/**
 * The items of a format 1.2 manifest, committed instead of listed (docs/format.md, "Selective disclosure"): the
 * root of an RFC 9162 Merkle tree whose leaves are the salted commitments of the items, and the number of leaves.
 */
export const CommitmentsSchema = z
  .strictObject({
    scheme: z.literal('evb-sd-1').meta({ description: 'The commitment scheme: evb-sd-1, leaves SHA-256(0x00 || JCS({"item":...,"salt":...})), nodes SHA-256(0x01 || left || right), RFC 9162 tree' }),
    leafCount: z.number().int().min(0).max(LIMITS.items).meta({ description: 'Number of leaves: every item of the bundle, disclosed or withheld' }),
    root: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits').meta({ description: 'RFC 9162 Merkle tree hash of the leaves, lower-case hex' }),
  })
  .meta({ description: 'Salted commitments of the items (format 1.2): the items themselves travel in evidence/disclosures.json' });

/** The commitments of a format 1.2 manifest. */
export interface Commitments extends z.infer<typeof CommitmentsSchema> {}

/** The manifest's shape, before the cross-field rules; internal to src/model (check-manifest.ts checks in parts). */
export const ManifestShape = z.strictObject({
  formatVersion: z
    .string()
    .regex(/^1\.(0|[1-9][0-9]{0,5})$/, 'unsupported format version: this reader reads 1.x')
    .meta({ description: 'Format version <major>.<minor>: "1.2" when commitments is used, "1.1" when legalBasis.request.identifiers or relatedBundles is used, else "1.0". Readers reject a major version they do not know' }),
  bundleId: BundleId.meta({ description: 'Identity of the bundle: a lower-case RFC 9562 UUID (version 4 or 7 recommended)', format: 'uuid' }),
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
  items: z.array(ItemSchema).max(LIMITS.items).meta({ description: 'The evidence items; ids unique, paths unique even after case folding; empty when commitments is present (format 1.2)' }),
  commitments: CommitmentsSchema.optional(),
  relatedBundles: z
    .array(RelatedBundleSchema)
    .min(1)
    .max(1000)
    .optional()
    .meta({ description: 'Other bundles this one relates to, 1 to 1,000, each bundle at most once and never this bundle (format 1.1)' }),
});

type Shape = z.infer<typeof ManifestShape>;

/**
 * Rules between fields, which JSON Schema cannot express (docs/format.md, "Cross-field rules"): unique ids and
 * paths, no case-fold collisions, references that resolve, no self-derivation, no derivation cycle.
 */
export function crossFieldRules(m: Shape, ctx: Pick<z.RefinementCtx, 'addIssue'>): void {
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });

  // A 1.0 reader refuses the 1.1 members; a document that says 1.0 and holds them is not a 1.0 document.
  if (m.formatVersion === '1.0') {
    for (const path of membersSince11(m)) issue(path, 'introduced in format 1.1: formatVersion must be at least 1.1');
  }
  if (m.commitments !== undefined) {
    if (m.formatVersion === '1.0' || m.formatVersion === '1.1') issue(['commitments'], 'introduced in format 1.2: formatVersion must be at least 1.2');
    // The items are the leaves; listed in clear as well, they would leak what the commitments hide.
    if (m.items.length > 0) issue(['items'], 'must be empty when commitments is present: the items travel as disclosures');
  }
  const linked = new Set<string>();
  m.relatedBundles?.forEach((r, i) => {
    if (r.bundleId === m.bundleId) issue(['relatedBundles', i, 'bundleId'], 'a bundle cannot link to itself');
    else if (linked.has(r.bundleId)) issue(['relatedBundles', i, 'bundleId'], `bundle ${r.bundleId} is linked twice`);
    linked.add(r.bundleId);
  });

  const actorIds = new Set<string>();
  m.actors.forEach((a, i) => {
    if (actorIds.has(a.id)) issue(['actors', i, 'id'], `duplicate actor id "${a.id}"`);
    actorIds.add(a.id);
  });

  const repeatedIds = repeats(m.items.map((item) => item.id));
  const repeatedPaths = repeats(m.items.map((item) => item.path));
  const paths: string[] = [];
  const pathAt: number[] = [];
  m.items.forEach((item, i) => {
    if (repeatedIds.has(i)) issue(['items', i, 'id'], `duplicate item id "${item.id}"`);
    if (item.path !== undefined) {
      if (repeatedPaths.has(i)) {
        issue(['items', i, 'path'], `duplicate path "${item.path}"`);
      } else {
        paths.push(item.path);
        pathAt.push(i);
      }
    }
    if (item.acquisition !== undefined && !actorIds.has(item.acquisition.actor)) {
      issue(['items', i, 'acquisition', 'actor'], `unknown actor "${item.acquisition.actor}"`);
    }
  });
  // Exact duplicates are reported above; this catches "A.txt" and "a.txt", which one file system would merge.
  const collisions = findPathCollisions(paths);
  const indexOfPath = new Map(collisions.length > 0 ? paths.map((p, k) => [p, pathAt[k]!]) : []);
  for (const [first, later] of collisions) {
    issue(['items', indexOfPath.get(later)!, 'path'], `path "${later}" collides with "${first}" after case folding`);
  }

  // The first item of each id, for the references: needed only when an item derives from another.
  const itemIndex = new Map<string, number>();
  if (m.items.some((item) => item.derivedFrom !== undefined)) {
    m.items.forEach((item, i) => {
      if (!itemIndex.has(item.id)) itemIndex.set(item.id, i);
    });
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
 * The indexes of the values that repeat an earlier one. Values in strictly increasing order (as writers sort
 * items) repeat none, which one pass tells without a set of every value; only values out of order need the set.
 */
function repeats(values: ReadonlyArray<string | undefined>): Set<number> {
  const out = new Set<number>();
  let previous: string | undefined;
  let ordered = true;
  for (const value of values) {
    if (value === undefined) continue;
    if (previous !== undefined && !(previous < value)) {
      ordered = false;
      break;
    }
    previous = value;
  }
  if (ordered) return out;
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (value === undefined) return;
    if (seen.has(value)) out.add(i);
    else seen.add(value);
  });
  return out;
}

/** Where a manifest uses members introduced in format 1.1. */
// Loosely typed: a writer asks before the draft is validated, and must get the schema's error, not a TypeError.
type VersionedMembers = { relatedBundles?: unknown; legalBasis?: { request?: { identifiers?: unknown } }; commitments?: unknown };

function membersSince11(m: VersionedMembers): PropertyKey[][] {
  const paths: PropertyKey[][] = [];
  if (m.legalBasis?.request?.identifiers !== undefined) paths.push(['legalBasis', 'request', 'identifiers']);
  if (m.relatedBundles !== undefined) paths.push(['relatedBundles']);
  return paths;
}

/**
 * The lowest format version whose members a manifest uses (docs/format.md, "Versioning"): what a writer writes,
 * so that a bundle that needs nothing of 1.1 stays readable by every 1.0 reader.
 */
export function formatVersionFor(m: VersionedMembers): '1.0' | '1.1' | '1.2' {
  if (m.commitments !== undefined) return '1.2';
  return membersSince11(m).length > 0 ? '1.1' : '1.0';
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
    // Most items derive from nothing: they close no cycle, and need no stack.
    if (items[start]!.derivedFrom === undefined) {
      colour[start] = DONE;
      continue;
    }
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
    'every path in Unicode NFC and at most 1,024 UTF-8 bytes (segments 255); acquisition.actor names an actor; derivedFrom.item names another item; no derivation cycle; ' +
    'with commitments (format 1.2) items is empty and the disclosed items in evidence/disclosures.json obey the same rules.',
});

/** A validated manifest. */
export interface Manifest extends z.infer<typeof ManifestSchema> {}
