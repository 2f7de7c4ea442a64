// The lines of a tag file (src/bagit/tag-text.ts): split at LF, CR or CRLF, as the expression /\r\n?|\n/ splits,
// a final terminator opening no empty last line. The splitter scans for the next CR and LF instead of running the
// expression per line; it must give the same lines for any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eachLine } from '../../src/bagit/tag-text.js';

const byExpression = (text: string): string[] => {
  const lines = text.split(/\r\n?|\n/);
  // A text ending in a terminator (or empty) has no line after it.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

describe('eachLine', () => {
  it('gives the lines the expression gives, for texts dense in CR and LF (property, 5,000 texts)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'é', ' ', '\r', '\n', '\r\n', '\n\r', '\u2028', 'b'), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect([...eachLine(text)], JSON.stringify(text)).toEqual(byExpression(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('on the edges: empty, only terminators, no terminator, CR before LF far away', () => {
    for (const text of ['', '\n', '\r', '\r\n', '\n\n', '\r\r\n', 'a', 'a\r', 'a\rb\nc', 'a\r' + 'x'.repeat(1000) + '\nb']) {
      expect([...eachLine(text)], JSON.stringify(text)).toEqual(byExpression(text));
    }
  });
});
