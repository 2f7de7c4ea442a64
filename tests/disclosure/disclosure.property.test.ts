// Property tests of selective disclosure (issue 11): random bundles and random withheld subsets verify; every
// single-byte change to a disclosures file, a proof or the signed root is detected.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/index.js';
import { committedValue, createItemProof, verifyItemProof } from '../../src/entries/disclosure.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import type { KeyPair } from '../helpers/bundle-fixture.js';
import { filesSource, keyPair, packSelective, redactInMemory, withChanges } from './helpers.js';

let key: KeyPair;
beforeAll(async () => {
  key = await keyPair();
});

const itemsArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), { minLength: 1, maxLength: 9 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.string({ maxLength: 40 }), { minLength: ids.length, maxLength: ids.length }),
      fc.subarray(ids, { maxLength: ids.length - 1 }),
    ),
  );

describe('selective disclosure properties', () => {
  it('the committed value is exactly the RFC 8785 bytes of {item, salt}, whatever JSON the item holds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, salt) => {
        let expected: Uint8Array | string;
        try {
          expected = canonicalizeToBytes({ item: value, salt });
        } catch (error) {
          expected = (error as { code: string }).code;
        }
        let actual: Uint8Array | string;
        try {
          actual = committedValue(value as never, salt);
        } catch (error) {
          actual = (error as { code: string }).code;
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500, seed: 1100 },
    );
    // What only the general writer refuses, the lean one hands over to it.
    expect(() => committedValue({ id: 'x', bad: undefined } as never, 's')).toThrow();
    expect(() => committedValue({ id: '\uD800' } as never, 's')).toThrow();
  });

  it('random bundles with random withheld subsets verify VALID, and list exactly the withheld items', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArb, async ([ids, texts, withheld]) => {
        const files = await packSelective({ packager: key, custodian: key, items: ids.map((id, i) => [id, `f/${id}.txt`, texts[i]!]) });
        const derived = withheld.length === 0 ? files : await redactInMemory(files, key, withheld);
        const report = await verifyBundle(filesSource(derived), { trustedKeys: [key.publicJwk] });
        expect(report.findings).toEqual([]);
        expect(report.outcome).toBe('VALID');
        expect(report.items.filter((i) => i.status === 'withheld').map((i) => i.id).sort()).toEqual([...withheld].sort());
        expect(report.items.filter((i) => i.status === 'intact')).toHaveLength(ids.length - withheld.length);
      }),
      { numRuns: 12, seed: 1101 },
    );
  });

  it('every single-byte change to the disclosures file is detected (the tag manifests recomputed)', async () => {
    const files = await packSelective({ packager: key, custodian: key, items: [['a', 'a.txt', 'alpha'], ['b', 'b.txt', 'beta'], ['c', 'c.txt', 'gamma']] });
    const derived = await redactInMemory(files, key, ['b']);
    const original = derived.get('evidence/disclosures.json')!;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = original.slice();
        bytes[at]! ^= xor;
        const changed = await withChanges(derived, new Map([['evidence/disclosures.json', bytes]]));
        const report = await verifyBundle(filesSource(changed), { trustedKeys: [key.publicJwk] });
        expect(report.outcome).toBe('INVALID');
      }),
      { numRuns: 60, seed: 1102 },
    );
  });

  it('every single-byte change to a proof is detected', async () => {
    const files = await packSelective({ packager: key, items: [['a', 'a.txt', 'alpha'], ['b', 'b.txt', 'beta'], ['c', 'c.txt', 'gamma'], ['d', 'd.txt', 'delta'], ['e', 'e.txt', 'epsilon']] });
    const { bytes: proof } = await createItemProof(filesSource(files), 'c');
    expect((await verifyItemProof(proof, { trustedKeys: [key.publicJwk] })).outcome).toBe('VALID');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: proof.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = proof.slice();
        bytes[at]! ^= xor;
        const report = await verifyItemProof(bytes, { trustedKeys: [key.publicJwk] });
        expect(report.outcome).not.toBe('VALID');
      }),
      { numRuns: 150, seed: 1103 },
    );
  });

  it('every single-byte change to the signed root is detected (the signature breaks, even re-sealed)', async () => {
    const files = await packSelective({ packager: key, items: [['a', 'a.txt', 'alpha'], ['b', 'b.txt', 'beta']] });
    const manifest = files.get('evidence/manifest.json')!;
    const text = new TextDecoder().decode(manifest);
    // A byte offset: the case text before it is not ASCII.
    const start = new TextEncoder().encode(text.slice(0, text.indexOf('"root":"') + 8)).length;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 63 }), fc.constantFrom(...'0123456789abcdef'), async (at, digit) => {
        fc.pre(manifest[start + at] !== digit.charCodeAt(0));
        const bytes = manifest.slice();
        bytes[start + at] = digit.charCodeAt(0);
        const changed = await withChanges(files, new Map([['evidence/manifest.json', bytes]]));
        const report = await verifyBundle(filesSource(changed), { trustedKeys: [key.publicJwk] });
        expect(report.outcome).toBe('INVALID');
        const codes = report.findings.map((f) => f.code);
        expect(codes).toContain('disclosure.root-mismatch');
        expect(codes).toContain('signature.invalid');
      }),
      { numRuns: 30, seed: 1104 },
    );
  });
});
