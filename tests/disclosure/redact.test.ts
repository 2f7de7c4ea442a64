import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/index.js';
import { createItemProof, verifyItemProof } from '../../src/entries/disclosure.js';
import { ACTOR, filesSource, keyPair, packSelective, redactInMemory } from './helpers.js';

describe('redaction and proofs (format 1.2)', () => {
  it('a redacted bundle verifies VALID with the original signatures, the withheld item listed with reason and by whom', async () => {
    const k = await keyPair();
    const files = await packSelective({ packager: k, custodian: k });
    const before = await verifyBundle(filesSource(files), { trustedKeys: [k.publicJwk] });
    expect(before.findings).toEqual([]);
    expect(before.outcome).toBe('VALID');
    const derived = await redactInMemory(files, k, ['third-party']);
    expect(derived.get('evidence/manifest.json')).toEqual(files.get('evidence/manifest.json'));
    expect(derived.get('evidence/signatures.json')).toEqual(files.get('evidence/signatures.json'));
    expect(derived.has('data/chat/third-party.json')).toBe(false);
    const report = await verifyBundle(filesSource(derived), { trustedKeys: [k.publicJwk] });
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('VALID');
    expect(report.items.map((i) => [i.id, i.status])).toEqual([['chat', 'intact'], ['third-party', 'withheld'], ['subscriber', 'intact']]);
    const withheld = report.items.find((i) => i.id === 'third-party')!;
    expect(withheld).toEqual({
      id: 'third-party',
      status: 'withheld',
      withheld: {
        reason: 'personal data of a third party, not covered by the request',
        legalBasis: 'Law on Mutual Legal Assistance, Article 21',
        by: `${ACTOR.name} (${ACTOR.role}, ${ACTOR.organisation}, ${ACTOR.country})`,
        kid: k.kid,
        time: '2026-10-06T11:00:00Z',
        custody: 2,
      },
    });
  });

  it('a proof of one item verifies against the signed root, from the original and from the redacted bundle', async () => {
    const k = await keyPair();
    const files = await packSelective({ packager: k, custodian: k });
    const derived = await redactInMemory(files, k, ['third-party']);
    for (const bundle of [files, derived]) {
      const { bytes } = await createItemProof(filesSource(bundle), 'chat');
      const report = await verifyItemProof(bytes, { trustedKeys: [k.publicJwk] });
      expect(report.findings).toEqual([]);
      expect(report.outcome).toBe('VALID');
      expect(report.item).toMatchObject({ id: 'chat', status: 'intact', path: 'chat/export.json' });
    }
    // Nobody can prove what was withheld.
    await expect(createItemProof(filesSource(derived), 'third-party')).rejects.toMatchObject({ code: 'ERR_DISCLOSURE_INVALID' });
  });

  it('an untrusted key gives INDETERMINATE for the proof', async () => {
    const k = await keyPair();
    const other = await keyPair();
    const files = await packSelective({ packager: k });
    const { bytes } = await createItemProof(filesSource(files), 'subscriber');
    expect((await verifyItemProof(bytes, { trustedKeys: [other.publicJwk] })).outcome).toBe('INDETERMINATE');
  });

  it('refuses to redact what it cannot: an unknown id, an item already withheld, a 1.1 bundle', async () => {
    const k = await keyPair();
    const files = await packSelective({ packager: k, custodian: k });
    await expect(redactInMemory(files, k, ['nope'])).rejects.toMatchObject({ code: 'ERR_DISCLOSURE_INVALID' });
    const derived = await redactInMemory(files, k, ['chat']);
    await expect(redactInMemory(derived, k, ['chat'])).rejects.toMatchObject({ code: 'ERR_DISCLOSURE_INVALID' });
    // Redacting twice, other items, verifies.
    const twice = await redactInMemory(derived, k, ['subscriber'], { time: '2026-10-06T12:00:00Z' });
    const report = await verifyBundle(filesSource(twice), { trustedKeys: [k.publicJwk] });
    expect(report.findings).toEqual([]);
    expect(report.items.filter((i) => i.status === 'withheld').map((i) => [i.id, i.withheld?.custody])).toEqual([['chat', 2], ['subscriber', 3]]);
  });
});
