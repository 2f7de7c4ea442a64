// Every rule of selective disclosure, attacked (issue 11, "Attacks it must stand"): each attack is a class, tried
// with variants; the verifier must name it with a stable code and never say VALID.
import { describe, expect, it } from 'vitest';
import { verifyBundle, type VerificationReport } from '../../src/index.js';
import { signDetached } from '../../src/sign/sign-detached.js';
import { serializeSignatureFile } from '../../src/sign/signature-file.js';
import { createItemProof, itemCommitment, merkleLeafHash, merkleNodeHash, merkleRoot, merkleRootFromProof, merkleInclusionProof, parseItemProof, serializeItemProof, verifyItemProof } from '../../src/entries/disclosure.js';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { parseJson } from '../../src/encoding/strict-json.js';
import { base64urlDecodeStrict, base64urlEncode, toHex, utf8Encode } from '../../src/internal/bytes.js';
import type { KeyPair } from '../helpers/bundle-fixture.js';
import { appendEvent, filesSource, keyPair, packSelective, redactInMemory, withChanges } from './helpers.js';

const DISCLOSURES = 'evidence/disclosures.json';
type Leaves = { leaves: Array<Record<string, any>> };

const codes = (r: VerificationReport) => [...new Set(r.findings.map((f) => f.code))].sort();
const leavesOf = (files: Map<string, Uint8Array>): Leaves => parseJson(files.get(DISCLOSURES)!) as Leaves;
const put = (files: Map<string, Uint8Array>, value: unknown) => withChanges(files, new Map([[DISCLOSURES, canonicalizeToBytes(value)]]));

let key: KeyPair;
async function verify(files: Map<string, Uint8Array>): Promise<VerificationReport> {
  return verifyBundle(filesSource(files), { trustedKeys: [key.publicJwk] });
}

describe('attacks on disclosures', () => {
  it('a disclosure altered (any member of the item, or the salt) breaks the root', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    const edits: Array<[string, (d: Leaves) => void]> = [
      ['disclosure.root-mismatch', (d) => (d.leaves[0]!.item.description = { en: 'something else' })],
      ['disclosure.root-mismatch', (d) => (d.leaves[0]!.item.mediaType = 'application/json')],
      ['disclosure.root-mismatch', (d) => delete d.leaves[1]!.item.description],
      ['disclosure.root-mismatch', (d) => (d.leaves[2]!.salt = (d.leaves[2]!.salt.startsWith('A') ? 'B' : 'A') + d.leaves[2]!.salt.slice(1))],
      ['disclosure.root-mismatch', (d) => (d.leaves[0]!.item.id = 'renamed')],
      // A present item turned withheld while it keeps its path breaks the item schema before the root.
      ['disclosure.malformed', (d) => (d.leaves[0]!.item.disclosure = { status: 'withheld', reason: 'hidden' })],
    ];
    for (const [code, edit] of edits) {
      const d = leavesOf(files);
      edit(d);
      const report = await verify(await put(files, d));
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain(code);
    }
  });

  it('a disclosure altered together with the bytes it describes (another file with its digests) breaks the root', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key });
    const d = leavesOf(files);
    const other = utf8Encode('{"messages":["forged"]}');
    d.leaves[0]!.item.size = other.length;
    d.leaves[0]!.item.digests = { sha256: toHex((await import('@noble/hashes/sha2.js')).sha256(other)) };
    const forged = new Map(files);
    forged.set('data/chat/export.json', other);
    const resealed = await withChanges(forged, new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['manifest-sha256.txt', utf8Encode(manifestFor(forged))]]));
    const report = await verify(resealed);
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('disclosure.root-mismatch');
  });

  it('disclosures swapped between items, reordered, or replayed from another bundle break the root', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key });
    const another = await packSelective({ packager: key });
    const swaps: Array<(d: Leaves) => void> = [
      (d) => ([d.leaves[0], d.leaves[1]] = [d.leaves[1]!, d.leaves[0]!]),
      (d) => ([d.leaves[0]!.salt, d.leaves[1]!.salt] = [d.leaves[1]!.salt, d.leaves[0]!.salt]),
      (d) => (d.leaves = leavesOf(another).leaves),
      (d) => (d.leaves[2] = leavesOf(another).leaves[2]!),
    ];
    for (const swap of swaps) {
      const d = leavesOf(files);
      swap(d);
      const report = await verify(await put(files, d));
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain('disclosure.root-mismatch');
    }
  });

  it('leaves removed or added: the signed leaf count catches them', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    const derived = await redactInMemory(files, key, ['third-party']);
    for (const change of [(d: Leaves) => d.leaves.splice(1, 1), (d: Leaves) => d.leaves.push(d.leaves[0]!), (d: Leaves) => d.leaves.pop()]) {
      const d = leavesOf(derived);
      change(d);
      const report = await verify(await put(derived, d));
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain('disclosure.leaf-count-mismatch');
    }
  });

  it('a missing or malformed disclosures file is a finding', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key });
    const without = new Map(files);
    without.delete(DISCLOSURES);
    const resealed = await withChanges(without, new Map());
    expect(codes(await verify(resealed))).toContain('disclosure.missing');
    for (const bad of ['{}', '{"leaves":[]} ', 'not json', '{"leaves":[{"item":{},"salt":"x"}]}']) {
      const report = await verify(await withChanges(files, new Map([[DISCLOSURES, utf8Encode(bad)]])));
      expect(report.outcome).toBe('INVALID');
      expect(codes(report)).toContain('disclosure.malformed');
    }
  });

  it('a salt reused within a bundle is refused by the writer and reported by the verifier', async () => {
    key = await keyPair();
    const same = 'AAAAAAAAAAAAAAAAAAAAAA';
    await expect(packSelective({ packager: key, salts: () => same })).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
    // A writer that reuses salts anyway, and signs the root it computed: the signature holds, the reuse is found.
    const files = await packSelective({ packager: key });
    const d = leavesOf(files);
    d.leaves[0]!.salt = same;
    d.leaves[2]!.salt = same;
    const leaves = d.leaves.map((l) => itemCommitment(l.item, l.salt));
    const manifest = parseJson(files.get('evidence/manifest.json')!) as any;
    manifest.commitments.root = toHex(merkleRoot(leaves));
    const manifestBytes = canonicalizeToBytes(manifest);
    const signatures = serializeSignatureFile({ signatures: [await signDetached(manifestBytes, key.signer, { role: 'packager' })] });
    const forged = await withChanges(files, new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['evidence/manifest.json', manifestBytes], ['evidence/signatures.json', signatures]]));
    const report = await verify(forged);
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toEqual(['disclosure.salt-reused']);
    expect(report.findings[0]).toMatchObject({ item: 'subscriber', params: { item: 'subscriber', other: 'chat' } });
  });

  it('duplicate ids among the leaves are a finding even with a matching root', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, items: [['a', 'a.txt', 'x'], ['a', 'b.txt', 'y']] }).catch((e: unknown) => e);
    // The writer validates the clear manifest first: duplicate ids never reach the tree.
    expect(files).toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
    // A writer that commits to duplicate ids anyway and signs the root it computed: the signature and the root
    // hold, the duplicate is found. Variants: a disclosed item's id given to another disclosed item, to a
    // withheld leaf, and two withheld leaves with one id.
    const good = await packSelective({ packager: key });
    const forge = async (edit: (d: any) => void) => {
      const d = leavesOf(good) as any;
      edit(d);
      const leaves = d.leaves.map((l: any) => ('item' in l ? itemCommitment(l.item, l.salt) : Uint8Array.from(Buffer.from(l.withheld.leaf, 'hex'))));
      const manifest = parseJson(good.get('evidence/manifest.json')!) as any;
      manifest.commitments.root = toHex(merkleRoot(leaves));
      const manifestBytes = canonicalizeToBytes(manifest);
      const signatures = serializeSignatureFile({ signatures: [await signDetached(manifestBytes, key.signer, { role: 'packager' })] });
      return verify(await withChanges(good, new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['evidence/manifest.json', manifestBytes], ['evidence/signatures.json', signatures]])));
    };
    const withheldAs = (d: any, i: number, id: string) => {
      d.leaves[i] = { withheld: { id, leaf: toHex(itemCommitment(d.leaves[i].item, d.leaves[i].salt)) } };
    };
    const variants: Array<[string, (d: any) => void, number]> = [
      ['two disclosed items with one id', (d) => (d.leaves[2].item.id = 'chat'), 2],
      ['a withheld leaf with a disclosed item\'s id', (d) => withheldAs(d, 1, 'chat'), 1],
      ['two withheld leaves with one id', (d) => (withheldAs(d, 1, 'subscriber'), withheldAs(d, 2, 'subscriber')), 2],
    ];
    for (const [what, edit, at] of variants) {
      const report = await forge(edit);
      expect(report.outcome, what).toBe('INVALID');
      expect(codes(report), what).toContain('disclosure.item-invalid');
      expect(codes(report), what).not.toContain('disclosure.root-mismatch');
      const finding = report.findings.find((f) => f.code === 'disclosure.item-invalid')!;
      expect(finding.path, what).toMatch(new RegExp(`^evidence/disclosures\\.json#/leaves/${at}/`));
    }
  });
});

describe('attacks on withheld items', () => {
  it('a withheld item re-inserted, with its own or other bytes, is caught', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    const derived = await redactInMemory(files, key, ['third-party']);
    // Bytes put back without a disclosure: undeclared.
    const bytesBack = new Map(derived);
    bytesBack.set('data/chat/third-party.json', files.get('data/chat/third-party.json')!);
    const r1 = await verify(await withChanges(bytesBack, new Map([['manifest-sha256.txt', utf8Encode(manifestFor(bytesBack))]])));
    expect(r1.outcome).toBe('INVALID');
    expect(codes(r1)).toContain('item.undeclared');
    // The original disclosure and bytes put back: the redaction event says it was withheld.
    const d = leavesOf(derived);
    d.leaves[1] = leavesOf(files).leaves[1]!;
    const r2 = await verify(await withChanges(bytesBack, new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['manifest-sha256.txt', utf8Encode(manifestFor(bytesBack))]])));
    expect(r2.outcome).toBe('INVALID');
    expect(codes(r2)).toContain('disclosure.redacted-present');
    expect(codes(r2)).not.toContain('disclosure.root-mismatch');
    // A disclosure with other bytes: the root breaks.
    const other = utf8Encode('{"name":"someone else"}');
    const forged = new Map(bytesBack);
    forged.set('data/chat/third-party.json', other);
    const d3 = leavesOf(files);
    d3.leaves[1]!.item.size = other.length;
    d3.leaves[1]!.item.digests = { sha256: toHex((await import('@noble/hashes/sha2.js')).sha256(other)) };
    const r3 = await verify(await withChanges(forged, new Map([[DISCLOSURES, canonicalizeToBytes(d3)], ['manifest-sha256.txt', utf8Encode(manifestFor(forged))]])));
    expect(r3.outcome).toBe('INVALID');
    expect(codes(r3)).toContain('disclosure.root-mismatch');
  });

  it('an item withheld without a signed redaction event, or with another leaf, is caught', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    const derived = await redactInMemory(files, key, ['third-party']);
    const d = leavesOf(derived);
    // Hand-made withholding of "chat" (its correct leaf hash, so the root holds), no event: unrecorded.
    const original = leavesOf(files);
    const { itemCommitment } = await import('../../src/entries/disclosure.js');
    d.leaves[0] = { withheld: { id: 'chat', leaf: toHex(itemCommitment(original.leaves[0]!.item, original.leaves[0]!.salt)) } };
    const stripped = new Map(derived);
    stripped.delete('data/chat/export.json');
    const changes = new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['manifest-sha256.txt', utf8Encode(manifestFor(stripped))]]);
    const r1 = await verify(await withChanges(stripped, changes));
    expect(r1.outcome).toBe('INVALID');
    expect(codes(r1)).toContain('disclosure.withheld-unrecorded');
    // The ids of two withheld leaves exchanged: the events bind each id to its leaf.
    const two = await redactInMemory(files, key, ['third-party', 'chat']);
    const d2 = leavesOf(two);
    [d2.leaves[0]!.withheld.id, d2.leaves[1]!.withheld.id] = [d2.leaves[1]!.withheld.id, d2.leaves[0]!.withheld.id];
    const r2 = await verify(await put(two, d2));
    expect(r2.outcome).toBe('INVALID');
    expect(codes(r2)).toContain('disclosure.withheld-unrecorded');
  });

  it('a redaction by someone without custody is refused by the writer and INVALID when forged', async () => {
    key = await keyPair();
    const stranger = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    await expect(redactInMemory(files, stranger, ['third-party'])).rejects.toMatchObject({ code: 'ERR_CUSTODY_RULE' });
    // Without any custody event nobody holds the items: nobody may redact.
    const bare = await packSelective({ packager: key });
    await expect(redactInMemory(bare, key, ['chat'])).rejects.toMatchObject({ code: 'ERR_CUSTODY_RULE' });
    // Forged: the stranger's event appended by hand, the leaf made withheld.
    const original = leavesOf(files);
    const { itemCommitment } = await import('../../src/entries/disclosure.js');
    const leaf = toHex(itemCommitment(original.leaves[1]!.item, original.leaves[1]!.salt));
    let forged = await appendEvent(files, stranger, { type: 'redacted', items: ['third-party'], leaves: [leaf], reason: 'because', place: 'X', purpose: 'Y' });
    const d = leavesOf(forged);
    d.leaves[1] = { withheld: { id: 'third-party', leaf } };
    forged = new Map(forged);
    forged.delete('data/chat/third-party.json');
    forged = await withChanges(forged, new Map([[DISCLOSURES, canonicalizeToBytes(d)], ['manifest-sha256.txt', utf8Encode(manifestFor(forged))]]));
    const report = await verifyBundle(filesSource(forged), { trustedKeys: [key.publicJwk, stranger.publicJwk] });
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('custody.handover.not-custodian');
  });

  it('a reduced bundle claiming fewer withheld items than it has: a leaf dropped is caught by the signed count', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key, custodian: key });
    const derived = await redactInMemory(files, key, ['third-party', 'subscriber']);
    const d = leavesOf(derived);
    d.leaves = d.leaves.filter((l) => l['withheld']?.id !== 'subscriber');
    const report = await verify(await put(derived, d));
    expect(report.outcome).toBe('INVALID');
    expect(codes(report)).toContain('disclosure.leaf-count-mismatch');
  });
});

describe('attacks on the tree and on proofs', () => {
  const leaves = Array.from({ length: 7 }, (_, i) => merkleLeafHash(utf8Encode(`leaf ${i}`)));

  it('a node presented as a leaf, or a leaf as a node, never gives the root (second preimage)', () => {
    const root = merkleRoot(leaves);
    // The left subtree (4 leaves) offered as one leaf, with the rest: another root.
    expect(toHex(merkleRoot([merkleRoot(leaves.slice(0, 4)), ...leaves.slice(4)]))).not.toBe(toHex(root));
    // An interior node's preimage (0x01 || l || r, or l || r) committed as a leaf's bytes is not that node: the
    // verifier always derives the leaf hash from the committed value with the 0x00 prefix.
    const node = merkleNodeHash(leaves[4]!, leaves[5]!);
    for (const bytes of [new Uint8Array([...leaves[4]!, ...leaves[5]!]), new Uint8Array([0x01, ...leaves[4]!, ...leaves[5]!])]) {
      expect(toHex(merkleLeafHash(bytes))).not.toBe(toHex(node));
    }
    // Without the prefixes it would work: the path of leaf 4 minus its first step proves the node as "leaf 2 of 4".
    const path = merkleInclusionProof(leaves, 4).slice(1);
    expect(toHex(merkleRootFromProof(2, 4, node, path)!)).toBe(toHex(root));
    // ...which the signed size (7) refuses, and which needs a leaf hash no committed value gives.
    expect(merkleRootFromProof(2, 7, node, path)).toBeUndefined();
    // A leaf hash offered as an interior node (a one-step-longer path) never fits the signed size either.
    expect(merkleRootFromProof(4, 7, leaves[4]!, [...merkleInclusionProof(leaves, 4), leaves[0]!])).toBeUndefined();
  });

  it('a proof for a tree of another size never verifies against the signed root and size', () => {
    // The strongest case: trees that share their first leaves (as when items are added). A proof made in one
    // tree, checked against the root and the signed size of the other, fails. (RFC 9162 verification with a
    // wrong size can still reproduce the proof's own root: hence the size is signed beside the root, and the
    // proof file carries no size of its own.)
    const all = Array.from({ length: 34 }, (_, i) => merkleLeafHash(utf8Encode(`x${i}`)));
    for (let size = 1; size <= 17; size++) {
      const tree = all.slice(0, size);
      for (let index = 0; index < size; index++) {
        const path = merkleInclusionProof(tree, index);
        expect(toHex(merkleRootFromProof(index, size, tree[index]!, path)!)).toBe(toHex(merkleRoot(tree)));
        for (const other of [size - 1, size + 1, size + 2, size * 2]) {
          if (other < 1 || index >= other) continue;
          const otherRoot = toHex(merkleRoot(all.slice(0, other)));
          const got = merkleRootFromProof(index, other, tree[index]!, path);
          expect(got === undefined || toHex(got) !== otherRoot, `${index} of ${size} as ${other}`).toBe(true);
        }
      }
    }
  });

  it('a proof with a changed leaf index, path, item, salt, content or manifest is INVALID', async () => {
    key = await keyPair();
    const files = await packSelective({ packager: key });
    const { bytes } = await createItemProof(filesSource(files), 'chat');
    const proof = parseItemProof(bytes);
    const variants: Array<[string, (p: any) => void]> = [
      ['proof.inclusion-invalid', (p) => (p.leafIndex = 1)],
      ['proof.inclusion-invalid', (p) => p.inclusion.reverse()],
      ['proof.inclusion-invalid', (p) => p.inclusion.pop()],
      ['proof.inclusion-invalid', (p) => (p.disclosure.item.description = { en: 'x' })],
      ['proof.inclusion-invalid', (p) => (p.disclosure.salt = 'AAAAAAAAAAAAAAAAAAAAAA')],
      ['proof.item-altered', (p) => (p.content = base64urlEncode(utf8Encode('{"messages":["HELLO"]}')))],
      ['signature.invalid', (p) => {
        const m = parseJson(base64urlDecodeStrict(p.manifest)) as any;
        m.case.reference = 'OTHER-1';
        p.manifest = base64urlEncode(canonicalizeToBytes(m));
      }],
    ];
    for (const [code, change] of variants) {
      const copy = structuredClone(proof);
      change(copy);
      const report = await verifyItemProof(serializeItemProof(copy), { trustedKeys: [key.publicJwk] });
      expect(report.outcome, code).toBe('INVALID');
      expect(report.findings.map((f) => f.code), code).toContain(code);
    }
  });
});

/** manifest-sha256.txt for the payload of `files` (the forger recomputes it). */
function manifestFor(files: Map<string, Uint8Array>): string {
  const { sha256 } = require('@noble/hashes/sha2.js') as typeof import('@noble/hashes/sha2.js');
  return [...files]
    .filter(([p]) => p.startsWith('data/'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, b]) => `${toHex(sha256(b))}  ${p}\n`)
    .join('');
}
