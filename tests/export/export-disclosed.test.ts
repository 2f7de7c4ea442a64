// `exportBundleCase` on a format 1.2 bundle (issue 11 follow-up): the disclosed items are exported from the
// disclosures, a withheld item by its id only (nothing of its metadata, digests or bytes), and disclosures that do
// not give the signed root are refused with ERR_DISCLOSURE_INVALID.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportBundleCase } from '../../src/entries/case.js';
import { DEFAULT_ITEMS, filesSource, keyPair, packSelective, redactInMemory, withChanges } from '../disclosure/helpers.js';
import { utf8Encode } from '../../src/internal/bytes.js';

describe('CASE/UCO export of a format 1.2 bundle', () => {
  it('exports the disclosed items and nothing of a withheld one but its id', async () => {
    const k = await keyPair();
    const files = await packSelective({ packager: k, custodian: k });
    const whole = JSON.stringify((await exportBundleCase(filesSource(files))).document);
    for (const [id, path] of DEFAULT_ITEMS) {
      expect(whole).toContain(`"core:name":"${id}"`);
      expect(whole).toContain(path);
    }
    const derived = await redactInMemory(files, k, ['third-party']);
    const text = JSON.stringify((await exportBundleCase(filesSource(derived))).document);
    expect(text).toContain('chat/export.json');
    expect(text).toContain('subscriber.csv');
    expect(text).toContain('"core:name":"third-party"');
    // What the clear export said of the withheld item is gone: its path, its description, its digests.
    expect(text).not.toContain('chat/third-party.json');
    expect(text).not.toContain('description of third-party');
    const digest = createHash('sha256').update(DEFAULT_ITEMS[1]![2]).digest('hex');
    expect(whole).toContain(digest);
    expect(text).not.toContain(digest);
  });

  it.each([
    ['missing', () => undefined],
    ['altered', (b: Uint8Array) => utf8Encode(new TextDecoder().decode(b).replace('description of chat', 'description of CHAT'))],
    ['malformed', () => utf8Encode('{"leaves":')],
  ])('refuses disclosures %s with ERR_DISCLOSURE_INVALID', async (_, change) => {
    const k = await keyPair();
    const files = await packSelective({ packager: k });
    const next = change(files.get('evidence/disclosures.json')!);
    let forged: Map<string, Uint8Array>;
    if (next === undefined) {
      forged = new Map(files);
      forged.delete('evidence/disclosures.json');
    } else forged = await withChanges(files, new Map([['evidence/disclosures.json', next]]));
    await expect(exportBundleCase(filesSource(forged))).rejects.toMatchObject({ code: 'ERR_DISCLOSURE_INVALID' });
  });
});
