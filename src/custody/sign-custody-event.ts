import { canonicalizeToBytes } from '../encoding/jcs.js';
import { EvidenceBundleError } from '../errors.js';
import { base64urlEncode, concatBytes } from '../internal/bytes.js';
import { signDetached } from '../sign/sign-detached.js';
import type { Signer } from '../sign/signer.js';
import { CUSTODY_EVENT_TYP, type CustodyEvent } from './custody-event.js';
import { createCustodyEvent } from './create-custody-event.js';

/**
 * Signs a custody event by its actor and returns the log line to append, LF included: the RFC 8785 canonical
 * JSON of the flattened JWS (RFC 7515 section 7.2.2) `{payload, protected, signature}` whose payload is the
 * event's canonical JSON and whose protected header carries `typ` `evidence-custody-event+jws` and the actor's
 * `role` (docs/format.md, "Custody log").
 * @throws EvidenceBundleError `ERR_CUSTODY_INVALID` when the event breaks the schema, `ERR_JWS_KEY_MISMATCH`
 *   when the signer's kid is not the actor's, and what the signer throws
 * @example
 * const line = await signCustodyEvent(newEvent, signer);
 * const log = concatBytes(oldLog, line);
 */
export async function signCustodyEvent(event: CustodyEvent, signer: Signer): Promise<Uint8Array> {
  const checked = createCustodyEvent(event);
  if (checked.actor.kid !== signer.kid) {
    throw new EvidenceBundleError('ERR_JWS_KEY_MISMATCH', `the event's actor is ${checked.actor.kid}, the signer is ${signer.kid}`);
  }
  const payload = canonicalizeToBytes(checked);
  const jws = await signDetached(payload, signer, { role: checked.actor.role, typ: CUSTODY_EVENT_TYP });
  const line = canonicalizeToBytes({ payload: base64urlEncode(payload), protected: jws.protected, signature: jws.signature });
  return concatBytes(line, new Uint8Array([0x0a]));
}
