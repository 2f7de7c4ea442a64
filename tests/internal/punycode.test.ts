import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { punycodeEncode } from '../../src/internal/punycode.js';

// RFC 3492 section 7.1, sample strings (A), (B), (D), (L), (S), with the encoder's lower-case digits.
const SAMPLES: Array<[string, string]> = [
  ['ليهمابتكلموشعربي؟', 'egbpdaj6bu4bxfgehfvwxn'],
  ['他们为什么不说中文', 'ihqwcrb4cv8a8dqg056pqjye'],
  ['Pročprostěnemluvíčesky', 'Proprostnemluvesky-uyb24dma41a'],
  ['3年B組金八先生', '3B-ww4c5e180e575a65lsy2b'],
  ['TạisaohọkhôngthểchỉnóitiếngViệt', 'TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g'],
];

// A decoder written from RFC 3492 section 6.2, here only to show that the encoding loses nothing.
function decode(input: string): string {
  const cut = input.lastIndexOf('-');
  const output = cut > 0 ? Array.from(input.slice(0, cut), (c) => c.codePointAt(0)!) : [];
  let n = 128;
  let i = 0;
  let bias = 72;
  const value = (c: number) => (c - 48 < 10 ? c - 22 : c - 97);
  for (let at = cut > 0 ? cut + 1 : 0; at < input.length; ) {
    const old = i;
    let w = 1;
    for (let k = 36; ; k += 36) {
      const d = value(input.charCodeAt(at++));
      i += d * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (d < t) break;
      w *= 36 - t;
    }
    const len = output.length + 1;
    let delta = old === 0 ? Math.floor((i - old) / 700) : (i - old) >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    for (; delta > 455; k += 36) delta = Math.floor(delta / 35);
    bias = k + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / len);
    i %= len;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

describe('punycodeEncode (RFC 3492)', () => {
  it.each(SAMPLES)('encodes the RFC sample %s', (input, expected) => {
    expect(punycodeEncode(input)).toBe(expected);
  });

  it('leaves pure ASCII as it is, with the delimiter', () => {
    expect(punycodeEncode('abc')).toBe('abc-');
    expect(punycodeEncode('')).toBe('');
  });

  it('loses nothing: any string of code points decodes back, and uses only letters, digits and basic characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const encoded = punycodeEncode(s);
        expect(decode(encoded)).toBe(s);
        const basic = Array.from(s).filter((c) => c.codePointAt(0)! < 0x80).join('');
        expect(encoded.startsWith(basic)).toBe(true);
        expect(/^[a-z0-9]*$/.test(encoded.slice(basic.length + (basic.length > 0 ? 1 : 0)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
