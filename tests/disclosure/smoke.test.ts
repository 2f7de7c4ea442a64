import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/index.js';
import { filesSource, keyPair, packSelective } from './helpers.js';

describe('smoke', () => {
  it('packs and verifies 1.2', async () => {
    const k = await keyPair();
    const files = await packSelective({ packager: k });
    console.log([...files.keys()]);
    const report = await verifyBundle(filesSource(files), { trustedKeys: [k.publicJwk] });
    console.log(JSON.stringify(report.findings, null, 1), report.items);
    expect(report.outcome).toBe('VALID');
  });
});
