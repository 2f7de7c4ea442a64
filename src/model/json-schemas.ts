import { z } from 'zod';
import { VerificationReportSchema } from '../verify/report-schema.js';
import { ManifestSchema } from './manifest.js';
import { CustodyEventSchema } from '../custody/custody-event.js';

/**
 * Every document of the format that has a JSON Schema, by name. `npm run schemas` writes
 * `schemas/<name>.schema.json` from this list, and `evb schema <name>` prints the same.
 */
export const JSON_SCHEMA_SOURCES = {
  manifest: ManifestSchema,
  report: VerificationReportSchema,
  'custody-event': CustodyEventSchema,
} as const;

export type JsonSchemaName = keyof typeof JSON_SCHEMA_SOURCES;
export const JSON_SCHEMA_NAMES = Object.keys(JSON_SCHEMA_SOURCES) as JsonSchemaName[];

/** The JSON Schema (draft 2020-12) of one document, as published in `schemas/`. */
export function toJsonSchema(name: JsonSchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(JSON_SCHEMA_SOURCES[name], { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return { $schema, $id: `https://evidence-bundle.org/schemas/${name}.schema.json`, ...rest };
}
