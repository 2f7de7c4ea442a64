/**
 * Whether `time` falls in a policy entry's period of trust (`validFrom`..`validUntil`, RFC 3339, either open),
 * widened on both sides by the policy's clock skew: an authority's signatures, a TSA's tokens.
 * @example
 * inPeriod({ validUntil: '2030-01-01T00:00:00Z' }, genTime, policy.maxClockSkewSeconds);
 */
export function inPeriod(entry: { validFrom?: string | undefined; validUntil?: string | undefined }, time: Date, skewSeconds: number): boolean {
  const t = time.getTime();
  const skew = skewSeconds * 1000;
  if (entry.validFrom !== undefined && t < Date.parse(entry.validFrom) - skew) return false;
  if (entry.validUntil !== undefined && t > Date.parse(entry.validUntil) + skew) return false;
  return true;
}
