// The registry of published schemas sits beside the facade, above the layers that own the documents (model,
// custody, trust, verify): a registry in model would make model import the layers built on it.
import { z } from 'zod';
import { CustodyEventSchema } from './custody/custody-event.js';
import { DisclosuresFileSchema } from './disclosure/disclosures-file.js';
import { ItemProofSchema } from './disclosure/proof-file.js';
import { ManifestSchema } from './model/manifest.js';
import { TrustPolicySchema } from './trust/trust-policy.js';
import { VerificationReportSchema } from './verify/report-schema.js';

/**
 * Every document of the format that has a JSON Schema, by name. `npm run schemas` writes
 * `schemas/<name>.schema.json` from this list, and `evb schema <name>` prints the same.
 */
export const JSON_SCHEMA_SOURCES = {
  manifest: ManifestSchema,
  report: VerificationReportSchema,
  'custody-event': CustodyEventSchema,
  'trust-policy': TrustPolicySchema,
  disclosures: DisclosuresFileSchema,
  'item-proof': ItemProofSchema,
} as const;

/** The name of a published JSON Schema: `manifest`, `report`, `custody-event`, `trust-policy`, `disclosures`, `item-proof`. */
export type JsonSchemaName = keyof typeof JSON_SCHEMA_SOURCES;
/** The names of every published JSON Schema, in registry order. */
export const JSON_SCHEMA_NAMES = Object.keys(JSON_SCHEMA_SOURCES) as JsonSchemaName[];

/**
 * The JSON Schema (draft 2020-12) of one document, as published in `schemas/<name>.schema.json`: `$id`,
 * `title` and `description` first, then the schema zod derives. Refinements (cross-field rules) have no JSON
 * Schema form and are left out; the zod schema remains the reference.
 * @throws TypeError for a name that is not in {@link JSON_SCHEMA_SOURCES}
 * @example
 * const schema = toJsonSchema('manifest');
 */
export function toJsonSchema(name: JsonSchemaName): Record<string, unknown> {
  if (!Object.hasOwn(JSON_SCHEMA_SOURCES, name)) throw new TypeError(`no JSON Schema named ${JSON.stringify(name)}`);
  const schema = z.toJSONSchema(JSON_SCHEMA_SOURCES[name], { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, title, description, ...rest } = schema;
  return {
    $schema,
    $id: `https://evidence-bundle.org/schemas/${name}.schema.json`,
    title: title ?? `evidence-bundle ${name}`,
    ...(description !== undefined ? { description } : {}),
    ...rest,
  };
}
