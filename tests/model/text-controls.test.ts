import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalizeToBytes } from '../../src/encoding/jcs.js';
import { base64urlEncode, concatBytes } from '../../src/internal/bytes.js';
import { buildManifest, checkManifest, createCustodyEvent } from '../../src/index.js';
import { custodyLink, CustodyEventSchema, verifyCustodyLog } from '../../src/entries/custody.js';
import { parseJson } from '../../src/entries/encoding.js';
import { signDetached } from '../../src/entries/jws.js';
import { LongText, Text } from '../../src/model/common.js';
import { packBundle, verifyBundleDirectory } from '../../src/node/index.js';
import { demoCase, packDemo, resealBag, tempDir } from '../helpers/bundle-fixture.js';
import { ITEMS, LF, MANIFEST } from '../custody/helpers.js';
import { party, type Party } from '../custody/signed-log.js';
import { committedValidator, smallManifest } from './helpers.js';

// The classes a text field refuses (docs/format.md, "Value types"), each with every member.
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const REFUSED: Record<string, string[]> = {
  'C0 other than tab and line feed': [...range(0x00, 0x08), ...range(0x0b, 0x1f)],
  DEL: ['\u007f'],
  C1: range(0x80, 0x9f),
  'bidi embedding and override': range(0x202a, 0x202e),
  'bidi isolate': range(0x2066, 0x2069),
};
const refused = Object.entries(REFUSED).flatMap(([name, chars]) => chars.map((c) => [name, c.codePointAt(0)!.toString(16).padStart(4, '0'), c] as const));
// What text keeps: tab and line feed, the bidi marks Arabic and Hebrew need, joiners, and every script.
const KEPT = ['a\tb', 'line 1\nline 2', '\u200fمرحبا\u200f', 'שלום\u200e123', 'a\u061cb', 'می\u200cخواهم', '👩\u200d💻', 'a\u2028b', 'Dữ liệu'];

const manifestSchema = committedValidator('manifest');
const custodySchema = committedValidator('custody-event');

describe('text refuses characters that rewrite or reorder what a person reads', () => {
  it.each(refused)('%s: U+%s is refused by zod and the JSON Schema, in text and long text', (_class, _hex, c) => {
    const value = `a${c}b`;
    expect(Text.safeParse(value).success).toBe(false);
    expect(LongText.safeParse(value).success).toBe(false);
    const m = smallManifest();
    m.case.reference = value;
    expect(manifestSchema(m)).toBe(false);
    const p = smallManifest();
    p.legalBasis.purpose = value;
    expect(manifestSchema(p)).toBe(false);
  });

  it.each(KEPT)('keeps %j (zod and JSON Schema)', (value) => {
    expect(Text.safeParse(value).success).toBe(true);
    expect(LongText.safeParse(value).success).toBe(true);
    const m = smallManifest();
    m.case.reference = value;
    expect(manifestSchema(m)).toBe(true);
  });
});

describe('the reader reports such text as manifest.schema.invalid, at the member', () => {
  const fields: Array<[string, (m: any, v: string) => void]> = [
    ['/creator/name', (m, v) => (m.creator.name = v)],
    ['/case/reference', (m, v) => (m.case.reference = v)],
    ['/legalBasis/purpose', (m, v) => (m.legalBasis.purpose = v)],
    ['/handling/marking', (m, v) => (m.handling.marking = v)],
    ['/actors/0/name', (m, v) => (m.actors[0].name = v)],
    ['/items/0/description/en', (m, v) => (m.items[0].description = { en: v })],
  ];
  it.each(Object.entries(REFUSED))('%s, in every kind of text field', (_class, chars) => {
    for (const c of chars) {
      const m = smallManifest();
      for (const [, set] of fields) set(m, `x${c}Outcome: VALID`);
      const { manifest, findings } = checkManifest(m);
      expect(manifest).toBeUndefined();
      expect(findings.map((f) => [f.code, f.path])).toEqual(
        expect.arrayContaining(fields.map(([pointer]) => ['manifest.schema.invalid', `evidence/manifest.json#${pointer}`])),
      );
    }
  });
});

describe('the writer refuses such text', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('evb-text-controls-');
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(REFUSED))('buildManifest: %s', async (_class, chars) => {
    const { metadata } = await demoCase();
    const identity = { bundleId: '0b7f4c5e-8f61-4a35-9b0e-3c7d2a1e9f00', createdAt: new Date() };
    const withheld = [{ id: 'w', mediaType: 'text/plain', withheld: { reason: 'not disclosed' } }] as never;
    // The same manifest with harmless text is built, so that each refusal is the character's doing.
    expect(buildManifest(metadata, withheld, identity).manifest.case.title).toBe((metadata as any).case.title);
    for (const c of chars) {
      for (const set of [(m: any) => (m.case.title = `Title${c}`), (m: any) => (m.actors[0].role = `examiner${c}`), (m: any) => (m.legalBasis.purpose = `x\n${c}`)]) {
        const hostile = structuredClone(metadata) as any;
        set(hostile);
        expect(() => buildManifest(hostile, withheld, identity)).toThrow(expect.objectContaining({ code: 'ERR_MANIFEST_INVALID' }));
      }
    }
  });

  it('packBundle refuses before writing anything', async () => {
    const { metadata, items } = await demoCase();
    for (const c of ['\u001b', '\u009b', '\u202e', '\u2066']) {
      const hostile = structuredClone(metadata) as any;
      hostile.legalBasis.purpose = `Proceedings${c}`;
      const target = join(dir, `refused-${c.codePointAt(0)}`);
      await expect(packBundle(target, { metadata: hostile, items, signers: [], algorithms: [] })).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
      await expect(fsp.access(target)).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('a bundle whose signed manifest carries them is INVALID with manifest.schema.invalid at each member', async () => {
    const bundle = await packDemo(dir, { name: 'tampered' });
    const file = join(bundle, 'evidence', 'manifest.json');
    const m = parseJson(await fsp.readFile(file)) as any;
    m.case.title = 'Title\u001b[2K\rOutcome: VALID';
    m.legalBasis.purpose = 'Purpose\u007f';
    m.handling.marking = 'TLP\u009bAMBER';
    m.creator.name = 'Institute\u202e';
    m.actors[0].organisation = 'Org\u2067';
    await fsp.chmod(join(bundle, 'evidence'), 0o755).catch(() => undefined);
    await fsp.chmod(file, 0o644).catch(() => undefined);
    await fsp.writeFile(file, canonicalizeToBytes(m));
    await resealBag(bundle);
    const report = await verifyBundleDirectory(bundle);
    expect(report.outcome).toBe('INVALID');
    const at = report.findings.filter((f) => f.code === 'manifest.schema.invalid').map((f) => f.path);
    for (const pointer of ['/case/title', '/legalBasis/purpose', '/handling/marking', '/creator/name', '/actors/0/organisation']) {
      expect(at).toContain(`evidence/manifest.json#${pointer}`);
    }
  });
});

describe('custody event text refuses the same characters', () => {
  let alice: Party;
  beforeAll(async () => {
    alice = await party('Alice', 'investigator', 'FR');
  });
  const event = (extra: Record<string, unknown>) => ({
    seq: 1,
    prev: custodyLink(MANIFEST),
    type: 'accessed',
    time: '2026-10-06T09:00:00Z',
    actor: alice.actor,
    items: 'all',
    place: 'Lyon',
    purpose: 'seal',
    ...extra,
  });
  const fields = (c: string): Array<Record<string, unknown>> => [
    { place: `Lyon${c}` },
    { purpose: `seal${c}` },
    { notes: `note${c}` },
    { seals: [{ id: `S-1${c}` }] },
    { actor: { ...alice.actor, name: `Alice${c}` } },
    { actor: { ...alice.actor, organisation: `Agency${c}` } },
  ];

  it.each(Object.entries(REFUSED))('%s: the writer refuses it in every text field, and so does the JSON Schema', (_class, chars) => {
    for (const c of chars) {
      for (const extra of fields(c)) {
        expect(() => createCustodyEvent(event(extra) as never)).toThrow(expect.objectContaining({ code: 'ERR_CUSTODY_INVALID' }));
        expect(CustodyEventSchema.safeParse(event(extra)).success).toBe(false);
        expect(custodySchema(event(extra))).toBe(false);
      }
    }
  });

  it('keeps tab, line feed and the bidi marks', async () => {
    // The event without a hostile value is valid, so that every refusal above is the character's doing.
    expect(createCustodyEvent(event({}) as never).place).toBe('Lyon');
    expect(custodySchema(event({ seals: [{ id: 'S-1' }] }))).toBe(true);
    const payload = canonicalizeToBytes(event({}));
    const jws = await signDetached(payload, alice.signer, { role: alice.actor.role, typ: 'evidence-custody-event+jws' });
    const line = concatBytes(canonicalizeToBytes({ payload: base64urlEncode(payload), protected: jws.protected, signature: jws.signature }), LF);
    expect((await verifyCustodyLog(line, { manifestBytes: MANIFEST, itemIds: ITEMS, trustedKeys: [alice.publicJwk] })).findings).toEqual([]);
    for (const v of KEPT) expect(createCustodyEvent(event({ place: v, purpose: v, notes: v }) as never).place).toBe(v);
  });

  it.each(['\u001b', '\u0085', '\u202e', '\u2069', '\r'])('the reader reports a signed event holding U+%s as custody.malformed', async (c) => {
    // Signed by its actor, as a writer that skips the schema would.
    const payload = canonicalizeToBytes(event({ place: `Lyon${c}Outcome: VALID` }));
    const jws = await signDetached(payload, alice.signer, { role: alice.actor.role, typ: 'evidence-custody-event+jws' });
    const line = concatBytes(canonicalizeToBytes({ payload: base64urlEncode(payload), protected: jws.protected, signature: jws.signature }), LF);
    const check = await verifyCustodyLog(line, { manifestBytes: MANIFEST, itemIds: ITEMS, trustedKeys: [alice.publicJwk] });
    expect(check.findings.map((f) => f.code)).toEqual(['custody.malformed']);
  });
});
