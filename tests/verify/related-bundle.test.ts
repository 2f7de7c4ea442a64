import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { custodyLink } from '../../src/custody/custody-link.js';
import { relatedBundle } from '../../src/index.js';
import { openBundleDirectory } from '../../src/node/index.js';
import { packDemo, tempDir } from '../helpers/bundle-fixture.js';

describe('relatedBundle', () => {
  it('refuses a bundle whose manifest is missing, not canonical or not a manifest: ERR_MANIFEST_INVALID', async () => {
    const dir = await tempDir('evb-related-');
    const bundle = await packDemo(dir);
    const manifest = join(bundle, 'evidence', 'manifest.json');
    await fsp.chmod(manifest, 0o644);
    for (const text of ['{ "formatVersion": "1.0" }', '{"formatVersion":"1.0"}']) {
      await fsp.writeFile(manifest, text);
      await expect(relatedBundle(await openBundleDirectory(bundle), 'supplements')).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
    }
    await fsp.rm(manifest);
    await expect(relatedBundle(await openBundleDirectory(bundle), 'supplements')).rejects.toMatchObject({ code: 'ERR_MANIFEST_INVALID' });
  });

  it('links by the bundle id and the digest its first custody event would link to', async () => {
    const bundle = await packDemo(await tempDir('evb-related-'));
    const bytes = new Uint8Array(await fsp.readFile(join(bundle, 'evidence', 'manifest.json')));
    const { bundleId } = JSON.parse(new TextDecoder().decode(bytes)) as { bundleId: string };
    expect(await relatedBundle(await openBundleDirectory(bundle), 'follows-preservation')).toEqual({ relation: 'follows-preservation', bundleId, manifestDigest: custodyLink(bytes) });
  });
});
