import { z } from 'zod';
import { Country, Identifier, KeyId, Text } from './common.js';

/** A person or office that acted on the evidence (acquired it, packed it, certified it). */
export const ActorSchema = z
  .strictObject({
    id: Identifier.meta({ description: 'Identifier referred to by acquisition.actor' }),
    name: Text,
    role: Text.meta({ description: 'e.g. examiner, packager, central-authority' }),
    organisation: Text,
    country: Country,
    key: z.strictObject({ kid: KeyId }).optional().meta({ description: 'The key the actor signs with' }),
    x5c: z
      .array(z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/))
      .min(1)
      .optional()
      .meta({ description: 'X.509 certificate chain, leaf first, base64 DER (RFC 7515 section 4.1.6)' }),
  })
  .meta({ description: 'An actor of the evidence handling' });

export type Actor = z.infer<typeof ActorSchema>;
