import { z } from 'zod';
import { Country, Identifier, KeyId, Text } from './common.js';

/** A person or office that acted on the evidence: acquired it, packed it, certified it, held it. */
export const ActorSchema = z
  .strictObject({
    id: Identifier.meta({ description: 'Identifier of the actor, unique among the actors; referred to by acquisition.actor' }),
    name: Text.meta({ description: 'Name of the person or office' }),
    role: Text.meta({ description: 'What the actor did, e.g. examiner, packager, central-authority, custodian' }),
    organisation: Text.meta({ description: 'Organisation the actor belongs to' }),
    country: Country,
    key: z
      .strictObject({ kid: KeyId })
      .optional()
      .meta({ description: 'The public key the actor signs with, named by its RFC 7638 thumbprint (a hint: trust comes from the receiver\'s policy)' }),
    x5c: z
      .array(z.string().max(65536).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 (RFC 4648 section 4)'))
      .min(1)
      .max(10)
      .optional()
      .meta({ description: 'X.509 certificate chain, leaf first, each certificate base64 (not base64url) DER, as in RFC 7515 section 4.1.6 (a hint: it must chain to a trust anchor of the receiver)' }),
  })
  .meta({ description: 'A person or office that acted on the evidence' });

/** Actor, as {@link ActorSchema} parses it (the schema is the source of this type). */
export interface Actor extends z.infer<typeof ActorSchema> {}
