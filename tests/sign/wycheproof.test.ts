import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSignatureAlgorithm } from '../../src/sign/algorithms.js';
import { vectorsDir } from '../helpers/vectors.js';
import { verifyThroughOurPath } from './compact.js';

// Wycheproof json_web_signature_test.json through our verification path (verifyDetached with the group's key
// as the one trusted key). Expected results hold for every case whose `alg` is in our table.
//
// Listed exception: cases whose `alg` is outside the table (HS256, RS256/384/512, PS384/512, ES512) are refused
// by design with `signature.algorithm.not-allowed`, even when Wycheproof calls them valid: a shared secret or
// PKCS#1 v1.5 signature is not accepted in a bundle (docs/format.md, "Signatures").
const dir = vectorsDir('wycheproof');

interface Case { tcId: number; comment: string; jws: string | object; result: 'valid' | 'invalid' | 'acceptable'; flags?: string[] }
interface Group { public?: JsonWebKey; private?: JsonWebKey; tests: Case[] }

describe.skipIf(!dir)('Wycheproof json_web_signature_test.json', () => {
  const data = dir ? (JSON.parse(readFileSync(join(dir, 'json_web_signature_test.json'), 'utf8')) as { testGroups: Group[] }) : { testGroups: [] };
  const cases = data.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, key: g.public ?? g.private! })));
  const algOf = (jws: string | object) => {
    try {
      const text = typeof jws === 'string' ? jws : JSON.stringify(jws);
      const first = text.startsWith('{') ? (JSON.parse(text) as { protected?: string; signatures?: Array<{ protected: string }> }) : undefined;
      const protectedB64 = first ? (first.protected ?? first.signatures?.[0]?.protected ?? '') : text.split('.')[0]!;
      return (JSON.parse(Buffer.from(protectedB64, 'base64url').toString('utf8')) as { alg?: string }).alg;
    } catch {
      return undefined;
    }
  };
  const tally = { inTable: 0, outside: 0 };

  it('has the suite', () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  it.each(cases)('tcId $tcId ($comment): $result', async (c) => {
    const result = await verifyThroughOurPath(c.jws, [c.key]);
    const accepted = result !== 'unreadable' && result.status === 'valid';
    const alg = algOf(c.jws);
    if (isSignatureAlgorithm(alg)) {
      tally.inTable++;
      if (c.result === 'valid') expect(accepted, JSON.stringify(result)).toBe(true);
      if (c.result === 'invalid') expect(accepted, JSON.stringify(result)).toBe(false);
    } else {
      // The listed exception: outside the table, never accepted, and said so with the stable code.
      tally.outside++;
      expect(accepted).toBe(false);
      if (result !== 'unreadable' && result.status !== 'malformed') expect(result.findings[0]?.code).toBe('signature.algorithm.not-allowed');
    }
  });

  it('ran cases of both kinds', () => {
    console.info(`[wycheproof] ${tally.inTable} cases with an algorithm of the table checked against their expected result; ${tally.outside} outside the table refused`);
    expect(tally.inTable).toBeGreaterThan(50);
  });
});
