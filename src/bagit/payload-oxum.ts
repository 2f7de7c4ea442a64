/**
 * The Payload-Oxum of bag-info.txt (RFC 8493 section 2.2.2): `<octet count>.<stream count>` of the payload, a
 * cheap completeness check before any digest is computed.
 */
export interface PayloadOxum {
  /** Total size of the payload files in bytes. */
  octets: number;
  /** Number of payload files. */
  streams: number;
}

/**
 * Reads a Payload-Oxum value; undefined when it is not two decimal integers joined by a dot, or too large
 * to count exactly.
 * @example
 * parsePayloadOxum('1024.3'); // { octets: 1024, streams: 3 }
 */
export function parsePayloadOxum(value: string): PayloadOxum | undefined {
  const match = /^([0-9]+)\.([0-9]+)$/.exec(value.trim());
  if (match === null) return undefined;
  const octets = Number(match[1]);
  const streams = Number(match[2]);
  return Number.isSafeInteger(octets) && Number.isSafeInteger(streams) ? { octets, streams } : undefined;
}

/**
 * Writes a Payload-Oxum value.
 * @throws RangeError when a count is negative, fractional or above 2^53 - 1.
 */
export function formatPayloadOxum(oxum: PayloadOxum): string {
  for (const n of [oxum.octets, oxum.streams]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Payload-Oxum count ${n} is not a non-negative safe integer`);
  }
  return `${oxum.octets}.${oxum.streams}`;
}

/** The Payload-Oxum of a payload given the sizes of its files. */
export function payloadOxumOf(sizes: Iterable<number>): PayloadOxum {
  let octets = 0;
  let streams = 0;
  for (const size of sizes) {
    octets += size;
    streams += 1;
  }
  return { octets, streams };
}
