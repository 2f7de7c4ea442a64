// A detached JWS made the way signDetached makes it, but without the writer's checks (chain, roles, signature
// form): verifier tests need signatures that no writer of the library would produce.
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { CUSTODY_EVENT_TYP, type CustodyEvent } from '../../src/custody/custody-event.js';
import { base64urlEncode, concatBytes } from '../../src/internal/bytes.js';
import { MANIFEST_JWS_TYP, type SignDetachedOptions } from '../../src/sign/sign-detached.js';
import type { JwsSignature } from '../../src/sign/signature-file.js';
import type { Signer } from '../../src/sign/signer.js';
import { jwsSigningInput } from '../../src/sign/signing-input.js';

export async function signUnchecked(payload: Uint8Array, signer: Signer, options: SignDetachedOptions): Promise<JwsSignature> {
  const x5c = options.x5c ?? signer.x5c;
  const header = {
    alg: signer.alg,
    kid: signer.kid,
    typ: options.typ ?? MANIFEST_JWS_TYP,
    role: options.role,
    sigT: (options.signedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(x5c !== undefined ? { x5c: [...x5c] } : {}),
  };
  const protectedB64 = base64urlEncode(canonicalizeToBytes(header));
  const signature = await signer.sign(jwsSigningInput(protectedB64, payload));
  return { protected: protectedB64, signature: base64urlEncode(signature) };
}

/** A custody line signed as signCustodyEvent signs it, without the writer's checks (for a certificate it refuses). */
export async function signCustodyEventUnchecked(event: CustodyEvent, signer: Signer): Promise<Uint8Array> {
  const payload = canonicalizeToBytes(event);
  const jws = await signUnchecked(payload, signer, { role: event.actor.role, typ: CUSTODY_EVENT_TYP });
  const line = canonicalizeToBytes({ payload: base64urlEncode(payload), protected: jws.protected, signature: jws.signature });
  return concatBytes(line, new Uint8Array([0x0a]));
}
