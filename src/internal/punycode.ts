// Punycode (RFC 3492): the encoder only, for readable ASCII item ids. Node's punycode module is deprecated and
// not in the Web APIs the core is limited to; the algorithm is a few lines of RFC 3492 section 6.3.
const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;

// RFC 3492 section 6.1.
function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

// 0..25 are a..z, 26..35 are 0..9 (lower case: the encoder's choice, RFC 3492 section 5).
const digit = (d: number): string => String.fromCharCode(d < 26 ? 0x61 + d : 0x16 + d);

/**
 * The RFC 3492 Punycode of `input` (without the `xn--` prefix of IDNA): its ASCII code points in order, then,
 * after a `-` when there were any, the others as generalised variable-length integers. Internal.
 */
export function punycodeEncode(input: string): string {
  const points = Array.from(input, (c) => c.codePointAt(0)!);
  let output = points.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < points.length) {
    let m = Infinity;
    for (const c of points) if (c >= n && c < m) m = c;
    // Numbers are exact up to 2^53: far beyond any name a file system allows.
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of points) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (q < t) break;
        output += digit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}
