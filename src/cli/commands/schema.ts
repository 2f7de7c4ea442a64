import { JSON_SCHEMA_NAMES, toJsonSchema } from '../../schemas.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const schema: Command = {
  help: `Usage: evb schema [NAME]

Without NAME, lists the schemas. With NAME, prints that JSON Schema (2020-12), the same as the file
schemas/NAME.schema.json shipped in the package.
`,
  options: {},
  async run(_values, positionals, io) {
    const name = positionals[0];
    if (name === undefined) {
      io.stdout(JSON_SCHEMA_NAMES.join('\n') + '\n');
      return EXIT.VALID;
    }
    if (!(JSON_SCHEMA_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown schema "${name}"; one of: ${JSON_SCHEMA_NAMES.join(', ')}`);
    }
    io.stdout(JSON.stringify(toJsonSchema(name as (typeof JSON_SCHEMA_NAMES)[number]), null, 2) + '\n');
    return EXIT.VALID;
  },
};
