import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalize, canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { parseCanonicalJson, parseJson } from '../../src/encoding/strict-json.js';
import { vectorsDir } from '../helpers/vectors.js';
import { es6TestFileHash } from './es6-numbers.js';

// cyberphone/json-canonicalization testdata (the RFC 8785 reference vectors); see its testdata/README.md.
const dir = vectorsDir('json-canonicalization');

describe.skipIf(!dir)('RFC 8785 reference vectors', () => {
  const testdata = join(dir ?? '', 'testdata');
  const names = dir ? readdirSync(join(testdata, 'input')).filter((n) => n.endsWith('.json')) : [];

  it('has vectors to run', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
  });

  it.each(names)('canonicalises input/%s to output/%s byte for byte', (name) => {
    const input = new Uint8Array(readFileSync(join(testdata, 'input', name)));
    const expected = new Uint8Array(readFileSync(join(testdata, 'output', name)));
    expect(canonicalizeToBytes(parseJson(input))).toEqual(expected);
  });

  it.each(names)('matches outhex/%s', (name) => {
    const hex = readFileSync(join(testdata, 'outhex', name.replace(/\.json$/, '.txt')), 'utf8');
    const expected = Uint8Array.from(hex.trim().split(/\s+/), (h) => parseInt(h, 16));
    expect(canonicalizeToBytes(parseJson(readFileSync(join(testdata, 'input', name))))).toEqual(expected);
  });

  it.each(names)('accepts output/%s as canonical', (name) => {
    const expected = new Uint8Array(readFileSync(join(testdata, 'output', name)));
    const value = parseCanonicalJson(expected);
    expect(canonicalizeToBytes(value)).toEqual(expected);
  });
});

// Published SHA-256 of the first N lines of es6testfile100m.txt (testdata/README.md). The lines are rebuilt
// here with OUR serialiser, so a single wrong digit anywhere changes the hash.
describe('ECMAScript number serialisation (RFC 8785 section 3.2.2.3), es6testfile100m', () => {
  const serialise = (value: number): string => canonicalize(value);

  it('reproduces the first 1,000 lines', () => {
    expect(es6TestFileHash(1_000, serialise)).toBe('be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687');
  });

  it('reproduces the first 100,000 lines', () => {
    expect(es6TestFileHash(100_000, serialise)).toBe(
      '22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7',
    );
  });

  it.skipIf(!process.env.EVB_SLOW)('reproduces the first 1,000,000 lines (EVB_SLOW=1)', () => {
    expect(es6TestFileHash(1_000_000, serialise)).toBe(
      '49415fee2c56c77864931bd3624faad425c3c577d6d74e89a83bc725506dad16',
    );
  });

  it('fails when one value is serialised differently', () => {
    const wrong = (value: number): string => (value === 1e21 ? '1e21' : canonicalize(value));
    expect(es6TestFileHash(1_000, wrong)).not.toBe('be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687');
  });

  it('serialises the README sample lines', () => {
    const samples: [bigint, string][] = [
      [0x4340000000000001n, '9007199254740994'],
      [0x4340000000000002n, '9007199254740996'],
      [0x444b1ae4d6e2ef50n, '1e+21'],
      [0x3eb0c6f7a0b5ed8dn, '0.000001'],
      [0x3eb0c6f7a0b5ed8cn, '9.999999999999997e-7'],
      [0x8000000000000000n, '0'],
      [0x0n, '0'],
    ];
    const view = new DataView(new ArrayBuffer(8));
    for (const [bits, expected] of samples) {
      view.setBigUint64(0, bits);
      expect(serialise(view.getFloat64(0))).toBe(expected);
    }
  });
});
