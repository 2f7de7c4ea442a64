import { base64urlDecodeStrict } from '../../src/internal/bytes.js';
import { verifyDetached, type DetachedVerification } from '../../src/sign/verify-detached.js';

/**
 * Verifies a JWS in compact or flattened/general JSON form through our detached-JWS path: the payload is
 * decoded (strict base64url) and handed to verifyDetached as the detached content. A JWS whose form or payload
 * cannot be read is rejected here, as a bundle reader would reject it.
 */
export async function verifyThroughOurPath(jws: string | object, trustedKeys: JsonWebKey[]): Promise<DetachedVerification | 'unreadable'> {
  const entries: Array<{ protected: string; signature: string; header?: Record<string, unknown>; payload: string }> = [];
  try {
    const form = typeof jws === 'string' && jws.trimStart().startsWith('{') ? (JSON.parse(jws) as object) : jws;
    if (typeof form === 'string') {
      const parts = form.split('.');
      if (parts.length !== 3) return 'unreadable';
      entries.push({ protected: parts[0]!, payload: parts[1]!, signature: parts[2]! });
    } else {
      const f = form as { payload: string; signatures?: Array<{ protected: string; signature: string; header?: Record<string, unknown> }>; protected?: string; signature?: string; header?: Record<string, unknown> };
      const list = f.signatures ?? [{ protected: f.protected!, signature: f.signature!, ...(f.header ? { header: f.header } : {}) }];
      for (const s of list) entries.push({ ...s, payload: f.payload });
    }
  } catch {
    return 'unreadable';
  }
  if (entries.length !== 1) return 'unreadable';
  const [entry] = entries;
  let payload: Uint8Array;
  try {
    payload = base64urlDecodeStrict(entry!.payload);
  } catch {
    return 'unreadable';
  }
  return verifyDetached(payload, entry!, { trustedKeys });
}
