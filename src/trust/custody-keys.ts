import type { ParsedCustodyLog } from '../custody/parse-custody-log.js';
import { jwkThumbprint } from '../sign/thumbprint.js';
import { readDetachedJws } from '../sign/verify-detached.js';
import type { TrustPolicy } from './trust-policy.js';

/** Most distinct `x5c` chains checked in one custody log (bounded resources): custodians are few. */
const MAX_CHAINS = 32;

/**
 * The keys a receiver's policy trusts to sign custody events: every key of its authorities, and the leaf key of
 * each distinct `x5c` chain carried by an event that builds to an authority's X.509 anchor now (custody events
 * carry no timestamp) and certifies the event's `kid`. As for bundle signatures, a chain is only a hint: a
 * chain to no anchor of the policy adds nothing, and the event's signer stays unknown. Never throws.
 */
export async function custodyKeys(log: ParsedCustodyLog, policy: TrustPolicy, currentDate: Date): Promise<JsonWebKey[]> {
  const keys: JsonWebKey[] = policy.authorities.flatMap((a) => a.keys ?? []);
  const anchored = policy.authorities.filter((a) => a.x509Anchors !== undefined && a.x509Anchors.length > 0);
  if (anchored.length === 0) return keys;
  const chains = new Map<string, { x5c: string[]; kid: string }>();
  for (const line of log.lines) {
    if (line.signed === undefined || chains.size >= MAX_CHAINS) continue;
    const read = await readDetachedJws(line.signed);
    // An unreadable or refused header is reported by the custody check itself.
    if ('verdict' in read) continue;
    const { header, kid } = read.known;
    const x5c = header['x5c'];
    if (kid !== undefined && Array.isArray(x5c) && x5c.every((c) => typeof c === 'string')) {
      chains.set(`${kid} ${x5c.join(',')}`, { x5c: x5c as string[], kid });
    }
  }
  for (const { x5c, kid } of chains.values()) {
    // Imported on first use: only an event signed with an x5c chain needs the X.509 code (pkijs, asn1js).
    const { anchorCertificateChain, linkCertificateChain } = await import('../x509/verify-chain.js');
    // A chain that does not link, or whose leaf is another key than the event's kid, is certified by no anchor.
    const linked = await linkCertificateChain(x5c);
    if ('status' in linked || (await jwkThumbprint(linked.known.leafPublicJwk)) !== kid) continue;
    for (const authority of anchored) {
      const chain = await anchorCertificateChain(linked, { anchors: authority.x509Anchors!, time: currentDate, requiredKeyUsage: ['digitalSignature'], documentSigner: true });
      if (chain.status === 'valid') {
        keys.push(linked.known.leafPublicJwk);
        break;
      }
    }
  }
  return keys;
}
